// Ranking and confidence.
//
// Ranking is MiniSearch's BM25+. BM25 weighs a match by how rare the term is across sections
// (idf) and saturates repeated terms, so "docker", which is everywhere, counts little and
// "libcontainer" a lot; the "+" variant gives every matched term a floor, so a long section that
// does contain the term is not buried under short ones that merely mention it. Headings get a
// boost: notes are written under headings that name their subject. BM25 only sees bags of terms,
// so its list is then reordered by how much of the question one passage of the section (a
// sentence, a list item, a command) accounts for, and by how much of the section's own title
// the question names.
//
// Confidence is a separate question: "is this about something the notes cover at all?". It is
// the best passage's coverage (idf-weighted; words the notes never use weigh most), discounted
// when the question names neither Docker's own vocabulary nor the section's heading ("Which
// company launched Go?" matches the notes word for word, and is still not a Docker question).
// It also asks how the words were found. A word found only through a synonym or a translation
// counts less: the synonym may be another sense of it. A match with no specific word found as
// written (only synonyms, translations, or words every section has, like "docker") is never
// confident, and is no answer at all when it rests on one such word in a section about something
// else ("docker 的缺点" meeting the "not recommended" of docker commit). A described command
// answers only a question about its own action (stopping a container is not removing stopped
// ones), and a how-to question answered by a section with nothing to follow (no command, code or
// link) is answered less surely. The weights and the threshold are calibrated on the question
// sets in test/fixtures/faq.
import MiniSearch from 'minisearch';
import type { KnowledgeTopic } from './loader.js';
import { passagesOf, withoutInstruction, type Passage } from './passages.js';
import { askingClauses, ASKS, COMMAND_WORDS, namesAnotherField, DONE_WEIGHT, optionTerm, QueryAnalyzer, type Query, type QueryUnit } from './query.js';
import { NEIGHBOUR_TOPICS, PLATFORMS } from './terms.js';
import { hasHan, indexTerms } from './tokenizer.js';

/** The knobs of ranking and confidence. */
export interface Tuning {
  /** The section's own title counts this many times in its text (BM25's tf saturates, so it is a soft boost). */
  titleRepeat: number;
  /** BM25 length normalisation (MiniSearch's default is 0.7). */
  lengthNormalization: number;
  /** Weight of a question word the notes never use: the surest sign the question is about something else. */
  unknownWeight: number;
  /** A word the notes use, but elsewhere, counts this much (of its weight) against a passage. */
  elsewhereFactor: number;
  minKnownWeight: number;
  maxKnownWeight: number;
  /** Confidence kept when the question's only anchor is a word of the section's heading. */
  headingAnchorFactor: number;
  /** Confidence kept when the question names neither Docker vocabulary nor the section's heading. */
  unanchoredFactor: number;
  /** Share of a word's weight that counts when a passage has only its synonym or translation. */
  relatedCredit: number;
  /** A term found in more than this share of the sections is generic: it says nothing about which one answers. */
  genericShare: number;
  /**
   * Highest confidence when the passage matches only through synonyms, translations or generic
   * terms, and either the question names the section's subject ("what are the pros of Docker") or
   * two of its words agree on the passage ("do containers boot quickly": "faster start-up").
   */
  weakEvidenceCap: number;
  /** The same when one word, a synonym, is all there is: "docker 的缺点" meeting "Docker commit: 不推荐". */
  offTopicCap: number;
  /** A command whose description leads with another action than the one asked about counts this much. */
  actionMismatchFactor: number;
  /** Confidence kept when a how-to question is answered from a section with no command, code or link. */
  howToProseFactor: number;
  /** Confidence kept when a how-to question asks for an action the section neither names nor performs ("how do I stop it"). */
  missingActionFactor: number;
  /** Ordering weight of a section that lacks a detail the question asks for (see TermGroup.detail). */
  missingDetailFactor: number;
  /** Ordering bonus of a section that shares a phrase with the question (see PHRASE_LENGTH). */
  phraseBonus: number;
  /** Ordering weight of a section that answers a why with a line that gives no reason. */
  noReasonFactor: number;
  /** Weight of an unknown word that names a neighbouring tool or topic (see NEIGHBOUR_TOPICS), as a multiple of unknownWeight. */
  neighbourFactor: number;
  /** Reordering: score = bm25^bm25Power * (coverageFloor + coverage)^coveragePower * (1 + titleBonus * title) * how-to bonus. */
  bm25Power: number;
  coverageFloor: number;
  coveragePower: number;
  titleBonus: number;
  /** Bonus for a section that answers a how-to question with a command, by that command's coverage. */
  howToBonus: number;
  /**
   * A runner-up scoring at least this share of the first makes the two a tie (see tiedCap). At 0.65
   * no question of the holdout sets is answered surely from a wrong section; where the notes answer
   * in two places (the command list and the demo), the answer is a best guess with the other offered.
   */
  tieMargin: number;
  /** Highest confidence of the first of two tied sections: a best guess, with the other offered. */
  tiedCap: number;
  /** Lowest confidence when a question asks to list or count what a section lists, or to choose between sections, naming their titles. */
  listingFloor: number;
}

export const DEFAULT_TUNING: Tuning = {
  titleRepeat: 2,
  lengthNormalization: 0.75,
  unknownWeight: 2.2,
  elsewhereFactor: 0.5,
  minKnownWeight: 0.4,
  maxKnownWeight: 2.2,
  headingAnchorFactor: 0.7,
  unanchoredFactor: 0.35,
  relatedCredit: 0.8,
  genericShare: 0.75,
  weakEvidenceCap: 0.65,
  offTopicCap: 0.45,
  actionMismatchFactor: 0.4,
  howToProseFactor: 0.7,
  missingActionFactor: 0.55,
  neighbourFactor: 2,
  missingDetailFactor: 0.3,
  noReasonFactor: 0.5,
  phraseBonus: 0.5,
  bm25Power: 0.5,
  coverageFloor: 0.2,
  coveragePower: 2,
  titleBonus: 0.6,
  howToBonus: 0.6,
  listingFloor: 0.6,
  tieMargin: 0.65,
  tiedCap: 0.69,
};

const FLAG_TEXT = /^--?[a-z]/;
const USE_WORDS: ReadonlySet<string> = new Set(['use', '用', '使用']);

/** An image named with its tag, as Docker writes it: "ubuntu:14.04", "demo:v1". */
const IMAGE_REFERENCE = /\b[a-z][a-z0-9._/-]*:[a-z0-9][a-z0-9._-]*\b/g;
/** Ordering weight of a section titled by an image the how-to does not name (see namesOtherImage). */
const NARROWER_HOW_TO = 0.8;
/** Ordering weight of a section that runs a command asked about without saying what it does (see notDescribed). */
const UNDESCRIBED_PURPOSE = 0.6;

/** A name written before the word for image ("demo镜像", "demo 用的镜像", "demo build 完的镜像", "the demo image"). */
const NAMED_IMAGE = /\b([a-z][a-z0-9_-]*)\s*(?:的|用的|那个|这个)?\s*(?:(?:build|pull|run)\s*(?:完的?|出来的|好的)\s*)?(?:镜像|images?\b)/g;

export interface Hit {
  topic: KnowledgeTopic;
  /** Only for ordering. */
  score: number;
  /** Share of the question found in the best passage of this topic (0..1). */
  coverage: number;
  anchor: 'domain' | 'heading' | 'none';
  confidence: number;
  /** The section was ruled out as an answer (it lacks the detail, option, platform or reason asked for), whatever it scores. */
  vetoed?: boolean;
  /**
   * ...only for what one word asks that the section lacks (an option, a detail, a version, a reason,
   * a qualifier), which a sentence around the question may have brought in; not for the platform,
   * image, action or count asked about.
   */
  vetoedByWord?: boolean;
}

export interface Ranking {
  query: Query;
  hits: Hit[];
  /** The part of a longer message that made the first section's confidence: what its answer quotes is chosen for it. */
  focus?: Query;
}

export interface ScoredPassage {
  passage: Passage;
  /** Share of the question this passage (with its heading) accounts for. */
  coverage: number;
  /** Share of what the question asks beyond the section's heading that this passage accounts for. */
  own: number;
  /** A command that does what the question asks to do (`docker build` for "how do I build an image"). */
  acts?: boolean;
}

