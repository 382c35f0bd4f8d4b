// A section, cut down to what answers the question: the sentence, list items or command that
// match it, with the line that introduces a command kept in front of it. A question that only
// names the section's subject ("Tell me about registries") gets the section's opening instead.
import type { KnowledgeTopic, TopicText } from './loader.js';
import type { Passage } from './passages.js';
import type { Query } from './query.js';
import type { ScoredPassage } from './search.js';
import type { Lang } from './tokenizer.js';

/** About two or three sentences: a chat answer, not the notes. Chinese says more per character. */
const BUDGET: Record<Lang, number> = { zh: 240, en: 480 };
/** A passage close to the best one is part of the answer too (several matching list items). */
const NEAR_BEST = 0.85;
/** Asked for the difference of two things, the passage of each is: they match different halves of the question. */
const NEAR_BEST_COMPARING = 0.7;
/** A command's output shares the command's words; the command is the better answer. */
const OUTPUT_FACTOR = 0.5;
/** An output this short is quoted whole when one of its lines answers (the pull's eight lines). */
const SHORT_OUTPUT_LINES = 10;
/** How much more of the question an output line must answer than any other passage to be the answer itself. */
const OUTPUT_LEAD = 0.15;

/** The text to answer from: the question's language if the topic has it, else the notes' own. */
export function textFor(topic: KnowledgeTopic, lang: Lang): { text: TopicText; index: number } {
  const index = Math.max(0, topic.texts.findIndex((t) => t.lang === lang));
  return { text: topic.texts[index] as TopicText, index };
}

export function condense(text: TopicText, scored: readonly ScoredPassage[], query: Query): string {
  if (scored.length === 0) return '';
  const budget = BUDGET[text.lang];
  // An output counts less than the command that printed it, unless the question asks what was
  // printed or the output answers clearly more of it: a detail only it shows ("the digest of the pulled image").
  const bestOther = Math.max(0, ...scored.filter((s) => s.passage.kind !== 'output').map((s) => s.own));
  const relevance = (s: ScoredPassage): number => (s.passage.kind === 'output' && !query.aboutOutput && s.own < bestOther + OUTPUT_LEAD ? s.own * OUTPUT_FACTOR : s.own);
  const best = Math.max(...scored.map(relevance));
  const chosen = new Set<ScoredPassage>();
  let used = 0;
  /** Adds passages together or not at all, within the budget (the first answer passage always fits). */
  const take = (...group: ScoredPassage[]): boolean => {
    const fresh = group.filter((s) => !chosen.has(s));
    const size = fresh.reduce((n, s) => n + length(s.passage), 0);
    if (chosen.size > 0 && used + size > budget) return false;
    for (const s of fresh) chosen.add(s);
    used += size;
    return true;
  };
  /** "Build the image:" belongs with the command that follows it (with a line of it, or all of it). */
  const withIntroduced = (s: ScoredPassage): ScoredPassage[] => {
    if (isCode(s.passage)) {
      const intro = scored.filter((x) => x.passage.block === s.passage.block - 1).at(-1);
      return intro && introduces(intro.passage, s.passage) ? [intro, s] : [s];
    }
    const i = scored.indexOf(s);
    const next = scored[i + 1];
    if (next && introduces(s.passage, next.passage)) return [s, next];
    return [s];
  };

  if (best <= 0 && query.howTo && scored.some((s) => s.passage.kind === 'command')) {
    // "How do I build an image?" in a section about building one: the command that builds first, then
    // its other commands and files, with their intros.
    const acting = scored.filter((s) => s.acts);
    for (const s of acting) take(...withIntroduced(s));
    for (const s of scored) if ((s.passage.kind === 'command' || s.passage.kind === 'code') && !take(...withIntroduced(s))) break;
  } else if (best <= 0) {
    // Only the subject was named: the opening of the section, up to the budget.
    for (const s of scored) {
      const group = withIntroduced(s);
      if (chosen.has(s) || (chosen.size > 0 && group.some((g) => g.passage.kind === 'output'))) continue;
      if (!take(...group)) break;
    }
  } else {
    // A how-to gets the command that does what it asks first (`touch Dockerfile` for creating one).
    const acting = query.howTo ? scored.filter((x) => x.acts && x.own > 0) : [];
    const bestActing = Math.max(0, ...acting.map((x) => x.own));
    for (const s of acting) if (s.own >= bestActing * NEAR_BEST) take(...withIntroduced(s));
    const ranked = scored.filter((s) => relevance(s) >= best * (query.comparing ? NEAR_BEST_COMPARING : NEAR_BEST)).sort((a, b) => relevance(b) - relevance(a) || order(a.passage, b.passage));
    for (const s of ranked) if (!take(...withIntroduced(s))) break;
    if (query.listing) {
      // "What are the benefits of ...": the whole list the matching item belongs to.
      const lists = new Set([...chosen].filter((c) => c.passage.kind === 'item' || c.passage.kind === 'command').map((c) => c.passage.block));
      for (const s of scored) if (lists.has(s.passage.block) && !take(s)) break;
    }
    // A short opening sentence says what the section is about ("A Docker image is a special filesystem.").
    const lead = scored[0];
    if (lead && lead.passage.kind === 'sentence' && length(lead.passage) <= budget / 4 && [...chosen].every((c) => c.passage.kind === 'sentence')) take(lead);
  }
  // A line of what a command printed is read with the lines around it ("what does it print at the
  // end", "how many layers"): a short output is quoted whole.
  for (const block of new Set([...chosen].filter((c) => c.passage.kind === 'output').map((c) => c.passage.block))) {
    const lines = scored.filter((s) => s.passage.block === block);
    if (lines.length <= SHORT_OUTPUT_LINES) for (const line of lines) chosen.add(line);
  }
  // "That makes Docker lighter": a sentence that states a consequence comes with the one it follows from.
  for (const c of [...chosen]) {
    if (c.passage.kind !== 'sentence' || !CONSEQUENCE.test(c.passage.text)) continue;
    const cause = scored[scored.indexOf(c) - 1];
    if (cause && cause.passage.kind === 'sentence' && cause.passage.block === c.passage.block) take(cause);
  }
  const passages = [...chosen].sort((a, b) => order(a.passage, b.passage)).map((s) => s.passage);
  const rendered = render(passages, text.lang, scored);
  // "有哪几种办法" counts the ways, which are sections side by side, not this section's lines.
  const count = query.counting && !query.choosing ? countOf(passages) : 0;
  return count >= 2 ? `${COUNT[text.lang](count)}\n${rendered}` : rendered;
}

