// Reply -> terminal text. Tables are laid out like the Docker CLI's tabwriter
// (cells at least 10 wide, padded by 3).
import { plain, type Block, type Reply } from '../../core/reply.js';

export interface TerminalStyle {
  color: boolean;
}

const paint = (on: boolean, code: string, s: string): string => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

const MIN_CELL_WIDTH = 10;
const CELL_PADDING = 3;

export function renderTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max([...c].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(Math.max(MIN_CELL_WIDTH, (widths[i] ?? 0) + CELL_PADDING))))
      .join('')
      .trimEnd();
  return [line(columns), ...rows.map(line)].join('\n');
}

function renderBlock(b: Block, style: TerminalStyle): string {
  switch (b.type) {
    case 'text':
      return plain(b.text);
    case 'code':
      return b.text;
    case 'fields': {
      const width = Math.max(...b.fields.map((f) => f.label.length));
      return b.fields.map((f) => `${paint(style.color, '1', f.label.padEnd(width))}  ${f.value}`).join('\n');
    }
    case 'table':
      return renderTable(b.columns, b.rows);
    case 'actions':
      return b.actions.map((a) => `[${a.label}]`).join('  ');
    case 'progress': {
      const lines = b.steps.map((s) => `${s.label}: ${s.status}`);
      if (b.percent !== undefined) lines.push(`${b.percent.toFixed(0)}%`);
      return lines.join('\n');
    }
    case 'context':
      return paint(style.color, '2', plain(b.text));
    case 'divider':
      return paint(style.color, '2', '─'.repeat(40));
  }
}

export function renderReply(r: Reply, style: TerminalStyle = { color: false }): string {
  const toneColor = r.tone === 'error' ? '31;1' : r.tone === 'warn' ? '33;1' : r.tone === 'ok' ? '32;1' : '1';
  // Actions are answered in the terminal by a prompt or --yes, not by buttons.
  const parts = r.blocks.filter((b) => b.type !== 'actions').map((b) => renderBlock(b, style));
  if (r.title) parts.unshift(paint(style.color, toneColor, r.title));
  return parts.join('\n');
}