interface IndexedPassage {
  text: number;
  passage: Passage;
  terms: Set<string>;
  /** A described command's action ("# remove all stopped containers" -> remove and its synonyms). */
  action?: Set<string>;
}

/** How well one passage (with its section's heading) answers a question. */
interface PassageMatch {
  /** Weighted share of the question found (0..1), synonyms and translations counting fully: for ordering. */
  coverage: number;
  /** The same with synonyms and translations counting `relatedCredit`: for confidence. */
  support: number;
  /** Some specific word of the question is found as written (see WeightedUnit.own). */
  strong: boolean;
  /** How many words of the question are found through a specific term, as written or not. */
  evidence: number;
}

/**
 * Two spellings of one word: an inflection the stemmer leaves ("deployment", "deploy"), or a
 * Chinese word and a longer one built on it (用, 用途). Not a synonym that might mean something else.
 */
function sameWord(a: string, b: string): boolean {
  if (hasHan(a) !== hasHan(b)) return false;
  if (hasHan(a)) return a.includes(b) || b.includes(a);
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.startsWith(short)) return true;
  let common = 0;
  while (common < short.length && short[common] === long[common]) common++;
  return common >= 5;
}

interface WeightedUnit {
  unit: QueryUnit;
  /** Its own index terms and its translations'. */
  terms: string[];
  /** Its own index terms and its related ones that are spellings of the same word (see sameWord). */
  own: string[];
  /** Those of them that are specific (not generic; see Tuning.genericShare). */
  specific: string[];
  weight: number;
}

/** The Docker CLI's management commands, which are also the nouns prose uses ("a docker image"). */
const MANAGEMENT_NOUN = /_(?:image|container|network|volume|system|builder|plugin|context|node|service|stack|secret|config|trust|manifest)$/;
const MANAGEMENT_COMMAND = /\bdocker\s+(?:image|container|network|volume|system|builder|plugin|context|node|service|stack|secret|config|trust|manifest)\s+(?:ls|list|rm|remove|prune|inspect|create|build|history|import|load|save|tag|push|pull|start|stop|run|exec|logs|df|info)\b/;

/** Only the best BM25 candidates are reordered (a large notes directory has hundreds of sections). */
const RERANK_DEPTH = 30;

interface IndexedTopic {
  topic: KnowledgeTopic;
  terms: Set<string>;
  headingTerms: Set<string>;
  /** The content units of the section's own title, per language. */
  titles: QueryUnit[][];
  /** The content units of each heading of its path, per language. */
  subjects: QueryUnit[][];
  /** The content units of the heading it sits under, per language. */
  parents: QueryUnit[][];
  passages: IndexedPassage[];
  /** It has something to follow: a command, code, or a link. */
  procedural: boolean;
  /** It has a command line to give ("命令是啥"). */
  hasCommand: boolean;
  /** The docker commands its command lines run (docker_pull, docker_images). */
  runs: Set<string>;
  /** Its commands say what they do in a comment ("# 查看容器"): a list of described commands. */
  describesCommands: boolean;
  /** Words of the section's code that no other section has: the demo's own names (flask, hello.py, route). */
  quoted: Set<string>;
  /** Every run of PHRASE_LENGTH Chinese characters of its text (see phrases). */
  phrases: Set<string>;
}

/** A run of this many Chinese characters shared with the question is the notes' own phrase ("镜像是静态的"). */
const PHRASE_LENGTH = 5;

/** The runs of PHRASE_LENGTH Chinese characters in a text. */
function phrases(text: string): string[] {
  const runs: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i + PHRASE_LENGTH <= chars.length; i++) runs.push(chars.slice(i, i + PHRASE_LENGTH).join(''));
  }
  return runs;
}

/** A runner-up this close that runs the same command as the first is as good an answer (see sharesCommand). */
const SAME_COMMAND_MARGIN = 0.5;

/** Share of a code line's match (a Dockerfile's, a program's) that counts as the command a how-to asks for. */
const CODE_HOW_TO = 0.5;
/** A word for "command" itself (命令, cmd, 敲啥), not a command named ("docker build"). */
const saysCommand = (unit: QueryUnit): boolean => !unit.command && [...unit.terms, ...unit.related].some((t) => COMMAND_WORDS.has(t));

/** Share of an output line's match that counts for a how-to question. */
const OUTPUT_HOW_TO = 0.5;
const NOTE_FLAG = /(?<![a-z0-9_-])--?[a-z][a-z0-9-]*/giu;

/** An action word written as a state of the container or image after it: "running container", "stopped containers", "跑着的容器", "运行中的容器". */
function describesNoun(text: string, word: string): boolean {
  const at = text.indexOf(word);
  if (at < 0) return false;
  const after = text.slice(at + word.length);
  return (/(?:ing|ed)$/.test(word) && /^\s+(?:containers?|images?)\b/.test(after)) || (hasHan(word) && /^(?:着的|中的|了的|着|的)(?:容器|镜像)/.test(after));
}

/** The words that state a detail: a Chinese word whole, not its bigrams (多少钱 is not 多少). */
const detailTerms = (unit: QueryUnit, terms: readonly string[]): readonly string[] => (hasHan(unit.text) ? [unit.text, ...unit.related] : terms);

/**
 * Options and ports are stated by a command line that has them (`docker run -p 5000:5000`), in
 * whatever words the question asks for them ("port 参数", "the -p flag's value").
 */
function statesDetail(unit: QueryUnit, terms: readonly string[], passage: IndexedPassage): boolean {
  if (detailTerms(unit, terms).some((t) => passage.terms.has(t))) return true;
  if (passage.passage.kind !== 'command' && passage.passage.kind !== 'code') return false;
  const asked = [...unit.terms, ...unit.related];
  if (asked.includes('参数') && [...passage.terms].some((t) => t.startsWith('option'))) return true;
  return asked.includes('端口') && PORT_MAPPING.test(passage.passage.text);
}

/** Asking for a version in chat words ("python 是几点几"). */
const ASKS_VERSION = /^(?:几点几|哪一?版)$/;
/** A version as the notes write one: 14.04, 0.7, ubuntu:14.04, demo:v1. */
const VERSION_NUMBER = /\d+\.\d+|:[\w.-]*\d/;

/**
 * A line states the version of a thing when the number stands with its name ("ubuntu:14.04") or
 * the line speaks of versions ("从 0.7 版本以后"); "FROM ubuntu:14.04, installs Python" gives none of Python.
 */
function statesVersionOf(line: string, thing: QueryUnit): boolean {
  const text = line.toLowerCase();
  // A Dockerfile instruction is its whole line ("FROM 的版本": FROM ubuntu:14.04).
  const whole = thing.terms.some((t) => t.startsWith('dockerfile') && t !== 'dockerfil');
  if ((whole || /版本|\bversions?\b|\breleases?\b/.test(text)) && VERSION_NUMBER.test(text)) return true;
  // An image's version is its tag ("base image 哪个版本": FROM ubuntu:14.04).
  if ([...thing.terms, ...thing.related].some((t) => t === 'imag' || t === '镜像') && /[a-z0-9._-]+:[\w.-]*\d/.test(text)) return true;
  const at = text.indexOf(thing.text.toLowerCase());
  return at >= 0 && /^[\s:=@v-]{0,2}\d/.test(text.slice(at + thing.text.length));
}

/**
 * An unknown word naming a neighbouring tool or topic: "docker compose" is Compose as "compose" is,
 * and a Chinese word holding one (安全更新 holds 安全) is about it too.
 */
function isNeighbourTopic(text: string): boolean {
  const word = text.replace(/^docker\s+/, '');
  if (NEIGHBOUR_TOPICS.has(word)) return true;
  return hasHan(word) && NEIGHBOUR_HAN.some((topic) => word.includes(topic));
}
const NEIGHBOUR_HAN = [...NEIGHBOUR_TOPICS].filter((t) => hasHan(t) && t.length >= 2);

