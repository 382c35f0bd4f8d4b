// Text to index terms, for Chinese and English alike.
//
// Chinese: jieba's words (with a user dictionary of Docker's words; see chinese.ts) plus character
// bigrams. The bigrams are the fallback for a word segmented one way in the notes and another in a
// question; the term map's longer words are added whole so translations match as words.
// English: lowercase, stop words dropped, plural and verb forms folded by a light stemmer
// (Porter's steps 1 and 5); the term map's phrases ("virtual machine") and Docker CLI commands
// ("docker build") are also kept as one term each.
import { CHINESE_STOPWORDS, ENGLISH_STOPWORDS, TERM_GROUPS } from './terms.js';
import { segment, toSimplified } from './chinese.js';

export type Lang = 'zh' | 'en';

const HAN = /\p{Script=Han}/u;
export const hasHan = (text: string): boolean => HAN.test(text);
const HAN_RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
/**
 * Dotted numbers stay whole (versions like 1.11), and so do languages named with a sign (C++, C#);
 * everything else splits on non-alphanumerics.
 */
const LATIN_WORDS = /\d+(?:\.\d+)+|[\p{L}\p{N}]+(?:\+\+|#(?![\p{L}\p{N}]))?/gu;
/** Hashes and other long strings are never asked about. */
const MAX_WORD_LENGTH = 24;

/** Width and case folded (NFKC, lowercase), traditional Chinese to simplified (OpenCC; see chinese.ts). */
export function normalize(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase();
  return hasHan(folded) ? toSimplified(folded) : folded;
}


/** The language to answer in: any Chinese in the question means Chinese. */
export function detectLanguage(text: string): Lang {
  return hasHan(text) ? 'zh' : 'en';
}

// ---------------------------------------------------------------------------------------------
// English stemming: Porter's step 1 (plurals, -ed, -ing, -y) and step 5 (final -e, -ll) only.
// The later steps conflate too much for a small technical vocabulary (e.g. "container"/"contain").

const IRREGULAR = new Map<string, string>(
  Object.entries({
    ran: 'run', running: 'run', came: 'come', built: 'build', made: 'make', wrote: 'write', written: 'write', got: 'get', gotten: 'get',
    began: 'begin', begun: 'begin', kept: 'keep', brought: 'bring', took: 'take', taken: 'take',
    faster: 'fast', fastest: 'fast', quicker: 'quick', quickest: 'quick', easier: 'easy', easiest: 'easy', lighter: 'light',
    simpler: 'simple', smaller: 'small', bigger: 'big', slower: 'slow', data: 'data',
  }),
);

const isConsonant = (w: string, i: number): boolean => {
  const c = w[i] as string;
  if ('aeiou'.includes(c)) return false;
  if (c === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
};

/** Porter's m: the number of vowel-consonant sequences. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && isConsonant(w, i)) i++;
  while (i < w.length) {
    while (i < w.length && !isConsonant(w, i)) i++;
    if (i >= w.length) break;
    m++;
    while (i < w.length && isConsonant(w, i)) i++;
  }
  return m;
}

const hasVowel = (w: string): boolean => [...w].some((_, i) => !isConsonant(w, i));
const endsDoubleConsonant = (w: string): boolean => w.length > 1 && w.at(-1) === w.at(-2) && isConsonant(w, w.length - 1);
const endsCvc = (w: string): boolean => {
  const n = w.length;
  return n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) && !'wxy'.includes(w[n - 1] as string);
};

const stems = new Map<string, string>();
/** Enough for any notes' vocabulary; past it the cache starts over rather than grow without bound. */
const STEM_CACHE_SIZE = 50_000;

export function stem(word: string): string {
  let cached = stems.get(word);
  if (cached === undefined) {
    if (stems.size >= STEM_CACHE_SIZE) stems.clear();
    cached = porterStem(word);
    stems.set(word, cached);
  }
  return cached;
}

function porterStem(word: string): string {
  const irregular = IRREGULAR.get(word);
  if (irregular) return irregular;
  if (word.length <= 2 || /[^a-z]/.test(word)) return word;
  let w = word;
  // 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (!w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is') && w.endsWith('s')) w = w.slice(0, -1);
  // 1b
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else {
    const suffix = w.endsWith('ed') ? 2 : w.endsWith('ing') ? 3 : 0;
    if (suffix && hasVowel(w.slice(0, -suffix)) && w.length - suffix >= 2) {
      w = w.slice(0, -suffix);
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (endsDoubleConsonant(w) && !'lsz'.includes(w.at(-1) as string)) w = w.slice(0, -1);
      else if (measure(w) === 1 && endsCvc(w)) w += 'e';
    }
  }
  // 1c
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = w.slice(0, -1) + 'i';
  // 5a, 5b
  if (w.endsWith('e')) {
    const rest = w.slice(0, -1);
    const m = measure(rest);
    if (m > 1 || (m === 1 && !endsCvc(rest))) w = rest;
  }
  if (w.endsWith('ll') && measure(w) > 1) w = w.slice(0, -1);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Words

export interface LatinWord {
  surface: string;
  stem: string;
  /** Position in the text, so phrases only join words that were adjacent. */
  position: number;
}

/** Latin words in order; stop words are kept as position holders but flagged out by the caller. */
function latinWords(text: string): Array<{ surface: string; position: number }> {
  const out: Array<{ surface: string; position: number }> = [];
  let position = 0;
  for (const run of text.match(HAN_RUNS) ?? []) {
    if (hasHan(run)) {
      position++; // Chinese between two English words breaks a phrase
      continue;
    }
    for (const m of run.match(LATIN_WORDS) ?? []) {
      if (m.length <= MAX_WORD_LENGTH) out.push({ surface: m, position: position++ });
    }
  }
  return out;
}

/** Phrases from the term map, by their first stem: "virtual machine" -> [virtual, machin]. */
const PHRASES: Map<string, string[][]> = (() => {
  const byFirst = new Map<string, string[][]>();
  for (const group of TERM_GROUPS) {
    for (const term of group.terms) {
      if (hasHan(term)) continue;
      const parts = (normalize(term).match(LATIN_WORDS) ?? []).map(stem);
      if (parts.length < 2) continue;
      const list = byFirst.get(parts[0] as string) ?? [];
      list.push(parts);
      byFirst.set(parts[0] as string, list);
    }
  }
  return byFirst;
})();

export const compoundOf = (stems: readonly string[]): string => stems.join('_');

export interface Phrase {
  term: string;
  /** As written. */
  text: string;
  /** Positions of its first and last word. */
  from: number;
  to: number;
  /** `command`: "docker <subcommand>", which the Docker CLI makes one thing ("docker build"). */
  kind: 'term' | 'command';
}

/** Content words (stemmed), and the phrases among all words: the term map's and Docker CLI commands. */
export function englishTerms(text: string): { words: LatinWord[]; phrases: Phrase[] } {
  return englishTermsOfNormalized(normalize(text));
}

/** "Go" the language ("written in Go", "用 Go 写的", "Go 语言", "who made Go", "Go 是哪家的"), not the verb, which is a stop word. */
const GO_LANGUAGE = /(?<=\b(?:in|with|made|created|invented|designed|developed)\s+|用\s*)go\b|\bgo(?=\s*(?:语言|language\b|programming\b|lang\b|写|编写|开发|实现|是|这门|由))/g;

function englishTermsOfNormalized(normalized: string): { words: LatinWord[]; phrases: Phrase[] } {
  const all = latinWords(normalized.replace(GO_LANGUAGE, 'golang')).map((w) => ({ ...w, stem: stem(w.surface) }));
  const written = (i: number, n: number): string => all.slice(i, i + n).map((w) => w.surface).join(' ');
  const words: LatinWord[] = all.filter((w) => !ENGLISH_STOPWORDS.has(w.surface));
  const phrases: Phrase[] = [];
  const adjacent = (i: number, k: number): boolean => all[i + k]?.position === (all[i]?.position ?? NaN) + k;
  for (let i = 0; i < all.length; i++) {
    const first = all[i] as LatinWord;
    for (const parts of PHRASES.get(first.stem) ?? []) {
      if (parts.every((p, k) => all[i + k]?.stem === p && adjacent(i, k))) {
        phrases.push({ term: compoundOf(parts), text: written(i, parts.length), from: first.position, to: first.position + parts.length - 1, kind: 'term' });
      }
    }
    const next = all[i + 1];
    if (first.stem === 'docker' && next && adjacent(i, 1) && !ENGLISH_STOPWORDS.has(next.surface) && !/\d/.test(next.surface)) {
      // Subcommands are names, not inflected words: "docker images" lists images, "docker image" is one.
      const term = compoundOf(['docker', next.surface]);
      if (!phrases.some((p) => p.term === term && p.from === first.position)) {
        phrases.push({ term, text: written(i, 2), from: first.position, to: next.position, kind: 'command' });
      }
    }
  }
  return { words, phrases };
}

/**
 * Chinese words of the term map, indexed whole wherever they occur: a translation must match as a
 * word, not by a shared bigram (虚拟化 "virtualization" is not 虚拟机 "virtual machine").
 */
export const TERM_MAP_HAN_WORDS: readonly string[] = [
  ...new Set(TERM_GROUPS.flatMap((g) => g.terms.filter((t) => hasHan(t) && [...t].length >= 2).map(normalize))),
];

/** The term map's words longer than a bigram, by their first character. */
const LONG_TERM_WORDS = new Map<string, string[]>();
for (const word of TERM_MAP_HAN_WORDS.filter((w) => w.length > 2)) {
  LONG_TERM_WORDS.set(word[0] as string, [...(LONG_TERM_WORDS.get(word[0] as string) ?? []), word]);
}

/**
 * Index terms of one run of Chinese: segmenter words of two or more characters, bigrams, and the
 * term map's longer words. The segmenter's words also go to `words` when given.
 */
export function hanTerms(run: string, words?: string[]): string[] {
  const out: string[] = [];
  for (const word of segment(run)) {
    if (word.length >= 2 && hasHan(word)) {
      out.push(word);
      words?.push(word);
    }
  }
  for (let i = 0; i < run.length; i++) {
    for (const word of LONG_TERM_WORDS.get(run[i] as string) ?? []) if (run.startsWith(word, i)) out.push(word);
  }
  const chars = [...run];
  for (let i = 0; i + 1 < chars.length; i++) {
    if (HAN.test(chars[i] as string) && HAN.test(chars[i + 1] as string)) out.push((chars[i] as string) + (chars[i + 1] as string));
  }
  return out;
}

/** Segmenter words (any length) of a Chinese string, in order. */
export function hanWords(text: string): string[] {
  return segment(text).filter((w) => hasHan(w));
}

export const hanRuns = (text: string): string[] => (normalize(text).match(/\p{Script=Han}+/gu) ?? []);

/** Every index term of a text (English and Chinese), with repeats; the segmenter's Chinese words also go to `hanWords`. */
export function indexTerms(text: string, hanWords?: string[]): string[] {
  const normalized = normalize(text);
  const { words, phrases } = englishTermsOfNormalized(normalized);
  const out = words.map((w) => w.stem);
  for (const p of phrases) out.push(p.term);
  for (const run of normalized.match(/\p{Script=Han}+/gu) ?? []) out.push(...hanTerms(run, hanWords));
  return out;
}

/** The index terms a term-map entry stands for ("virtual machine" -> virtual_machin; 镜像 -> 镜像). */
export function termKey(term: string): string {
  if (hasHan(term)) return normalize(term);
  const stems = (normalize(term).match(LATIN_WORDS) ?? []).map(stem);
  return stems.length === 1 ? (stems[0] as string) : compoundOf(stems);
}

export const isChineseStopword = (word: string): boolean => CHINESE_STOPWORDS.has(word);
