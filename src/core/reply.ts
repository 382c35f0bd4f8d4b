// The neutral message model: every command answers with a Reply, every adapter renders one.
// No platform types here; each renderer degrades blocks its platform lacks.

export type Tone = 'ok' | 'info' | 'warn' | 'error';

export interface Action {
  /** Stable id the adapter hands back to the dispatcher when pressed (e.g. "confirm:<token>"). */
  id: string;
  label: string;
  style?: 'primary' | 'danger';
}

export interface Field {
  label: string;
  value: string;
}

export interface ProgressStep {
  label: string;
  status: string;
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string; lang?: string }
  | { type: 'fields'; fields: Field[] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'actions'; actions: Action[] }
  | { type: 'progress'; steps: ProgressStep[]; percent?: number }
  | { type: 'context'; text: string }
  | { type: 'divider' };

export interface Reply {
  title?: string;
  tone?: Tone;
  /** Only the requester sees it (where the platform can do that). */
  ephemeral?: boolean;
  blocks: Block[];
}

export const reply = (blocks: Block[], extra: Omit<Reply, 'blocks'> = {}): Reply => ({ ...extra, blocks });
export const text = (value: string): Block => ({ type: 'text', text: value });
export const code = (value: string, lang?: string): Block => (lang ? { type: 'code', text: value, lang } : { type: 'code', text: value });
export const fields = (entries: Array<[string, string]>): Block => ({
  type: 'fields',
  fields: entries.map(([label, value]) => ({ label, value })),
});
export const table = (columns: string[], rows: string[][]): Block => ({ type: 'table', columns, rows });
export const context = (value: string): Block => ({ type: 'context', text: value });

/** `1 container`, `2 containers`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The plain-text fallback of a reply (notifications, logs, platforms without rich blocks). */
export function plainText(r: Reply): string {
  const parts: string[] = [];
  if (r.title) parts.push(r.title);
  for (const b of r.blocks) {
    switch (b.type) {
      case 'text':
      case 'code':
      case 'context':
        parts.push(b.text);
        break;
      case 'fields':
        parts.push(b.fields.map((f) => `${f.label}: ${f.value}`).join('\n'));
        break;
      case 'table':
        parts.push([b.columns, ...b.rows].map((row) => row.join('  ')).join('\n'));
        break;
      case 'actions':
        parts.push(b.actions.map((a) => `[${a.label}]`).join(' '));
        break;
      case 'progress':
        parts.push(b.steps.map((s) => `${s.label}: ${s.status}`).join('\n') + (b.percent === undefined ? '' : `\n${b.percent}%`));
        break;
      case 'divider':
        parts.push('---');
        break;
    }
  }
  return parts.join('\n');
}