/** How many things a question asks to act on, and how many a described command acts on: all of them or one. */
const ALL_OF_THEM = /所有|全部|全都|一次性|一口气|批量|一键|\b(?:all|every|everything)\b|\bat once\b|\bin one go\b/i;
const JUST_ONE = /(?:只|就|单|仅)?(?:(?:一个|单个|某个|某一个)(?:指定|特定)?|指定|特定)\s*的?\s*(?:容器|镜像|container|image)|\b(?:just|only)\s+(?:one|a single|a specific|that)\b|\b(?:a|one)\s+(?:single|specific|particular)\s+(?:stopped\s+|running\s+)?(?:container|image)\b|\bone\s+(?:stopped\s+|running\s+)?(?:container|image)\b/i;

const knownUnits = (query: Query): number => query.units.filter((u) => u.known && !u.otherSense).length;

/** A sentence that something can be done ("容器可以被创建、启动、停止", "can be stopped"): not how. */
const CAN_BE = /可以被|能被|\bcan be\b/i;
/** ...which does answer what can be done ("容器都能干嘛", "what else can I do with it"). */
const WHAT_CAN = /[都还]能|能干[嘛啥]|能做(?:什么|啥)|\bwhat (?:else )?can\b/;

/** A port mapping (`-p 5000:5000`) and a question of which side is which ("前面那个是宿主机的还是容器的", "which 5000 is the host's"). */
const PORT_MAPPING = /(?<![\d.])\d{2,5}:\d{2,5}(?![\d.])|(?<![a-z0-9-])-p(?![a-z0-9-])/i;
const WHICH_SIDE = /前面|后面|左边|右边|冒号[前后]|前一个|后一个|第一个|第二个|哪个|哪边|\b(?:which|left|right|first|second|before|after)\b/;
const SIDE_NAMES = /宿主|主机|本机|容器|\b(?:host|container|local|machine)'?s?\b/;
/** ...which only prose that names the host beside a mapping explains. */
const EXPLAINS_MAPPING = /宿主|主机|\bhost\b/i;

/** Asking what something means or does. */
const MEANING = /\bmean(?:s|ing)?\b|\bstands? for\b|\bwhat does\b.*\bdo\b|\bfor what\b|意思|含义|作用|干嘛的|干啥的|是干什么的|代表/;
/** ...and, narrower, what a thing is for ("是干啥的", "what is it for"), which a described command says. */
const PURPOSE = /[是拿用](?:来)?(?:干啥|干嘛|干什么|做什么|做啥)的|有啥用|有什么用|\bwhat (?:is|are|does|do)\b.*\b(?:for|do)\b\s*[?？]?$/;

/** Words that give a reason or a purpose, in both languages of the notes. */
const REASON = /由于|因为|因此|所以|使得|为了|以便|用于|从而|导致|否则|如果|\b(?:because|since|so that|therefore|thus|hence|as a result|in order to|makes?|allows?|lets?|if|for)\b/i;

const isProcedure = (p: Passage): boolean => p.kind === 'command' || p.kind === 'code' || /https?:\/\//.test(p.text);

export class TopicIndex {
  readonly analyzer: QueryAnalyzer;
  private readonly tuning: Tuning;
  private readonly search: MiniSearch<{ id: string; text: string }>;
  private readonly indexed = new Map<string, IndexedTopic>();
  private readonly documentFrequency = new Map<string, number>();
  /** The names in the notes' image references (ubuntu, demo of `ubuntu:14.04`, `demo:v1`). */
  private readonly imageNames = new Set<string>();
  private readonly scoresByTerm = new Map<string, ReadonlyMap<string, number>>();

  constructor(
    readonly topics: readonly KnowledgeTopic[],
    tuning: Partial<Tuning> = {},
  ) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.search = new MiniSearch({
      // One field: MiniSearch computes idf per field, and "docker" must count as common even in
      // the few titles that name it.
      fields: ['text'],
      // Text is tokenized once, by our own tokenizer; MiniSearch sees space-separated terms.
      tokenize: (text) => (text ? text.split(' ') : []),
      processTerm: (term) => term || null,
      searchOptions: { bm25: { k: 1.2, b: this.tuning.lengthNormalization, d: 0.5 } },
    });
    // Chinese words the segmenter finds in the notes help split questions (see QueryAnalyzer), and so do the options its commands use.
    const noteWords: string[] = [];
    const flags = new Set<string>();
    const documents = topics.map((topic) => {
      const title = indexTerms(topic.texts.map((t) => t.path.at(-1) ?? '').join('\n'), noteWords);
      const heading = indexTerms(topic.texts.map((t) => t.path.slice(0, -1).join('\n')).join('\n'), noteWords);
      const passages: IndexedPassage[] = [];
      const content: string[] = [];
      const quotedCode = new Set<string>();
      const lineTerms = new Set<string>();
      topic.texts.forEach((t, text) => {
        // An output is found by the command that printed it too ("the SIZE in docker images' output").
        let command: string[] = [];
        for (const passage of passagesOf(t.blocks)) {
          // A line is found by its words and by what it means (its gloss). The section is ranked by
          // its prose, code and glosses: an output's own words ("REPOSITORY TAG ... CREATED",
          // "Downloaded newer image") would make every section with a sample output look like an answer.
          const gloss = passage.gloss ? indexTerms(passage.gloss, noteWords) : [];
          // A command's options are found by name ("-t 后面写的啥": `docker build -t demo:v1 ./`).
          const flagsHere = passage.kind === 'command' || passage.kind === 'code' ? (passage.text.toLowerCase().match(NOTE_FLAG) ?? []) : [];
          for (const f of flagsHere) flags.add(f);
          const options = flagsHere.map(optionTerm);
          const own = passage.kind === 'output' ? gloss : [...indexTerms(passage.kind === 'code' ? withoutInstruction(passage.text) : passage.text, noteWords), ...gloss, ...options];
          const terms = passage.kind === 'output' ? [...indexTerms(passage.text, noteWords), ...gloss, ...command] : own;
          if (passage.kind === 'command') command = indexTerms(passage.text, noteWords);
          else if (passage.kind !== 'output') command = [];
          // A command line is a command ("build 的命令" is `docker build`, whatever its words).
          passages.push({ text, passage, terms: new Set(passage.kind === 'command' ? [...terms, 'command'] : terms) });
          for (const ref of passage.text.toLowerCase().match(IMAGE_REFERENCE) ?? []) for (const part of ref.split(/[:/]/)) this.imageNames.add(part);
          for (const t of terms) lineTerms.add(t);
          // Both languages quote the same code; it counts once.
          const isCode = passage.kind === 'command' || passage.kind === 'code';
          if (isCode && quotedCode.has(passage.text)) continue;
          if (isCode) quotedCode.add(passage.text);
          content.push(...own);
        }
      });
      const terms = new Set([...title, ...heading, ...content, ...lineTerms]);
      for (const t of terms) this.documentFrequency.set(t, (this.documentFrequency.get(t) ?? 0) + 1);
      this.indexed.set(topic.id, { topic, terms, headingTerms: new Set([...title, ...heading]), titles: [], subjects: [], parents: [], passages, procedural: passages.some((p) => isProcedure(p.passage)), hasCommand: passages.some((p) => p.passage.kind === 'command'), runs: new Set(passages.filter((p) => p.passage.kind === 'command').flatMap((p) => [...p.terms].filter((t) => t.startsWith('docker_')))), describesCommands: false, quoted: new Set(), phrases: new Set(passages.flatMap((p) => phrases(p.passage.text))) });
      const text = [...Array.from({ length: this.tuning.titleRepeat }, () => title).flat(), ...heading, ...content];
      return { id: topic.id, text: text.join(' ') };
    });
    this.search.addAll(documents);
    this.analyzer = new QueryAnalyzer(new Set(this.documentFrequency.keys()), noteWords, flags);
    for (const entry of this.indexed.values()) {
      entry.titles = entry.topic.texts.map((t) => this.analyzer.analyze(t.path.at(-1) ?? '').units).filter((units) => units.length > 0);
      entry.parents = entry.topic.texts.map((t) => (t.path.length >= 2 ? this.analyzer.analyze(t.path.at(-2) ?? '').units : [])).filter((units) => units.length > 0);
      entry.subjects = entry.topic.texts.flatMap((t) => t.path.map((heading) => this.analyzer.analyze(heading).units)).filter((units) => units.length > 0);
      for (const p of entry.passages) p.action = this.leadingAction(p.passage);
      entry.describesCommands = entry.passages.some((p) => p.action !== undefined && /^\s*#/.test(p.passage.text));
      for (const p of entry.passages) {
        // A version or a number the notes give only here ("1.11", "5000") names the section as its code does.
        for (const t of p.terms) if (/^\d+(?:\.\d+)+$|^\d{3,}$/.test(t) && this.documentFrequency.get(t) === 1) entry.quoted.add(t);
        // So do the words only this section's output has (Digest, Status, "Pull complete").
        if (p.passage.kind === 'output') for (const t of indexTerms(p.passage.text, [])) if (this.documentFrequency.get(t) === 1 && !entry.headingTerms.has(t)) entry.quoted.add(t);
        if (p.passage.kind !== 'code') continue;
        for (const t of p.terms) if (this.documentFrequency.get(t) === 1 && !entry.headingTerms.has(t)) entry.quoted.add(t);
      }
    }
  }

