// Reply -> Block Kit. Pure: the same reply always gives the same message. Every string is shown
// as written: `&<>` are escaped (so `<!channel>` never pings and `<url|x>` never links), and the
// characters Slack's mrkdwn formats with are neutralised where they could open formatting. The
// only formatting comes from the structure (titles, code, tables, fields). Limits in limits.ts.
import { plain, plainText, spans, type Action, type Block, type Inline, type Reply, type RichText, type Tone } from '../../core/reply.js';
import {
  MAX_ACTIONS,
  MAX_ACTION_ID,
  MAX_BLOCKS,
  MAX_BUTTON_LABEL,
  MAX_CONTEXT_ELEMENTS,
  MAX_FALLBACK_TEXT,
  MAX_FIELD_TEXT,
  MAX_FIELDS,
  MAX_MESSAGE_TEXT,
  MAX_SECTION_TEXT,
} from './limits.js';

export type SlackText = { type: 'mrkdwn'; text: string; verbatim: true } | { type: 'plain_text'; text: string; emoji: false };

export interface SlackButton {
  type: 'button';
  text: { type: 'plain_text'; text: string; emoji: false };
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: SlackText; text: SlackText; confirm: SlackText; deny: SlackText; style: 'danger' };
}

/** A menu of commands (row actions on `ps`); each option's value is a short action id. */
export interface SlackSelect {
  type: 'static_select';
  action_id: string;
  placeholder: { type: 'plain_text'; text: string; emoji: false };
  options: Array<{ text: { type: 'plain_text'; text: string; emoji: false }; value: string }>;
}

export type SlackBlock =
  | { type: 'section'; text: SlackText }
  | { type: 'section'; fields: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: Array<SlackButton | SlackSelect> }
  | { type: 'divider' };

export interface SlackMessage {
  /** Plain fallback: notifications, screen readers, clients without blocks. Escaped like the blocks. */
  text: string;
  blocks: SlackBlock[];
}

const TONE_EMOJI: Record<Tone, string> = { ok: ':white_check_mark:', info: ':information_source:', warn: ':warning:', error: ':x:' };

const ZWSP = '\u200b';
const CODE_FENCE = '```';

/** `&`, `<` and `>` as Slack requires them in any text it parses. */
export const escapeEntities = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Text shown as written inside mrkdwn. Formatting marks (`*bold*`, `_italic_`, `~strike~`, `` `code` ``)
 * only open after a boundary (start, space, punctuation): there a zero-width space goes on both
 * sides, so the mark can neither open nor close, whichever way Slack classes the space. Marks
 * inside words (`my_container`) stay as they are and copy cleanly. `&gt;` at a line start would
 * quote and `:name:` would become an emoji: both are broken up the same way.
 */
export function mrkdwnLiteral(s: string): string {
  return escapeEntities(s)
    .replace(/(^|[^\p{L}\p{N}])([*_~`])/gu, `$1${ZWSP}$2${ZWSP}`)
    .replace(/^&gt;/gm, `${ZWSP}&gt;`)
    .replace(/:([a-z0-9_+'-]+):/gi, `:${ZWSP}$1:`);
}

/** Inline code: literal inside; a backtick would end it, so it becomes a look-alike. */
const inlineCode = (s: string): string => `\`${escapeEntities(s.replace(/`/g, 'ˋ').replace(/\s*\n\s*/g, ' '))}\``;

/** A code block's body: literal; a run of three backticks would close the block. */
const codeBody = (s: string): string => escapeEntities(s.replace(/```/g, `\`${ZWSP}\`${ZWSP}\``));

/**
 * say`Removed \`${name}\`` puts our backticks around a value: the value is shown as inline code
 * (spans() alone would leave the two backticks unpaired, one on each side of it).
 */
function valuesInCode(rich: RichText): RichText {
  if (typeof rich === 'string') return rich;
  const out: Inline[] = [];
  for (let i = 0; i < rich.length; i++) {
    const [before, value, after] = [out.at(-1), rich[i], rich[i + 1]];
    const opens = typeof before === 'string' && before.endsWith('`') && (before.split('`').length - 1) % 2 === 1;
    if (opens && typeof value === 'object' && 'value' in value && typeof after === 'string' && after.startsWith('`')) {
      out[out.length - 1] = before.slice(0, -1);
      out.push({ code: value.value }, after.slice(1));
      i++;
    } else {
      out.push(value as Inline);
    }
  }
  return out;
}

export function richToMrkdwn(rich: RichText): string {
  return spans(valuesInCode(rich))
    .map((s) => (s.code ? inlineCode(s.text) : mrkdwnLiteral(s.text)))
    .join('');
}

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text, verbatim: true });
const plainTextObject = (text: string, max: number): SlackText => ({ type: 'plain_text', text: cut(text, max), emoji: false });