/** A sentence that opens with its consequence ("That makes ...", "使得 ...") says why only with the sentence before it. */
const CONSEQUENCE = /^(?:使得|因此|所以|于是|从而|这使得|这样|这就|(?:that|this|which) (?:makes|means|is why)|thus|therefore|hence|so\b|as a result)/i;

const COUNT: Record<Lang, (n: number) => string> = { en: (n) => `${n} in all:`, zh: (n) => `共 ${n} 条：` };

/** "How many": the items, commands or lines quoted from the block most of the answer is from. */
function countOf(passages: readonly Passage[]): number {
  const perBlock = new Map<number, number>();
  for (const p of passages) if (p.kind !== 'sentence') perBlock.set(p.block, (perBlock.get(p.block) ?? 0) + 1);
  return Math.max(0, ...perBlock.values());
}

/** Code is skimmed, not read: it costs half its length against the budget. */
const length = (p: Passage): number => (isCode(p) ? p.text.length / 2 : p.text.length);
/** A sentence ending in a colon introduces the code after it; so does a paragraph's last sentence before a command. */
const introduces = (p: Passage, next: Passage): boolean =>
  p.kind === 'sentence' && isCode(next) && next.block === p.block + 1 && (/[:：]$/.test(p.text) || next.kind === 'command');
const isCode = (p: Passage): boolean => p.kind === 'code' || p.kind === 'command' || p.kind === 'output';
const order = (a: Passage, b: Passage): number => a.block - b.block || a.index - b.index;

/**
 * Passages back to chat markdown: sentences of one paragraph joined, items as a list, code fenced
 * (the lines of one block in one fence, the whole block when every line of it is quoted, a table's
 * header above its rows).
 */
function render(passages: Passage[], lang: Lang, all: readonly ScoredPassage[]): string {
  const parts: string[] = [];
  const linesOf = (block: number): number => all.filter((s) => s.passage.block === block).length;
  for (let i = 0; i < passages.length; i++) {
    const p = passages[i] as Passage;
    const previous = passages[i - 1];
    const sameBlock = previous !== undefined && previous.block === p.block && previous.kind === p.kind;
    if (p.kind === 'sentence' && sameBlock) {
      parts[parts.length - 1] += (lang === 'zh' ? '' : ' ') + p.text;
    } else if (p.kind === 'item') {
      parts.push(`- ${p.text}`);
    } else if (isCode(p)) {
      const group = [p];
      while (passages[i + 1]?.block === p.block && passages[i + 1]?.kind === p.kind) group.push(passages[++i] as Passage);
      const whole = p.blockText !== undefined && group.length === linesOf(p.block);
      const body = whole ? (p.blockText as string) : [...(p.header ? [p.header] : []), ...group.map((g) => g.text)].join('\n');
      parts.push(`\`\`\`${p.lang ?? ''}\n${body}\n\`\`\``);
    } else {
      parts.push(p.text);
    }
  }
  return parts.join('\n');
}