  /**
   * The action a described command performs: the first word of its comment, when that is an action
   * ("# pull an image"); without a comment, its docker subcommand (`docker run -p ...` runs) or
   * what the line means (`touch Dockerfile` creates a file).
   */
  private leadingAction(passage: Passage): Set<string> | undefined {
    if (passage.kind !== 'command') return undefined;
    const inOrder = (query: Query): QueryUnit[] =>
      query.units
        .map((u) => ({ u, at: query.text.indexOf(u.text) }))
        .filter((x) => x.at >= 0)
        .sort((a, b) => a.at - b.at)
        .map((x) => x.u);
    const comment = /^\s*#\s*(.+)/.exec(passage.text)?.[1];
    if (comment) {
      const first = inOrder(this.analyzer.analyze(comment))[0];
      return first?.action ? new Set([...first.terms, ...first.related, first.text]) : undefined;
    }
    const said = /^\s*(?:\$\s+)?(docker(?:\s+[a-z]+)+)/.exec(passage.text)?.[1] ?? passage.gloss?.split(' ')[0];
    if (!said) return undefined;
    const query = this.analyzer.analyze(said);
    const action = inOrder(query).find((u) => u.action);
    // The command itself ("docker build") names its action too.
    return action ? new Set([...action.terms, ...action.related, action.text, ...query.units.flatMap((u) => u.terms)]) : undefined;
  }

