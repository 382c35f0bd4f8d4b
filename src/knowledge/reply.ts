// Answers as chat replies, in the language of the question: the condensed text (commands as code
// blocks), the citation underneath, or an "I don't know" with topics to try instead.
import { code, context, reply, text, type Block, type Reply } from '../core/reply.js';
import type { Answer } from './base.js';
import type { Lang } from './tokenizer.js';

const WORDS: Record<Lang, { from: string; confidence: string; unknown: string; tryThese: string; separator: string }> = {
  en: {
    from: 'from:',
    confidence: 'confidence',
    unknown: "I don't know that from the notes.",
    tryThese: 'Topics I can answer:',
    separator: ' · ',
  },
  zh: {
    from: '出处：',
    confidence: '置信度',
    unknown: '笔记里没有找到可靠的答案。',
    tryThese: '可以问这些主题：',
    separator: '；',
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
  const w = WORDS[lang];
  if (!answer.answered || answer.answer === null || answer.source === null) {
    const blocks: Block[] = [text(w.unknown)];
    if (answer.suggestions.length) blocks.push(context(`${w.tryThese} ${answer.suggestions.join(w.separator)}`));
    return reply(blocks, { tone: 'info' });
  }
  const { file, heading } = answer.source;
  const citation = `${w.from} ${heading} (${file}) ${w.separator.trim() || '·'} ${w.confidence} ${answer.confidence.toFixed(2)}`;
  return reply([...answerBlocks(answer.answer), context(citation)]);
}
