// Replies that fit: every platform rejects messages over its size (Discord 2000 characters of
// content, Slack 50 blocks and 3000 characters a section). An adapter declares its budget; the
// dispatcher fits every reply (and every progress update) to it before the adapter sees it.
// Only the reply is cut: the machine-readable `data` of an outcome always stays whole.
import { context, plain, plainText, type Block, type Reply } from './reply.js';

export interface ReplyBudget {
  /** Rows one table may show; the rest become "… and N more". */
  rows: number;
  /** Characters of the whole reply, as `measure` counts them. */
  chars: number;
  /** Characters of one text, context or code block (Slack: 3000 a section); default `chars`. */
  blockChars?: number;
  /**
   * How the adapter counts a reply's size. Default: its plain text. Escaping adds characters
   * (`&amp;`, `\*`), so an adapter measures its rendered form, or asks for less than its limit.
   */
  measure?(reply: Reply): number;
}

/** No cut at all (the terminal, `exec --json`). */
export const UNLIMITED: ReplyBudget = { rows: Number.POSITIVE_INFINITY, chars: Number.POSITIVE_INFINITY };

/** The note after a cut: "… and 150 more rows". */
export const moreNote = (n: number, noun: string): Block => context(`… and ${n} more ${noun}${n === 1 ? '' : 's'}`);

/** Keeps at most `n` lines of a code block, from the head or (logs) the tail. */
function cutLines(text: string, n: number, keep: 'head' | 'tail'): { text: string; cut: number } {
  const lines = text.split('\n');
  if (lines.length <= n) return { text, cut: 0 };
  const shown = keep === 'tail' ? lines.slice(lines.length - n) : lines.slice(0, n);
  return { text: shown.join('\n'), cut: lines.length - n };
}

/** A text cut to `max` characters (by code point), ending in "…". */
function cutText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * The reply within the budget. Tables keep their first rows and code blocks their first (or,
 * with `keep: 'tail'`, last) lines, each followed by "… and N more"; when the whole is still too
 * long, the largest table or code block is halved again and again, then long texts are cut.
 * Titles, tone, visibility and actions are kept.
 */
export function fitReply(r: Reply, budget: ReplyBudget): Reply {
  const measure = budget.measure ?? ((x: Reply) => [...plainText(x)].length);
  const blockChars = budget.blockChars ?? budget.chars;
  // How much of each block may show: rows of a table, lines of a code block, characters of a text.
  const limits = r.blocks.map((b) => {
    if (b.type === 'table') return Math.min(b.rows.length, budget.rows);
    if (b.type === 'code') return Math.min(b.text.split('\n').length, linesWithin(b.text, blockChars, b.keep ?? 'head'));
    if (b.type === 'text' || b.type === 'context') return blockChars;
    return Number.POSITIVE_INFINITY;
  });
  const build = (): Reply => {
    const blocks: Block[] = [];
    r.blocks.forEach((b, i) => {
      const limit = limits[i] as number;
      if (b.type === 'table' && limit < b.rows.length) {
        blocks.push({ ...b, rows: b.rows.slice(0, limit) }, moreNote(b.rows.length - limit, 'row'));
      } else if (b.type === 'code') {
        const keep = b.keep ?? 'head';
        const { text, cut } = cutLines(b.text, limit, keep);
        const shown = { ...b, text: cutText(text, blockChars) };
        if (cut === 0) blocks.push(shown);
        else if (keep === 'tail') blocks.push(moreNote(cut, 'earlier line'), shown);
        else blocks.push(shown, moreNote(cut, 'line'));
      } else if ((b.type === 'text' || b.type === 'context') && [...plain(b.text)].length > limit) {
        blocks.push({ ...b, text: cutText(plain(b.text), limit) });
      } else {
        blocks.push(b);
      }
    });
    return { ...r, blocks };
  };

  let fitted = build();
  for (let round = 0; measure(fitted) > budget.chars && round < 200; round++) {
    // Shrink the largest shrinkable block: tables and code by half, then texts.
    let target = -1;
    let largest = 0;
    r.blocks.forEach((b, i) => {
      const limit = limits[i] as number;
      const size = b.type === 'table' || b.type === 'code' ? (limit > 1 ? sizeOf(b, limit) : 0) : 0;
      if (size > largest) [largest, target] = [size, i];
    });
    if (target < 0) {
      r.blocks.forEach((b, i) => {
        const limit = limits[i] as number;
        const size = b.type === 'text' || b.type === 'context' ? Math.min([...plain(b.text)].length, limit) : 0;
        if (size > 20 && size > largest) [largest, target] = [size, i];
      });
      if (target < 0) break;
      limits[target] = Math.floor(largest / 2);
    } else {
      limits[target] = Math.max(1, Math.floor((limits[target] as number) / 2));
    }
    fitted = build();
  }
  return fitted;
}

/** Characters shown by a table's first rows or a code block's lines. */
function sizeOf(b: Block, limit: number): number {
  if (b.type === 'table') return b.rows.slice(0, limit).reduce((sum, row) => sum + row.join('  ').length + 1, 0);
  if (b.type === 'code') return cutLines(b.text, limit, b.keep ?? 'head').text.length;
  return 0;
}

/** How many lines (from the kept end) fit in `max` characters. */
function linesWithin(text: string, max: number, keep: 'head' | 'tail'): number {
  const lines = text.split('\n');
  if (keep === 'tail') lines.reverse();
  let used = 0;
  let n = 0;
  for (const line of lines) {
    used += [...line].length + 1;
    if (used > max && n > 0) break;
    n++;
  }
  return n;
}
