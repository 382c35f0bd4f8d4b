// Markdown notes -> sections. A heading starts a section; the section keeps its heading path
// (every heading above it), and its paragraphs, lists and code blocks as separate blocks so an
// answer can quote just the sentence, list or command that matters. Front matter (YAML between
// `---` lines, or Pelican-style `Key: value` lines at the top) is the file's metadata.
import { parse as parseYaml } from 'yaml';

export type ContentBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[]; ordered: boolean }
  | { kind: 'code'; text: string; lang: string };

export interface Section {
  /** Heading texts from the outermost down to this section's own heading. */
  path: string[];
  level: number;
  /** 1-based line of the heading. */
  line: number;
  blocks: ContentBlock[];
  /** `Key: value` lines directly under the heading that a companion uses (e.g. "Notes section"). */
  meta: Record<string, string>;
}

export interface ParsedNotes {
  metadata: Record<string, string>;
  sections: Section[];
}

export class NotesParseError extends Error {
  override name = 'NotesParseError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const ATX_HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const PELICAN_KEY = /^([A-Za-z][\w -]*):\s*(.*)$/;
/** A `Key: value` line under a heading that a companion entry uses to name its notes section. */
const SECTION_META = /^(notes section|section|笔记章节|对应章节)\s*[:：]\s*(.+)$/i;

/** Inline markup to readable text: links keep their target, HTML tags go. */
export function inlineText(line: string): string {
  return line
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gi, (_, href: string, label: string) => linkText(label, href))
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_, label: string, href: string) => linkText(label, href))
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .trim();
}

function linkText(label: string, href: string): string {
  const text = label.replace(/<[^>]+>/g, '').trim();
  return !text || text === href ? href : `${text} (${href})`;
}

/** Join wrapped lines: no space between two Chinese characters, one space otherwise. */
function joinLines(lines: string[]): string {
  let out = '';
  for (const line of lines) {
    if (!out) out = line;
    else if (/[\p{Script=Han}。，、；：！？）]$/u.test(out) && /^[\p{Script=Han}（]/u.test(line)) out += line;
    else out += ' ' + line;
  }
  return out;
}

function frontMatter(lines: string[]): { metadata: Record<string, string>; body: number } {
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (end < 0) throw new NotesParseError('front matter opened with --- is never closed', 1);
    let data: unknown;
    try {
      data = parseYaml(lines.slice(1, end).join('\n'));
    } catch (err) {
      const at = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line ?? 0;
      throw new NotesParseError(`front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`, at + 1);
    }
    if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
      throw new NotesParseError('front matter must be a mapping of keys to values', 2);
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) {
      metadata[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    return { metadata, body: end + 1 };
  }
  // Pelican / MultiMarkdown: `Key: value` lines up to the first blank line, before any heading.
  const metadata: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = PELICAN_KEY.exec(lines[i] as string);
    if (!m) break;
    metadata[(m[1] as string).trim().toLowerCase()] = (m[2] as string).trim();
  }
  const endsAtBlank = i === lines.length || (lines[i] as string).trim() === '';
  return i > 0 && endsAtBlank ? { metadata, body: i } : { metadata: {}, body: 0 };
}

export function parseNotes(source: string): ParsedNotes {
  if (source.includes('\u0000')) throw new NotesParseError('binary content (NUL bytes), not a text file', 1);
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { metadata, body } = frontMatter(lines);

  const sections: Section[] = [];
  const headingStack: Array<{ level: number; text: string }> = [];
  let current: Section = { path: [], level: 0, line: 1, blocks: [], meta: {} };
  let paragraph: string[] = [];
  let list: { items: string[]; ordered: boolean } | null = null;
  let expectMeta = false;

  const flushParagraph = (): void => {
    if (paragraph.length) current.blocks.push({ kind: 'paragraph', text: joinLines(paragraph) });
    paragraph = [];
  };
  const flushList = (): void => {
    if (list?.items.length) current.blocks.push({ kind: 'list', items: list.items, ordered: list.ordered });
    list = null;
  };
  const startSection = (level: number, text: string, line: number): void => {
    flushParagraph();
    flushList();
    if (current.level > 0 || current.blocks.length) sections.push(current);
    while (headingStack.length && (headingStack.at(-1) as { level: number }).level >= level) headingStack.pop();
    headingStack.push({ level, text });
    current = { path: headingStack.map((h) => h.text), level, line, blocks: [], meta: {} };
    expectMeta = true;
  };

  for (let i = body; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trimEnd();

    if (/^\s*<!--/.test(line)) {
      const end = lines.findIndex((l, j) => j >= i && l.includes('-->'));
      if (end < 0) throw new NotesParseError('HTML comment opened here is never closed', i + 1);
      i = end;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      flushParagraph();
      flushList();
      const marker = fence[1] as string;
      const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      const end = lines.findIndex((l, j) => j > i && closing.test(l));
      if (end < 0) throw new NotesParseError(`code block opened here is never closed (${marker})`, i + 1);
      const code = lines.slice(i + 1, end).join('\n').replace(/^\n+|\n+$/g, '');
      if (code.trim()) current.blocks.push({ kind: 'code', text: code, lang: (fence[2] ?? '').toLowerCase() });
      i = end;
      expectMeta = false;
      continue;
    }

    const heading = ATX_HEADING.exec(line);
    if (heading) {
      startSection((heading[1] as string).length, inlineText(heading[2] as string), i + 1);
      continue;
    }
    // Setext headings: a single paragraph line underlined with === or ---.
    const next = lines[i + 1]?.trim() ?? '';
    if (paragraph.length === 0 && !list && line.trim() && /^(=+|-+)$/.test(next) && !LIST_ITEM.test(line)) {
      startSection(next.startsWith('=') ? 1 : 2, inlineText(line), i + 1);
      i++;
      continue;
    }

    if (!line.trim()) {
      flushParagraph();
      // A blank line ends a list unless the next line continues it.
      if (list && !LIST_ITEM.test(lines[i + 1] ?? '') && !/^\s{2,}\S/.test(lines[i + 1] ?? '')) flushList();
      continue;
    }
    if (/^\s*\[TOC\]\s*$/i.test(line) || /^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) continue;

    const meta = expectMeta ? SECTION_META.exec(line.trim()) : null;
    if (meta) {
      current.meta['notes section'] = (meta[2] as string).trim();
      continue;
    }
    expectMeta = false;

    const item = LIST_ITEM.exec(line);
    if (item) {
      flushParagraph();
      const ordered = /\d/.test(item[2] as string);
      if (!list || list.ordered !== ordered) {
        flushList();
        list = { items: [], ordered };
      }
      list.items.push(inlineText(item[3] as string));
      continue;
    }
    if (list && /^\s{2,}\S/.test(raw)) {
      const items = list.items;
      items[items.length - 1] = joinLines([items[items.length - 1] as string, inlineText(line.trim())]);
      continue;
    }
    flushList();
    const quoted = line.replace(/^\s*>\s?/, '');
    const text = inlineText(quoted);
    if (text) paragraph.push(text);
  }
  flushParagraph();
  flushList();
  if (current.level > 0 || current.blocks.length) sections.push(current);
  return { metadata, sections };
}
