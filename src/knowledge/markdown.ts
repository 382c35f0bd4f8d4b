// Markdown notes -> sections. marked's lexer reads the markdown (CommonMark and GFM: tables, nested
// lists, HTML), so notes load as they render. A heading starts a section; the section keeps its
// heading path (every heading above it), and its paragraphs, lists and code blocks as separate
// blocks so an answer can quote just the sentence, list or command that matters. Tables become
// lists of rows ("NAME: value; ..."), nested lists items of their own. Front matter (YAML between
// `---` lines, or Pelican-style `Key: value` lines at the top) is the file's metadata.
import { Lexer, type Token, type Tokens } from 'marked';
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
  let expectMeta = false;
  const startSection = (level: number, text: string, line: number): void => {
    if (current.level > 0 || current.blocks.length) sections.push(current);
    while (headingStack.length && (headingStack.at(-1) as { level: number }).level >= level) headingStack.pop();
    headingStack.push({ level, text });
    current = { path: headingStack.map((h) => h.text), level, line, blocks: [], meta: {} };
    expectMeta = true;
  };
  const add = (block: ContentBlock): void => {
    current.blocks.push(block);
    expectMeta = false;
  };

  /** Block tokens to blocks; `line` is the 1-based line where the first token starts. */
  const read = (tokens: readonly Token[], line: number): void => {
    for (const token of tokens) {
      const at = line;
      line += newlines(token.raw);
      switch (token.type) {
        case 'heading':
          startSection((token as Tokens.Heading).depth, plain((token as Tokens.Heading).tokens), at);
          break;
        case 'paragraph': {
          let lines = plain((token as Tokens.Paragraph).tokens).split('\n');
          const meta = expectMeta ? SECTION_META.exec((lines[0] as string).trim()) : null;
          if (meta) {
            current.meta['notes section'] = (meta[2] as string).trim();
            lines = lines.slice(1);
          }
          const text = joinLines(lines.map((l) => l.trim()).filter(Boolean));
          if (text && !/^\[TOC\]$/i.test(text)) add({ kind: 'paragraph', text });
          break;
        }
        case 'text': {
          const text = joinLines(plain((token as Tokens.Text).tokens ?? [token]).split('\n').map((l) => l.trim()).filter(Boolean));
          if (text) add({ kind: 'paragraph', text });
          break;
        }
        case 'blockquote':
          read((token as Tokens.Blockquote).tokens, at);
          break;
        case 'list': {
          const list = token as Tokens.List;
          const items = listItems(list);
          if (items.length) add({ kind: 'list', items, ordered: list.ordered });
          break;
        }
        case 'table': {
          const table = token as Tokens.Table;
          const header = table.header.map((cell) => plain(cell.tokens));
          const rows = table.rows.map((row) => row.map((cell, i) => (header[i] ? `${header[i]}: ${plain(cell.tokens)}` : plain(cell.tokens))).join('; '));
          if (rows.length) add({ kind: 'list', items: rows, ordered: false });
          break;
        }
        case 'code': {
          const code = token as Tokens.Code;
          if (code.codeBlockStyle !== 'indented' && !closesFence(code.raw)) {
            throw new NotesParseError(`code block opened here is never closed (${(/^\s*(`{3,}|~{3,})/.exec(code.raw)?.[1] ?? '```')})`, at);
          }
          const text = code.text.replace(/^\n+|\n+$/g, '');
          if (text.trim()) add({ kind: 'code', text, lang: (code.lang ?? '').split(/\s/)[0]?.toLowerCase() ?? '' });
          break;
        }
        case 'html': {
          const raw = (token as Tokens.HTML).raw;
          if (/^\s*<!--/.test(raw)) {
            if (!raw.includes('-->')) throw new NotesParseError('HTML comment opened here is never closed', at);
            break;
          }
          const text = joinLines(raw.split('\n').map(inlineText).filter(Boolean));
          if (text) add({ kind: 'paragraph', text });
          break;
        }
        default:
          // space, hr, def: nothing to quote
          break;
      }
    }
  };

  read(new Lexer({ gfm: true }).lex(lines.slice(body).join('\n')), body + 1);
  if (current.level > 0 || current.blocks.length) sections.push(current);
  return { metadata, sections };
}

const newlines = (text: string): number => (text.match(/\n/g) ?? []).length;

/** A fenced block's raw text ends with a fence at least as long as its opening one. */
function closesFence(raw: string): boolean {
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(raw)?.[1];
  if (!open) return true;
  const lines = raw.replace(/\n+$/, '').split('\n');
  if (lines.length < 2) return false;
  const last = (lines.at(-1) as string).trim();
  return last.length >= open.length && [...last].every((c) => c === open[0]);
}

/** List items in reading order; a nested list's items follow the item they belong to. */
function listItems(list: Tokens.List): string[] {
  const out: string[] = [];
  for (const item of list.items) {
    const own: string[] = [];
    const nested: string[] = [];
    for (const t of item.tokens) {
      if (t.type === 'list') nested.push(...listItems(t as Tokens.List));
      else if (t.type === 'code') own.push((t as Tokens.Code).text);
      else own.push(plain('tokens' in t && t.tokens ? t.tokens : [t]));
    }
    const text = joinLines(own.join('\n').split('\n').map((l) => l.trim()).filter(Boolean));
    if (text) out.push(text);
    out.push(...nested);
  }
  return out;
}

/** Inline tokens to readable text: links keep their target, HTML tags go, entities are decoded. */
function plain(tokens: readonly Token[]): string {
  let out = '';
  /** Inside a raw `<a href>`: its target, and where its label starts in `out`. */
  let anchor: { href: string; from: number } | undefined;
  for (const t of tokens) {
    switch (t.type) {
      case 'link': {
        const link = t as Tokens.Link;
        out += linkText(plain(link.tokens), link.href);
        break;
      }
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      case 'codespan':
        out += decodeEntities((t as Tokens.Codespan).text);
        break;
      case 'br':
        out += '\n';
        break;
      case 'html': {
        const raw = (t as Tokens.Tag).raw;
        const open = /^<a\s[^>]*href="([^"]*)"/i.exec(raw);
        if (open) anchor = { href: decodeEntities(open[1] as string), from: out.length };
        else if (/^<\/a\s*>/i.test(raw) && anchor) {
          const label = out.slice(anchor.from);
          out = out.slice(0, anchor.from) + linkText(label, anchor.href);
          anchor = undefined;
        }
        break;
      }
      case 'escape':
        out += (t as Tokens.Escape).text;
        break;
      default:
        out += 'tokens' in t && t.tokens?.length ? plain(t.tokens) : decodeEntities('text' in t ? String(t.text) : t.raw);
    }
  }
  return out;
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ' };
const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
