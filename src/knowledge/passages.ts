// A section's smallest quotable pieces: sentences, list items, commands. Ranking looks for the
// piece that answers the question, and the answer quotes those pieces rather than the section.
import type { ContentBlock } from './markdown.js';

/** `code` is a file (a Dockerfile, a program); `output` is what a command printed. */
export type PassageKind = 'sentence' | 'item' | 'command' | 'code' | 'output';

export interface Passage {
  kind: PassageKind;
  text: string;
  /** Index of the block in its section, and of the passage inside that block. */
  block: number;
  index: number;
  /** Language of a code block (shell, python, ...). */
  lang?: string;
}

const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|cf|no)\.$/i;

/** Chinese full stops always end a sentence; English ones only before a new sentence (not "0.7", "e.g."). */
export function sentences(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i] as string;
    let end = -1;
    if ('。！？'.includes(c)) end = i + 1;
    else if ('.!?'.includes(c) && /^\s+["“(`\p{Lu}\p{Script=Han}]/u.test(paragraph.slice(i + 1, i + 3)) && !ABBREVIATIONS.test(paragraph.slice(start, i + 1))) end = i + 1;
    if (end > 0) {
      out.push(paragraph.slice(start, end).trim());
      start = end;
    }
  }
  out.push(paragraph.slice(start).trim());
  return out.filter(Boolean);
}

const SHELL_LANGS = new Set(['shell', 'sh', 'bash', 'console', 'zsh']);
const COMMAND_LINE = /^\s*(?:\$\s+)?(?:#|docker|sudo|touch|cd|ls|mkdir|cp|mv|rm|curl|wget|apt|apt-get|pip|npm|git|brew)\b/;
const FILE_START = /^\s*(?:FROM|ARG)\s|^\s*(?:import|from|def|class|package|const|let|function)\b/;

/** What an unlabelled block holds: commands, a file, or a command's output. */
function codeKind(code: string, lang: string): PassageKind {
  if (SHELL_LANGS.has(lang)) return 'command';
  if (lang) return 'code';
  const lines = code.split('\n').filter((l) => l.trim());
  if (lines.every((l) => COMMAND_LINE.test(l))) return 'command';
  return FILE_START.test(lines[0] ?? '') ? 'code' : 'output';
}

/**
 * A shell block written as "# what it does" followed by its command(s) is a list of commands;
 * each comment and its commands stay together.
 */
function commandPairs(code: string): string[] | null {
  const lines = code.split('\n').filter((l) => l.trim());
  if (lines.length < 4 || !lines[0]?.trim().startsWith('#')) return null;
  const pairs: string[][] = [];
  for (const line of lines) {
    if (line.trim().startsWith('#') && (pairs.length === 0 || !(pairs.at(-1) as string[]).at(-1)?.trim().startsWith('#'))) pairs.push([line]);
    else (pairs.at(-1) as string[]).push(line);
  }
  return pairs.every((p) => p.length >= 2) ? pairs.map((p) => p.join('\n')) : null;
}

export function passagesOf(blocks: readonly ContentBlock[]): Passage[] {
  const out: Passage[] = [];
  blocks.forEach((b, block) => {
    switch (b.kind) {
      case 'paragraph':
        sentences(b.text).forEach((text, index) => out.push({ kind: 'sentence', text, block, index }));
        break;
      case 'list':
        b.items.forEach((text, index) => out.push({ kind: 'item', text, block, index }));
        break;
      case 'code': {
        const kind = codeKind(b.text, b.lang);
        const pairs = kind === 'command' ? commandPairs(b.text) : null;
        if (pairs) pairs.forEach((text, index) => out.push({ kind, text, block, index, lang: b.lang }));
        else out.push({ kind, text: b.text, block, index: 0, lang: b.lang });
        break;
      }
    }
  });
  return out;
}