  /**
   * The thing whose version a question asks ("flask 的版本", "version of ubuntu"): the nearest
   * specific word before the word for version, else after it.
   */
  private versionedThing(query: Query, units: readonly WeightedUnit[]): WeightedUnit | undefined {
    const version = units.find(({ unit }) => [...unit.terms, ...unit.related].includes('版本') || ASKS_VERSION.test(unit.text));
    if (!version) return undefined;
    const at = (u: WeightedUnit): number => query.text.indexOf(u.unit.text);
    const end = at(version) + version.unit.text.length;
    // Things that can have a version: not an action, nor a one-character word (用).
    const things = units.filter((u) => u !== version && u.unit.known && !u.unit.action && u.specific.length > 0 && at(u) >= 0 && !/^\p{Script=Han}$/u.test(u.unit.text));
    // "version of ubuntu", "哪个版本的 ubuntu"; else "flask 的版本", "python version".
    const owner = things.find((u) => at(u) > end && /^\s*(?:of(?:\s+the)?|的)\s*$/.test(query.text.slice(end, at(u))));
    const thing = owner ?? things.filter((u) => at(u) < at(version)).sort((a, b) => at(b) - at(a))[0];
    // A question that gives the version ("starting with version 1.11") asks about something else;
    // one given with another thing's name ("ubuntu 14.04 里 python 是几点几") is that thing's.
    const others = things.filter((u) => u !== thing).map((u) => u.unit.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const ungiven = others.length ? query.text.replace(new RegExp(`(?:${others.join('|')})[\\s:=@v-]{0,2}\\d+(?:\\.\\d+)*`, 'gi'), ' ') : query.text;
    return VERSION_NUMBER.test(ungiven) ? undefined : thing;
  }

  /**
   * Two things the notes cannot compare: one they never name ("ENTRYPOINT 和 CMD"), or two they
   * only ever name together ("使用 runC 和 containerd": nothing says what each does).
   */
  private notComparable(units: readonly WeightedUnit[]): boolean {
    if (units.some(({ unit }) => !unit.known && unit.domain)) return true;
    // ...nor one the notes know only by a synonym ("docker rmi" for their `docker image rm`): whether the two are the same is not said.
    if (units.some(({ unit }) => unit.known && /^docker\s/.test(unit.text) && !unit.terms.some((t) => this.documentFrequency.has(t)))) return true;
    const things = units.filter(({ unit, specific }) => unit.known && unit.domain && specific.length > 0);
    if (things.length < 2) return false;
    const names = (p: IndexedPassage, u: WeightedUnit): boolean => u.specific.some((t) => p.terms.has(t));
    const naming = [...this.indexed.values()].flatMap((e) => e.passages).filter((p) => things.some((u) => names(p, u)));
    return naming.length > 0 && naming.every((p) => things.every((u) => names(p, u)));
  }

  /** The section's described commands that do the action to the thing asked act on another count of them than asked. */
  private actsOnOtherCount(entry: IndexedTopic, actions: readonly WeightedUnit[], objects: readonly WeightedUnit[], quantity: 'one' | 'all'): boolean {
    if (objects.length === 0) return false;
    const fitting = entry.passages.filter(
      (p) => p.action !== undefined && actions.some((u) => u.terms.some((t) => p.action?.has(t))) && objects.every((u) => u.terms.some((t) => p.terms.has(t))),
    );
    return fitting.length > 0 && fitting.every((p) => ALL_OF_THEM.test(p.passage.text) !== (quantity === 'all'));
  }

  /** Inverse document frequency over topics, as BM25 computes it. */
  idf(term: string): number {
    const n = this.topics.length;
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * The sections for a question, best first. A message of several sentences asks in one of them,
   * the rest saying who asks and why ("Hey all, data person here. What language is Docker written
   * in? I assumed Python"): the section the whole message ranks first is as likely as that sentence
   * alone makes it, but no surer than a best guess, since the rest was left unread.
   */
  rank(question: string, limit = 5): Ranking {
    const whole = this.rankQuestion(question);
    const top = whole.hits[0];
    // ...unless the rest names what takes the question elsewhere: git's commit, a tool the notes do not cover.
    const elsewhere = namesAnotherField(whole.query.text) || whole.query.units.some((u) => !u.known && (u.domain || isNeighbourTopic(u.text)));
    let focus: Query | undefined;
    if (top && !elsewhere) {
      const { clauses, span, asking } = askingClauses(question);
      // A sentence asking about one thing the notes know ("which command?") is not the question on its own.
      const asked = [...(span ? [{ ranking: this.rankQuestion(span), all: true }] : []), ...clauses.map((clause) => ({ ranking: this.rankQuestion(clause), all: asking === 1 })).filter(({ ranking }) => knownUnits(ranking.query) >= 2)];
      for (const { ranking, all } of asked) {
        const { query, hits } = ranking;
        const own = hits[0];
        // What rules the whole out may be said around the question ("docker ps -a 一刷满屏都是", "I need the
        // same version"), but not in another question of it ("咋用，参数是啥"), nor be a platform or an
        // image of its own that the question is then about.
        const kept = new Set(query.units.map((u) => u.text));
        const aroundIt = whole.query.units.filter((u) => !kept.has(u.text));
        const ruledOutAroundIt = !top.vetoed || (all && top.vetoedByWord === true && aroundIt.every((u) => !PLATFORMS.has(u.text) && !/[:@]/.test(u.text)));
        const lifted = Math.min(own?.confidence ?? 0, this.tuning.tiedCap);
        if (own && !own.vetoed && own.topic === top.topic && ruledOutAroundIt && lifted > top.confidence) {
          top.confidence = lifted;
          focus = query;
        }
      }
    }
    return { query: whole.query, hits: whole.hits.slice(0, limit), ...(focus ? { focus } : {}) };
  }

  private rankQuestion(question: string): Ranking {
    const query = this.analyzer.analyze(question);
    const bm25 = [...this.conceptScores(query)].sort((a, b) => b[1] - a[1]).slice(0, RERANK_DEPTH);
    const top = bm25[0]?.[1] ?? 0;
    if (top === 0) return { query, hits: [] };
    const { coverageFloor, coveragePower, titleBonus, howToBonus } = this.tuning;
    const units = this.weighUnits(query.units);
    const namesDocker = query.units.some((u) => u.domain && u.known && !u.otherSense);
    // "docker image" alone is an image, as prose says it; "docker images" or "docker image rm" a
    // command. A step already done ("docker pull 完怎么看") is not what is asked, nor its action.
    const named = query.units.flatMap((u) => (u.command && u.known && !u.done && (!MANAGEMENT_NOUN.test(u.command) || MANAGEMENT_COMMAND.test(query.text)) ? [u.command] : []));
    // The actions asked for; one that only says which containers ("a running container", "跑着的容器") is not asked for.
    const allActions = units.filter((u) => u.unit.action && !u.unit.done);
    const asked = allActions.filter((u) => !describesNoun(query.text, u.unit.text));
    const actions = asked.length > 0 ? asked : allActions;
    // The docker commands the question names ("docker ps"), however the term map reads them.
    const subcommands = query.units.filter((u) => u.known && /^docker\s+[a-z]/.test(u.text));
    const unknownFlag = query.units.some((u) => !u.known && u.terms.some((t) => t.startsWith('option')) && FLAG_TEXT.test(u.text));
    // ...and so is a Dockerfile instruction no Dockerfile of the notes has ("要不要加 EXPOSE", "ENTRYPOINT 和 CMD").
    const unknownInstruction = query.units.some((u) => !u.known && u.terms.some((t) => t.startsWith('dockerfile') && t !== 'dockerfil'));
    const imageRefs = query.text.toLowerCase().match(IMAGE_REFERENCE) ?? [];
    // An image named by its name alone ("demo 镜像", "the demo image"): asked about where that image is.
    const namedImages = [...query.text.toLowerCase().matchAll(NAMED_IMAGE)].map((m) => m[1] as string).filter((name) => this.imageNames.has(name));
    // "How do I install Docker on Ubuntu": Docker itself installed on a platform (not a package the
    // Dockerfile installs, which names the Dockerfile, an image or a container).
    const platforms = query.units.filter((u) => PLATFORMS.has(u.text));
    const installsDocker =
      platforms.length > 0 &&
      query.units.some((u) => u.action && [...u.terms, ...u.related].includes('安装')) &&
      query.units.some((u) => u.terms.includes('docker')) &&
      !query.units.some((u) => u.domain && !u.terms.includes('docker'));
    const versioned = this.versionedThing(query, units);
    const notComparable = query.comparing && this.notComparable(units);
    // "What does the -t flag mean", "-t 参数啥意思": an option the notes use but never explain in words.
    const namesOption = query.units.some((u) => u.detail && [...u.terms, ...u.related].includes('参数'));
    const flagsAsked = namesOption && MEANING.test(query.text) ? (query.text.match(NOTE_FLAG) ?? []) : [];
    // Only removing is told apart by how many: "查看所有容器" is listing them as `docker ps` does.
    const removing = actions.filter(({ unit }) => [...unit.terms, ...unit.related].includes('删除'));
    const quantity = removing.length === 0 ? undefined : JUST_ONE.test(query.text) ? 'one' : ALL_OF_THEM.test(query.text) ? 'all' : undefined;
    // What is acted on: Docker's nouns the question names (容器, image), not its actions or commands.
    const objects = units.filter(({ unit }) => unit.known && unit.domain && !unit.action && !unit.command && !/^docker$/.test(unit.text));
    // "-p 5000:5000 前面那个是宿主机的吗": which side of a mapping is which, which a command line does not say.
    const asksMappingSide = PORT_MAPPING.test(query.text) && WHICH_SIDE.test(query.text) && SIDE_NAMES.test(query.text);
    // A detail said before a how-to is the situation, not what is asked ("镜像太多了占地方，怎么删掉一个").
    // ...and so is one said after it as a state ("本地镜像咋删 占空间了") or in a clause of its own that asks nothing ("咋删掉 占地方").
    const situation = (unit: QueryUnit): boolean => {
      const at = query.text.indexOf(unit.text);
      if (!query.howTo || actions.length === 0 || at < 0) return false;
      if (at < query.howToAt) return true;
      const clauseAt = Math.max(...[...query.text.slice(0, at).matchAll(/[\s，,。；;]+/g)].map((m) => (m.index ?? 0) + m[0].length), 0);
      const clause = query.text.slice(clauseAt).split(/[\s，,。；;]/)[0] ?? '';
      return /^\s*了(?![吗么嘛])/.test(query.text.slice(at + unit.text.length)) || (clauseAt > query.howToAt && hasHan(clause) && !ASKS.test(clause));
    };
    const asksCommand = query.units.some((u) => !u.command && u.terms.some((t) => COMMAND_WORDS.has(t)));
    // A how-to's "command" (命令, cmd) asks for a line to type, which a file's line is not (the
    // Dockerfile's "default command"), nor is a file's line how to run or start something (CMD says
    // what runs "when the container starts"): matched against code, those words are left out.
    const typedUnits = units.filter(({ unit }) => unit.command !== undefined || (!saysCommand(unit) && !(unit.action && [...unit.terms, ...unit.related].some((t) => t === 'run' || t === 'start'))));
    // "镜像算静态的" says "镜像是静态的" as the notes would.
    const questionPhrases = phrases(query.text.replace(/算(?:是)?/g, '是'));
    const hits: Hit[] = [];
    for (const [id, raw] of bm25) {
      const entry = this.indexed.get(id) as IndexedTopic;
      let coverage = 0;
      let commandCoverage = 0;
      let actingCoverage = 0;
      let namesAction = false;
      let actsAsked = false;
      let best: PassageMatch = { coverage: 0, support: 0, strong: false, evidence: 0 };
      let bestPassage: Passage | undefined;
      for (const p of entry.passages) {
        const found = this.match(query.howTo && p.passage.kind === 'code' ? typedUnits : units, p, entry.headingTerms);
        // What a command printed shows a result, not how to get it: it answers a how-to only in part.
        const m = query.howTo && p.passage.kind === 'output' ? { ...found, coverage: found.coverage * OUTPUT_HOW_TO, support: found.support * OUTPUT_HOW_TO } : found;
        coverage = Math.max(coverage, m.coverage);
        if (m.support > best.support || (m.support === best.support && m.strong && !best.strong)) {
          best = m;
          bestPassage = p.passage;
        }
        // A file's lines are followed by writing them, a command line by typing it: a how-to asks for the latter first.
        if (p.passage.kind === 'command' || p.passage.kind === 'code') commandCoverage = Math.max(commandCoverage, m.coverage * (p.passage.kind === 'code' ? CODE_HOW_TO : 1));
        const acts = p.action !== undefined && actions.some((u) => u.terms.some((t) => p.action?.has(t)));
        if (acts) actingCoverage = Math.max(actingCoverage, m.coverage);
        actsAsked ||= acts;
        namesAction ||= acts || actions.some((u) => u.terms.some((t) => p.terms.has(t) || entry.headingTerms.has(t)));
      }
      // A question that names a command ("docker images") asks about the section that runs it, not
      // one that mentions the words in passing.
      const runsNamed = named.length > 0 && named.every((c) => entry.runs.has(c));
      // A command that does what is asked answers it, how-to or not ("remove all stopped containers?").
      const howTo = (query.howTo ? 1 + howToBonus * commandCoverage : query.capability ? 1 : 1 + howToBonus * actingCoverage) * (runsNamed ? 1 + howToBonus : 1);
      // Two of the question's words on one of the section's docker command lines ("pull" and "ubuntu"
      // on `docker pull ubuntu:14.04`) make it a question about Docker, Docker's name or not.
      const namesCommandLine = !namesDocker && this.namesDockerCommandLine(units, entry);
      // A question that names a section's own title and nothing the notes lack is about that section ("有啥入门书": the references).
      const namesTitleOnly = this.namesOwnTitle(entry, query.weights) && units.every(({ unit }) => unit.known || (unit.topicality ?? 1) < 0.5);
      const quoted = this.quotedAnchor(units, entry, query.howTo);
      // A question that says it asks what the notes say ("笔记里有提吗", "per the notes") is about them.
      const namesCode = units.some(({ unit }) => unit.codeName && entry.passages.some((p) => p.passage.kind === 'code' && unit.terms.every((t) => p.terms.has(t))));
      const anchor = namesDocker || namesCommandLine || namesCode || namesTitleOnly || quoted === 'domain' || query.aboutNotes ? 'domain' : this.namesHeading(units, entry) || quoted === 'heading' || this.namesOneLine(units, entry) ? 'heading' : 'none';
      let confidence = best.support * (anchor === 'domain' ? 1 : anchor === 'heading' ? this.tuning.headingAnchorFactor : this.tuning.unanchoredFactor);
      // Asked how to do something, answered with a statement that it can be done.
      if (query.howTo && !entry.procedural) confidence *= this.tuning.howToProseFactor;
      // Asked for the command itself ("命令是啥"), a section without one has nothing to give.
      const noCommand = query.howTo && asksCommand && !entry.hasCommand;
      if (noCommand) confidence = Math.min(confidence, this.tuning.offTopicCap);
      // A list of described commands answers a how-to only with one that does it: "remove all
      // stopped containers" mentions stopping, and is not how to stop one.
      if (query.howTo && actions.length > 0 && (!namesAction || (entry.describesCommands && !actsAsked))) confidence *= this.tuning.missingActionFactor;
      // Only synonyms, translations or generic words: never sure; and no answer at all when a single
      // such word is all there is and the question does not name what the section is about.
      if (!best.strong) {
        const corroborated = best.evidence >= 2 || this.namesSubject(entry, query.weights);
        confidence = Math.min(confidence, corroborated ? this.tuning.weakEvidenceCap : this.tuning.offTopicCap);
      }
      // Asked to list or count what a section lists, naming that section's own subject ("how many
      // advantages are listed", "常用命令有哪些"): the section itself is the answer.
      if (query.listing && this.namesOwnTitle(entry, query.weights)) confidence = Math.max(confidence, this.tuning.listingFloor);
      // Asked to choose between this section and one beside it, naming both ("commit 还是 Dockerfile").
      if (query.choosing && this.namesOwnTitle(entry, query.weights) && this.siblingsOf(entry).some((s) => this.namesOwnTitle(s, query.weights))) {
        confidence = Math.max(confidence, this.tuning.listingFloor);
      }
      // Asked for a detail (a size, a port, a command's options) the section never states: being on
      // topic does not answer it ("demo:v1 有多大" from the Dockerfile, "commit 的参数" from a sentence).
      const missingDetail = units.some(({ unit, terms }) => unit.detail && !situation(unit) && !detailTerms(unit, terms).some((t) => entry.headingTerms.has(t)) && !entry.passages.some((p) => statesDetail(unit, terms, p)));
      // A detail of an image named by its reference ("demo:v1 多大") is stated only where that image is.
      const otherImage = units.some(({ unit }) => unit.detail) && imageRefs.some((ref) => !entry.passages.some((p) => ref.split(':').every((part) => p.passage.text.toLowerCase().includes(part))));
      // A question about a command the section runs, qualified by something its line does not say
      // ("docker ps 怎么看退出的容器"): it asks for an option the notes do not show.
      const commandLines = query.howTo && subcommands.length > 0 ? entry.passages.filter((p) => p.passage.kind === 'command' && subcommands.every((u) => u.terms.some((t) => p.terms.has(t)))) : [];
      // What the command line says, and what the section shows it printing.
      const shown = [...commandLines, ...entry.passages.filter((p) => p.passage.kind === 'output')];
      const unsaidQualifier =
        commandLines.length > 0 &&
        units.some(
          ({ unit, terms, specific }) =>
            // The images and containers a command acts on, and "use" in "how do I use it", are implied by the command.
            unit.known && specific.length > 0 && !unit.domain && !subcommands.includes(unit) && !USE_WORDS.has(unit.text) && !unit.terms.some((t) => COMMAND_WORDS.has(t)) &&
            !(shown.length > commandLines.length && [...unit.terms, ...unit.related].includes('output')) && !terms.some((t) => entry.headingTerms.has(t) || shown.some((p) => p.terms.has(t) || p.action?.has(t))),
        );
      // Asked why, answered by a line that says what, not why ("为啥用 5000 端口" by `-p 5000:5000`,
      // "why was LXC dropped" by the sentence that it was). A list item is one of the reasons a list
      // gives ("why do containers start faster": faster start-up is an advantage), and so is the
      // section whose own title the question names ("why use docker": its advantages).
      const noReason = query.why && bestPassage !== undefined && bestPassage.kind !== 'item' && !REASON.test(bestPassage.text);
      const saysNotWhy = noReason && this.titleCoverage(entry, query.weights) === 0;
      // The version of one thing ("flask 的版本", "which python version") is stated only where a number stands with it.
      const unversioned = versioned !== undefined && !entry.passages.some((p) => versioned.specific.some((t) => p.terms.has(t)) && statesVersionOf(p.passage.text, versioned.unit));
      const unexplainedFlag = flagsAsked.some((f) => !entry.passages.some((p) => (p.passage.kind === 'sentence' || p.passage.kind === 'item') && p.passage.text.toLowerCase().includes(f)));
      // A described command that does what is asked to what is named, but to all of them when one is
      // asked for, or to one when all are ("删掉一个指定的容器" is not "清理所有…的容器", "delete all my images at once" not "删除本地镜像").
      const otherCount = quantity !== undefined && entry.describesCommands && this.actsOnOtherCount(entry, removing, objects, quantity);
      // Asked how to do something, answered only by a sentence that it can be done ("容器可以被…停止").
      const onlyCanBe = query.howTo && !query.capability && !WHAT_CAN.test(query.text) && actions.length > 0 && bestPassage !== undefined && bestPassage.kind !== 'command' && bestPassage.kind !== 'code' && CAN_BE.test(bestPassage.text);
      const otherPlatform = installsDocker && !platforms.some((u) => [...u.terms, ...u.related].some((t) => entry.headingTerms.has(t)));
      const unexplainedMapping = asksMappingSide && !entry.passages.some((p) => (p.passage.kind === 'sentence' || p.passage.kind === 'item') && PORT_MAPPING.test(p.passage.text) && EXPLAINS_MAPPING.test(p.passage.text));
      // What one word asks that the section lacks (an option no command of the notes uses, as in
      // "docker ps -a": the question is about that option; a detail, a version, a reason) ...
      const lacksWordsAsk = unknownFlag || unknownInstruction || missingDetail || unsaidQualifier || saysNotWhy || unversioned || notComparable || unexplainedFlag;
      // ...and what the question itself is about: the image, the platform, the mapping, the action or the count.
      const lacksWhatIsAsked = otherImage || otherPlatform || unexplainedMapping || onlyCanBe || otherCount;
      if (lacksWordsAsk || lacksWhatIsAsked) confidence = Math.min(confidence, this.tuning.offTopicCap);
      const vetoed = noCommand || lacksWordsAsk || lacksWhatIsAsked;
      // A question may name a heading above the section's own ("构建镜像有几种方式" names the heading
      // over docker commit and the Dockerfile): that counts as half its title.
      // Asked for the ways to do something, a section that is one of several ways under a heading the
      // question names ("做镜像有哪几种办法": docker commit and the Dockerfile under 构建镜像) counts as named.
      const oneOfWays = query.choosing && this.siblingsOf(entry).length > 0 && this.namesUnits(entry.parents, query.weights);
      const title = Math.max(this.titleCoverage(entry, query.weights), oneOfWays ? 1.5 : this.namesSubject(entry, query.weights) ? 0.5 : 0);
      const score = (raw / top) ** this.tuning.bm25Power * (coverageFloor + coverage) ** coveragePower * (1 + titleBonus * title) * howTo;
      // Of two sections that could answer a why, the one that gives a reason comes first ("为啥管它叫容器": 因此也称其为容器).
      // "跟虚拟机比 docker 好在哪": a section that never names the virtual machine does not compare with it,
      // unless the question names the section outright ("比 VM 的 advantage", "跟虚拟机比有啥好处"; 好在哪 and
      // 强在哪 ask in what way) or one of its list items says what is compared ("容器起得比虚拟机快吗": 更快的启动时间),
      // which then answers it best.
      const namedOutright = units.some(({ unit }) => !unit.domain && [...unit.text].length >= 2 && !/^.在$/u.test(unit.text) && [...unit.terms, ...unit.related].some((t) => entry.headingTerms.has(t)));
      const comparing = units.some(({ unit }) => unit.comparedWith);
      // Two commands compared ("docker run vs docker ps") are compared where both are described.
      const lacksCompared = query.comparing && subcommands.length >= 2 && !subcommands.every((u) => entry.passages.some((p) => p.passage.kind === 'command' && u.terms.some((t) => p.terms.has(t))));
      const statesCompared = comparing && this.namesOneLine(units, entry);
      const comparesNot = lacksCompared || !namedOutright && !statesCompared && units.some(({ unit, terms }) => unit.comparedWith && !terms.some((t) => entry.terms.has(t)));
      // "docker run 是干啥的": what the notes' list of described commands says it does, not the demo running it.
      const notDescribed = named.length > 0 && PURPOSE.test(query.text) && !(entry.describesCommands && runsNamed);
      // A how-to that names no image asks for the general command, not the demo's with its image ("command to download an image": not `docker pull ubuntu:14.04`).
      const namesOtherImage = query.howTo && entry.titles.length > 0 && entry.titles.every((title) => title.some((u) => this.imageNames.has(u.text) && !u.terms.some((t) => query.weights.has(t))));
      // "demo镜像叫啥": the listing of ubuntu's image under the Demo heading is not where demo:v1 is.
      const otherNamedImage = namedImages.some((name) => !entry.passages.some((p) => p.passage.kind !== 'sentence' && p.passage.kind !== 'item' && p.terms.has(name)));
      // The question says it as the notes do: that section says it.
      const sharesPhrase = questionPhrases.some((p) => entry.phrases.has(p));
      // ...and two commands compared are best answered where both are described ("docker ps vs docker images": the command list).
      const describesBoth = query.comparing && subcommands.length >= 2 && !lacksCompared && entry.describesCommands;
      const saysIt = (sharesPhrase ? 1 + this.tuning.phraseBonus : 1) * (statesCompared || describesBoth ? 1 + this.tuning.phraseBonus : 1);
      const answersElsewhere = (noReason || comparesNot || otherNamedImage ? this.tuning.noReasonFactor : 1) * (namesOtherImage ? NARROWER_HOW_TO : 1) * (notDescribed ? UNDESCRIBED_PURPOSE : 1);
      const ordered = score * saysIt * (missingDetail || unversioned ? this.tuning.missingDetailFactor : 1) * answersElsewhere;
      hits.push({ topic: entry.topic, score: ordered, coverage, anchor, confidence, ...(vetoed ? { vetoed, ...(noCommand || lacksWhatIsAsked ? {} : { vetoedByWord: true }) } : {}) });
    }
    hits.sort((a, b) => b.score - a.score);
    // Likened to something else, or a paraphrase to confirm: what the notes say of theirs is a best guess at it.
    if (query.likened) for (const hit of hits) hit.confidence = Math.min(hit.confidence, this.tuning.tiedCap);
    // Two sections nearly tied for first: either may be the one meant, so neither answer is sure.
    const [first, second] = hits;
    if (first && second && second.score >= this.tuning.tieMargin * first.score) first.confidence = Math.min(first.confidence, this.tuning.tiedCap);
    // A question about a command both the command list and the demo give ("how do I list my images":
    // `docker images` in both) is answered by either: the one shown is a best guess, the other offered.
    const aboutACommand = query.howTo || query.units.some((u) => u.action || u.command !== undefined || u.terms.some((t) => COMMAND_WORDS.has(t)));
    if (first && second && aboutACommand && second.score >= SAME_COMMAND_MARGIN * first.score && this.sharesCommand(first.topic, second.topic)) first.confidence = Math.min(first.confidence, this.tuning.tiedCap);
    return { query, hits };
  }

  /**
   * BM25+ per topic, summed over the question's units, each unit scoring by its best term: a word
   * and its translations are one concept, so a section that has both "image" and 镜像 must not
   * count the concept twice.
   */
  private conceptScores(query: Query): Map<string, number> {
    const totals = new Map<string, number>();
    for (const unit of query.units) {
      const best = new Map<string, number>();
      for (const term of [...unit.terms, ...unit.related]) {
        const weight = query.weights.get(term) ?? 0;
        for (const [id, score] of this.termScores(term)) best.set(id, Math.max(best.get(id) ?? 0, weight * score));
      }
      for (const [id, score] of best) totals.set(id, (totals.get(id) ?? 0) + score);
    }
    return totals;
  }

  /** BM25+ of one term in every topic; the index does not change, so each term is searched once. */
  private termScores(term: string): ReadonlyMap<string, number> {
    let scores = this.scoresByTerm.get(term);
    if (!scores) {
      scores = this.documentFrequency.has(term) ? new Map(this.search.search(term).map((r) => [r.id as string, r.score])) : new Map<string, number>();
      if (this.documentFrequency.has(term)) this.scoresByTerm.set(term, scores);
    }
    return scores;
  }

  /**
   * The passages of one text of a topic, each with how much of the question it answers beyond
   * the section's heading: "docker" in "Why use Docker?" names the section, not a sentence in it.
   */
  scorePassages(query: Query, topic: KnowledgeTopic, text: number): ScoredPassage[] {
    const entry = this.indexed.get(topic.id);
    if (!entry) return [];
    const units = this.weighUnits(query.units);
    // Within a section, "docker build" is found where the command is, not wherever "build" is.
    const exact = units.map((u) => (u.unit.command ? { ...u, terms: [u.unit.command], own: [u.unit.command], specific: [u.unit.command] } : u));
    // A how-to's "command" (命令, 敲啥) picks the section, not the line: it is not the Dockerfile's CMD.
    const asked = query.howTo ? exact.filter(({ unit }) => !saysCommand(unit)) : exact;
    const passages = entry.passages.filter((p) => p.text === text);
    // A name of the section's code on many of its lines says less about which line answers than a word
    // on a single one ("flask 的 host": `app.run(host='0.0.0.0')`, not every line that names flask).
    // What a command printed is read as a whole (every line of a pull says "Pull").
    const onLines = (u: WeightedUnit): number => Math.max(1, new Set(passages.filter((p) => u.terms.some((t) => p.terms.has(t))).map((p, i) => (p.passage.kind === 'output' ? `output ${p.passage.block}` : i))).size);
    const specific = asked.filter(({ terms }) => !terms.some((t) => entry.headingTerms.has(t))).map((u) => (u.terms.some((t) => entry.quoted.has(t)) ? { ...u, weight: u.weight / onLines(u) } : u));
    const none = new Set<string>();
    return passages
      .map((p) => ({
        passage: p.passage,
        coverage: this.match(units, p, entry.headingTerms).coverage,
        own: specific.length ? this.match(specific, p, none).coverage : 0,
        acts: p.action !== undefined && units.some((u) => u.unit.action && u.terms.some((t) => p.action?.has(t))),
      }));
  }

  /** Both sections have a command line running the same docker subcommand. */
  private sharesCommand(a: KnowledgeTopic, b: KnowledgeTopic): boolean {
    const theirs = this.indexed.get(b.id)?.runs ?? new Set<string>();
    return [...(this.indexed.get(a.id)?.runs ?? [])].some((c) => theirs.has(c));
  }

  /** The first passage of one text of a topic, as indexed (a sibling's one-line verdict). */
  openingOf(topic: KnowledgeTopic, text: number): Passage | undefined {
    return this.indexed.get(topic.id)?.passages.find((p) => p.text === text)?.passage;
  }

  /** Share of the section's own title the question asks about ("What Docker is" vs "Installing Docker on macOS"). */
  private titleCoverage(entry: IndexedTopic, queryTerms: ReadonlyMap<string, number>): number {
    let best = 0;
    for (const units of entry.titles) {
      const matched = units.filter((u) => u.terms.some((t) => queryTerms.has(t))).length;
      best = Math.max(best, matched / units.length);
    }
    return best;
  }

  /** The sections under the same heading as this one, at its depth. */
  private siblingsOf(entry: IndexedTopic): IndexedTopic[] {
    const { path, file } = entry.topic;
    if (path.length < 2) return [];
    const parent = path.slice(0, -1).join('\n');
    return [...this.indexed.values()].filter((e) => e !== entry && e.topic.file === file && e.topic.path.length === path.length && e.topic.path.slice(0, -1).join('\n') === parent);
  }

  /** Every specific word of the section's own title is in the question (a title of generic words only does not count). */
  private namesOwnTitle(entry: IndexedTopic, queryTerms: ReadonlyMap<string, number>): boolean {
    const generic = this.topics.length * this.tuning.genericShare;
    return entry.titles.some((units) => {
      const specific = units.filter((u) => u.terms.some((t) => (this.documentFrequency.get(t) ?? 0) <= generic));
      return specific.length > 0 && specific.every((u) => u.terms.some((t) => queryTerms.has(t)));
    });
  }

  /**
   * The question names what the section is about: every specific word of one heading of its path,
   * in one of its languages ("Docker commit" is about commit; "What Docker is", having only a
   * generic word, about Docker; "Uses › Personal" about uses too).
   */
  private namesSubject(entry: IndexedTopic, queryTerms: ReadonlyMap<string, number>): boolean {
    return this.namesUnits(entry.subjects, queryTerms);
  }

  /** Every specific word of one of these headings is in the question (every word, when none is specific). */
  private namesUnits(headings: readonly QueryUnit[][], queryTerms: ReadonlyMap<string, number>): boolean {
    const generic = this.topics.length * this.tuning.genericShare;
    return headings.some((units) => {
      const specific = units.filter((u) => u.terms.some((t) => (this.documentFrequency.get(t) ?? 0) <= generic));
      return (specific.length ? specific : units).every((u) => u.terms.some((t) => queryTerms.has(t)));
    });
  }

  private namesDockerCommandLine(units: readonly WeightedUnit[], entry: IndexedTopic): boolean {
    return entry.passages.some((p) => {
      if (p.passage.kind !== 'command' || !/^\s*docker\s/m.test(p.passage.text)) return false;
      const found = units.filter(({ terms }) => terms.some((t) => p.terms.has(t)));
      return found.length >= 2 && found.some(({ specific }) => specific.some((t) => p.terms.has(t)));
    });
  }

  /**
   * Words only this section's code or figures have. The notes' own names and figures (hello.py,
   * 1.11, 5000), or two of the section's words, name it as surely as Docker's words do; one tool's
   * name (flask, python) names it as its heading does: "Python 的类" is about Python. A how-to
   * naming tools ("Python 怎么安装", "Python 的 flask 怎么用") asks about them, not the notes.
   */
  private quotedAnchor(units: readonly WeightedUnit[], entry: IndexedTopic, howTo: boolean): 'domain' | 'heading' | undefined {
    const quoted = units.filter(({ unit }) => unit.terms.some((t) => entry.quoted.has(t)));
    if (quoted.length === 0) return undefined;
    const ownName = quoted.some(({ unit }) => /[._/\d]/.test(unit.text));
    if (howTo && !ownName) return undefined;
    // ...or with another word of the section's code ("flask 的 host": `app.run(host='0.0.0.0')`).
    const withCode = units.some((u) => !quoted.includes(u) && u.unit.known && u.terms.some((t) => entry.passages.some((p) => p.passage.kind === 'code' && p.terms.has(t))));
    return ownName || ((quoted.length >= 2 || withCode) && !howTo) ? 'domain' : 'heading';
  }

  /**
   * Two of the question's words, one of them specific, in one list item of the section
   * ("部署起来省事吗": 易部署): it asks about what that line says, Docker named or not.
   */
  private namesOneLine(units: readonly WeightedUnit[], entry: IndexedTopic): boolean {
    const known = units.filter(({ unit }) => unit.known);
    return entry.passages.some((p) => {
      // A list item is one claim; a sentence names things in passing (Go 语言, Linux 内核, Google 公司).
      if (p.passage.kind !== 'item') return false;
      const found = known.filter(({ terms }) => terms.some((t) => p.terms.has(t)));
      return found.length >= 2 && found.some(({ specific }) => specific.length > 0);
    });
  }

  private namesHeading(units: readonly WeightedUnit[], entry: IndexedTopic): boolean {
    return units.some(({ terms }) => terms.some((t) => entry.headingTerms.has(t)));
  }

  /** Each unit with its weight for coverage: idf of its most specific spelling, or the weight of an unknown word. */
  private weighUnits(units: readonly QueryUnit[]): WeightedUnit[] {
    const generic = this.topics.length * this.tuning.genericShare;
    return units.map((unit) => {
      const terms = [...unit.terms, ...unit.related];
      const own = [...unit.terms, ...unit.related.filter((r) => unit.terms.some((t) => sameWord(r, t)))];
      const specific = own.filter((t) => (this.documentFrequency.get(t) ?? 0) <= generic);
      if (!unit.known) {
        // "docker compose" is Compose as "compose" is.
        const neighbour = isNeighbourTopic(unit.text) ? this.tuning.neighbourFactor : 1;
        return { unit, terms, own, specific, weight: this.tuning.unknownWeight * neighbour * (unit.topicality ?? 1) };
      }
      const typed = unit.terms.filter((t) => this.documentFrequency.has(t));
      // A phrase or a rare bigram decides, not its common parts; failing that, the commonest translation.
      const idf = typed.length
        ? Math.max(...typed.map((t) => this.idf(t)))
        : Math.min(...unit.related.filter((t) => this.documentFrequency.has(t)).map((t) => this.idf(t)));
      // A step already done ("build 好了咋跑起来") says when; what is asked decides.
      const weight = Math.min(this.tuning.maxKnownWeight, Math.max(this.tuning.minKnownWeight, idf)) * (unit.done ? DONE_WEIGHT : 1);
      return { unit, terms, own, specific, weight };
    });
  }

  /**
   * How much of the question one passage, with its section's heading, accounts for. A word found
   * as written counts fully; found only as a synonym or translation, it counts `relatedCredit`: the
   * group may hold another sense of the word. Evidence is strong when a specific word is found as
   * written. A described command that does another action than the one asked about counts less.
   */
  private match(units: readonly WeightedUnit[], passage: IndexedPassage, headingTerms: ReadonlySet<string>): PassageMatch {
    const has = (t: string): boolean => passage.terms.has(t) || headingTerms.has(t);
    const generic = this.topics.length * this.tuning.genericShare;
    const isSpecific = (t: string): boolean => (this.documentFrequency.get(t) ?? 0) <= generic;
    let total = 0;
    let found = 0;
    let related = 0;
    let strong = false;
    let evidence = 0;
    for (const { unit, terms: all, own, specific, weight } of units) {
      if (own.some(has)) {
        found += weight;
        total += weight;
        if (specific.some(has)) {
          strong = true;
          evidence++;
        }
      } else if (all.some(has)) {
        related += weight;
        total += weight;
        if (all.some((t) => has(t) && isSpecific(t))) evidence++;
      } else {
        total += unit.known ? weight * this.tuning.elsewhereFactor : weight;
      }
    }
    if (total === 0) return { coverage: 0, support: 0, strong, evidence };
    const { action } = passage;
    const mismatch = action && units.some((u) => u.unit.action) && !units.some((u) => u.terms.some((t) => action.has(t)));
    const factor = mismatch ? this.tuning.actionMismatchFactor : 1;
    return { coverage: (factor * (found + related)) / total, support: (factor * (found + this.tuning.relatedCredit * related)) / total, strong, evidence };
  }
}