/** At most `max` characters (code points), ending in "…" when cut. */
function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

const length = (s: string): number => [...s].length;

/** Lines packed into chunks of at most `max` characters each (a longer line is cut). */
function packLines(lines: string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = length(raw) > max ? cut(raw, max) : raw;
    if (current && length(current) + 1 + length(line) > max) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** Mrkdwn text in sections of at most 3000 characters, split between lines. */
function textSections(text: string): SlackBlock[] {
  return packLines(text.split('\n'), MAX_SECTION_TEXT).map((t) => ({ type: 'section', text: mrkdwn(t || ZWSP) }));
}

/** Monospace lines in fenced sections, each within 3000 characters with its fences. */
function codeSections(lines: string[]): SlackBlock[] {
  const room = MAX_SECTION_TEXT - 2 * CODE_FENCE.length - 2;
  return packLines(lines.map(codeBody), room).map((t) => ({ type: 'section', text: mrkdwn(`${CODE_FENCE}\n${t}\n${CODE_FENCE}`) }));
}

/** Cells padded to their column's width, as `docker ps` prints them. */
export function tableLines(columns: string[], rows: string[][]): string[] {
  const cell = (v: string | undefined): string => cut((v ?? '').replace(/\s*\n\s*/g, ' '), 80);
  const all = [columns, ...rows].map((r) => columns.map((_, i) => cell(r[i])));
  const widths = columns.map((_, i) => Math.max(...all.map((r) => length(r[i] as string))));
  return all.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v + ' '.repeat((widths[i] as number) - length(v)))).join('   ').trimEnd());
}

function progressLines(steps: { label: string; status: string }[], percent?: number): string[] {
  const lines = tableLines(['', ''], steps.map((s) => [s.label, s.status])).slice(1);
  if (percent !== undefined) {
    const p = Math.max(0, Math.min(100, Math.round(percent)));
    const filled = Math.round(p / 5);
    lines.push(`${'█'.repeat(filled)}${'░'.repeat(20 - filled)} ${p}%`);
  }
  return lines;
}

function button(a: Action): SlackButton {
  const b: SlackButton = {
    type: 'button',
    text: { type: 'plain_text', text: cut(a.label, MAX_BUTTON_LABEL), emoji: false },
    action_id: a.id.slice(0, MAX_ACTION_ID),
    value: a.id.slice(0, MAX_ACTION_ID),
  };
  if (a.style) b.style = a.style;
  // Destructive buttons ask once more in Slack's own dialog before anything is sent.
  if (a.style === 'danger') {
    b.confirm = {
      title: plainTextObject('Are you sure?', 100),
      text: mrkdwn(`${mrkdwnLiteral(a.label)}: this cannot be undone.`),
      confirm: plainTextObject(a.label, 30),
      deny: plainTextObject('Back', 30),
      style: 'danger',
    };
  }
  return b;
}

