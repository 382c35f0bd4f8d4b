// Answers as chat replies, in the language of the question: the condensed text (commands as code
// blocks), the citation underneath, or an "I don't know" with topics to try instead.
import { code, context, reply, text, type Block, type Reply } from '../core/reply.js';
import type { Answer } from './base.js';
import type { Lang } from './tokenizer.js';

interface Wording {
  citation(heading: string, file: string, confidence: string): string;
  unknown: string;
  tryThese(topics: string[]): string;
}

const WORDING: Record<Lang, Wording> = {
  en: {
    citation: (heading, file, confidence) => `from: ${heading} (${file}) · confidence ${confidence}`,
    unknown: "I don't know that from the notes.",
    tryThese: (topics) => `Topics I can answer: ${topics.join(' · ')}`,
  },
  zh: {
    citation: (heading, file, confidence) => `出处：${heading}（${file}）· 置信度 ${confidence}`,
    unknown: '笔记里没有找到可靠的答案。',
    tryThese: (topics) => `可以问这些主题：${topics.join('；')}`,
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

export function answerReply(answer: Answer, lang: Lang): Reply {
  const words = WORDING[lang];
  if (!answer.answered || answer.answer === null || answer.source === null) {
    const blocks: Block[] = [text(words.unknown)];
    if (answer.suggestions.length) blocks.push(context(words.tryThese(answer.suggestions)));
    return reply(blocks, { tone: 'info' });
  }
  const { file, heading } = answer.source;
  return reply([...answerBlocks(answer.answer), context(words.citation(heading, file, answer.confidence.toFixed(2)))]);
}
