// The neutral message model: every command answers with a Reply, every adapter renders one.
// No platform types here; each renderer degrades blocks its platform lacks.
//
// Escaping, the one rule every renderer keeps: EVERY string in a Reply is shown as written.
// A renderer escapes each one for its platform (Slack: `&<>` and mrkdwn, so `<!channel>` never
// pings; Discord: markdown, `@everyone`/`@here`/role mentions, with `allowed_mentions` empty), so
// nothing a user or the engine chose can format, link or mention. The only formatting there is
// comes from the structure: titles, tones, code blocks, tables, fields, inline code.
//
// Text we write and values from users or the engine: in a text or context block, a plain string
// is our own wording, where `backticks` mark inline code (the one convention we use; `spans()`
// splits it for renderers). A value (a container name, a command line, a log line, an image
// label) is put in as `{ value }` (the `say` template does it for every `${...}`): it is never
// read for backticks either. Table cells, field values, code blocks and action labels are
// values by definition. Either way the text is escaped: the difference is only what may format.

export type Tone = 'ok' | 'info' | 'warn' | 'error';

/** Longest action id any adapter may be handed (Discord's `custom_id` allows 100, Slack's 255). */
export const MAX_ACTION_ID_LENGTH = 64;

export interface Action {
  /**
   * Short opaque id (at most MAX_ACTION_ID_LENGTH characters) the adapter puts on the button and
   * hands back to `Dispatcher.act` when pressed. What it does is kept in the bot and expires;
   * adapters never parse it.
   */
  id: string;
  label: string;
  style?: 'primary' | 'danger';
}

/** Inline text: our words (backticks mark inline code), inline code, or a literal value. */
export type Inline = string | { code: string } | { value: string };
/** A plain string (our words) or a sequence of spans. */
export type RichText = string | readonly Inline[];

export interface Field {
  label: string;
  /** A value: shown literally. */
  value: string;
}

export interface ProgressStep {
  label: string;
  status: string;
}

export type Block =
  | { type: 'text'; text: RichText }
  /** Literal text in monospace. `keep: 'tail'` (logs): a budget cut keeps the last lines, not the first. */
  | { type: 'code'; text: string; lang?: string; keep?: 'head' | 'tail' }
  | { type: 'fields'; fields: Field[] }
  /** Cells are values. A budget cut keeps the first rows and adds "… and N more". */
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'actions'; actions: Action[] }
  | { type: 'progress'; steps: ProgressStep[]; percent?: number }
  | { type: 'context'; text: RichText }
  | { type: 'divider' };

export interface Reply {
  /** A heading, shown literally (no inline code): our words and values alike. */
  title?: string;
  tone?: Tone;
  /**
   * Only the requester sees it (where the platform can do that). The dispatcher sets it on every
   * outcome by the rules in outcome.ts; a command sets it only to keep a result to the requester.
   */
  ephemeral?: boolean;
  blocks: Block[];
}

export const reply = (blocks: Block[], extra: Omit<Reply, 'blocks'> = {}): Reply => ({ ...extra, blocks });
export const text = (value: RichText): Block => ({ type: 'text', text: value });
export const code = (value: string, lang?: string): Block => (lang ? { type: 'code', text: value, lang } : { type: 'code', text: value });
export const fields = (entries: Array<[string, string]>): Block => ({
  type: 'fields',
  fields: entries.map(([label, value]) => ({ label, value })),
});
export const table = (columns: string[], rows: string[][]): Block => ({ type: 'table', columns, rows });
export const context = (value: RichText): Block => ({ type: 'context', text: value });
/** A literal value inside our words. */
export const value = (v: string): Inline => ({ value: v });

/**
 * Our words with values put in literally: say`Stopped ${name}` is ['Stopped ', { value: name }].
 * Backticks in the template are ours (inline code); backticks inside values are not.
 */
export function say(strings: TemplateStringsArray, ...values: unknown[]): Inline[] {
  const out: Inline[] = [];
  strings.forEach((s, i) => {
    if (s) out.push(s);
    if (i < values.length) out.push({ value: String(values[i]) });
  });
  return out;
}

/** One span as renderers need it: text to escape, shown as plain text or as inline code. */
export interface Span {
  text: string;
  code: boolean;
}

/**
 * The spans of a rich text, for renderers: our backtick convention split out, values kept whole.
 * Every span's text must still be escaped for the platform.
 */
export function spans(rich: RichText): Span[] {
  const out: Span[] = [];
  for (const part of typeof rich === 'string' ? [rich] : rich) {
    if (typeof part !== 'string') {
      if ('code' in part) out.push({ text: part.code, code: true });
      else out.push({ text: part.value, code: false });
      continue;
    }
    // `a` b `c`: odd pieces are code; an unpaired last backtick stays text.
    const pieces = part.split('`');
    if (pieces.length % 2 === 0) {
      const unpaired = pieces.pop() as string;
      pieces[pieces.length - 1] += '`' + unpaired;
    }
    pieces.forEach((piece, i) => {
      if (i % 2 === 1) out.push({ text: piece, code: true });
      else if (piece) out.push({ text: piece, code: false });
    });
  }
  return out;
}

/** A rich text as one plain string (inline code keeps its backticks). */
export function plain(rich: RichText | undefined): string {
  if (rich === undefined) return '';
  if (typeof rich === 'string') return rich;
  return rich.map((p) => (typeof p === 'string' ? p : 'code' in p ? `\`${p.code}\`` : p.value)).join('');
}

/** `1 container`, `2 containers`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The plain-text fallback of a reply (notifications, logs, platforms without rich blocks). */
export function plainText(r: Reply): string {
  const parts: string[] = [];
  if (r.title) parts.push(r.title);
  for (const b of r.blocks) {
    switch (b.type) {
      case 'text':
      case 'context':
        parts.push(plain(b.text));
        break;
      case 'code':
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