function renderBlock(b: Block): SlackBlock[] {
  switch (b.type) {
    case 'text':
      return textSections(richToMrkdwn(b.text));
    case 'code':
      return codeSections(b.text.split('\n'));
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < b.fields.length; i += MAX_FIELDS) {
        const group = b.fields.slice(i, i + MAX_FIELDS);
        out.push({
          type: 'section',
          fields: group.map((f) => {
            const label = `*${mrkdwnLiteral(cut(f.label, 100))}*\n`;
            return mrkdwn(label + cut(mrkdwnLiteral(f.value || '-'), MAX_FIELD_TEXT - length(label)));
          }),
        });
      }
      return out;
    }
    case 'table':
      return codeSections(tableLines(b.columns, b.rows));
    case 'actions': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < b.actions.length; i += MAX_ACTIONS) out.push({ type: 'actions', elements: b.actions.slice(i, i + MAX_ACTIONS).map(button) });
      return out;
    }
    case 'progress':
      return codeSections(progressLines(b.steps, b.percent));
    case 'context':
      return packLines(richToMrkdwn(b.text).split('\n'), MAX_SECTION_TEXT)
        .slice(0, MAX_CONTEXT_ELEMENTS)
        .map((t): SlackBlock => ({ type: 'context', elements: [mrkdwn(t || ZWSP)] }));
    case 'divider':
      return [{ type: 'divider' }];
  }
}

function blockChars(b: SlackBlock): number {
  switch (b.type) {
    case 'section':
      return 'text' in b ? length(b.text.text) : b.fields.reduce((n, f) => n + length(f.text), 0);
    case 'context':
      return b.elements.reduce((n, e) => n + length(e.text), 0);
    case 'actions':
      return b.elements.reduce((n, e) => n + (e.type === 'button' ? length(e.text.text) + length(e.action_id) : e.options.reduce((m, o) => m + length(o.text.text), 0)), 0);
    case 'divider':
      return 0;
  }
}

function titleBlock(r: Reply): SlackBlock | undefined {
  const emoji = r.tone ? TONE_EMOJI[r.tone] : '';
  const title = r.title === undefined ? '' : `*${richToMrkdwn(r.title)}*`;
  const text = [emoji, title].filter(Boolean).join(' ');
  return text ? { type: 'section', text: mrkdwn(cut(text, MAX_SECTION_TEXT)) } : undefined;
}

/**
 * The whole message. The dispatcher fits replies to our budget first (slackBudget); this keeps
 * Slack's hard limits anyway: 50 blocks and about 12,000 characters, ending in "… and N more"
 * rather than a rejected message. Actions are kept: they are how a preview is answered.
 */
export function renderReply(r: Reply): SlackMessage {
  const title = titleBlock(r);
  const body = r.blocks.flatMap(renderBlock);
  const actions = body.filter((b) => b.type === 'actions');
  const content = body.filter((b) => b.type !== 'actions');
  const head = title ? [title] : [];
  const reserved = [...head, ...actions].reduce((n, b) => n + blockChars(b), 0);
  const room = MAX_BLOCKS - head.length - actions.length - 1;
  const kept: SlackBlock[] = [];
  let used = reserved;
  for (const b of content) {
    if (kept.length >= room || used + blockChars(b) > MAX_MESSAGE_TEXT) break;
    kept.push(b);
    used += blockChars(b);
  }
  const dropped = content.length - kept.length;
  const more: SlackBlock[] = dropped > 0 ? [{ type: 'context', elements: [mrkdwn(`… and ${dropped} more block${dropped === 1 ? '' : 's'} (too long for one Slack message)`)] }] : [];
  // Actions go where the reply put them: last, after the content they answer.
  return { text: fallbackText(r), blocks: [...head, ...kept, ...more, ...actions] };
}

/** The plain-text fallback, escaped like everything else (it is parsed for mentions too). */
export function fallbackText(r: Reply): string {
  const text = r.title !== undefined ? plain(r.title) : plainText(r);
  return cut(mrkdwnLiteral(text || 'dockbot'), MAX_FALLBACK_TEXT);
}

/**
 * How many characters a reply takes once rendered, before any cut (the dispatcher's budget
 * measure): so the dispatcher's "… and N more rows" does the cutting, not our last-resort cap.
 */
export function renderedChars(r: Reply): number {
  const title = titleBlock(r);
  return [...(title ? [title] : []), ...r.blocks.flatMap(renderBlock)].reduce((n, b) => n + blockChars(b), 0);
}
