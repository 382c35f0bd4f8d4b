// Answers as chat replies, in the language of the question: the condensed text (commands as code
// blocks), the citation underneath, or an "I don't know" with topics to try instead. A best guess
// says it may not be what was asked and offers the next topics as buttons (each asks about one).
import { code, context, reply, text, type Action, type Block, type Reply } from '../core/reply.js';
import type { Answer } from './base.js';
import type { Lang } from './tokenizer.js';

interface Wording {
  citation(heading: string, file: string, confidence: string): string;
  unknown: string;
  tryThese(topics: string[]): string;
  bestGuess: string;
  nextTopics: string;
}

const WORDING: Record<Lang, Wording> = {
  en: {
    citation: (heading, file, confidence) => `from: ${heading} (${file}) · confidence ${confidence}`,
    unknown: "I don't know that from the notes.",
    tryThese: (topics) => `Topics I can answer: ${topics.join(' · ')}`,
    bestGuess: 'This is the closest part of the notes; it may not be exactly what you asked.',
    nextTopics: 'Or perhaps one of these:',
  },
  zh: {
    citation: (heading, file, confidence) => `出处：${heading}（${file}）· 置信度 ${confidence}`,
    unknown: '笔记里没有找到可靠的答案。',
    tryThese: (topics) => `可以问这些主题：${topics.join('；')}`,
    bestGuess: '这是笔记里最接近的内容，可能不完全是你问的。',
    nextTopics: '也可能是这些主题：',
  },
};

/** Markdown answer text -> text and code blocks. */
export function answerBlocks(answer: string): Block[] {
  const blocks: Block[] = [];
  const fence = /```([\w+-]*)\n([\s\S]*?)\n```/g;
  let last = 0;
  for (const m of answer.matchAll(fence)) {
    const before = answer.slice(last, m.index).trim();
    if (before) blocks.push(text(before));
    blocks.push(code(m[2] as string, m[1] || undefined));
    last = (m.index ?? 0) + m[0].length;
  }
  const rest = answer.slice(last).trim();
  if (rest) blocks.push(text(rest));
  return blocks;
}

/** Gives the short id of a button that runs a command line as whoever presses it (the core's suggestion store). */
export type SuggestButton = (line: string) => string;

export function answerReply(answer: Answer, lang: Lang, suggest?: SuggestButton): Reply {
  const words = WORDING[lang];
  if (!answer.answered || answer.answer === null || answer.source === null) {
    const blocks: Block[] = [text(words.unknown)];
    if (answer.suggestions.length) blocks.push(context(words.tryThese(answer.suggestions)));
    return reply(blocks, { tone: 'info' });
  }
  const { file, heading } = answer.source;
  const citation = context(words.citation(heading, file, answer.confidence.toFixed(2)));
  if (!answer.bestGuess) return reply([...answerBlocks(answer.answer), citation]);
  const buttons = suggest ? topicButtons(answer.suggestions, suggest) : [];
  return reply([context(words.bestGuess), ...answerBlocks(answer.answer), citation, ...(buttons.length ? [context(words.nextTopics), { type: 'actions' as const, actions: buttons }] : [])], {
    tone: 'info',
  });
}

/** One button per topic; pressing it asks about that topic. */
function topicButtons(topics: readonly string[], suggest: SuggestButton): Action[] {
  return topics.map((t) => ({ id: suggest(`ask ${t}`), label: t }));
}
