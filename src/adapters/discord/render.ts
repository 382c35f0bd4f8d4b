// Reply -> a Discord message body (content, one embed, button rows), pure and within Discord's
// limits: what does not fit ends with "… and N more"; values are escaped; nobody is pinged.
import { plain, spans, type Action, type Block, type Reply, type RichText, type Tone } from '../../core/reply.js';

/** Discord's message limits (API reference: Message, Embed Limits, Component). */
export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, description, field names and values and the footer of every embed together. */
  embedTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
} as const;

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  fields?: Array<{ name: string; value: string; inline: boolean }>;
  footer?: { text: string };
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 4;
  label: string;
  custom_id: string;
}

export interface DiscordMessage {
  content: string;
  embeds: DiscordEmbed[];
  components: Array<{ type: 1; components: DiscordButton[] }>;
  /** Empty on every message: a value that looks like a mention never pings. */
  allowed_mentions: { parse: [] };
  /** 64 = ephemeral (only on a first answer or a follow-up; edits keep what the first had). */
  flags?: number;
}

const COLORS: Record<Tone, number> = { ok: 0x2ecc71, info: 0x5865f2, warn: 0xf1c40f, error: 0xe74c3c };
const EPHEMERAL = 64;
const ZWSP = '\u200b';

/** Mentions, channel links and timestamps kept as text: `@everyone` becomes `@` + U+200B + `everyone`. */
export function neutraliseMentions(s: string): string {
  return s.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<([@#:/]|a:|t:)/g, `<${ZWSP}$1`);
}

/**
 * A value from a user or the engine, shown as itself: no formatting, no mention, no link.
 * Discord drops a backslash before any punctuation, so markdown characters get one (in one
 * linear pass: discord.js's escapeMarkdown takes seconds on a few thousand characters).
 */
export function escapeValue(s: string): string {
  return s
    .replace(/[\\*_~|`[\]<:]/g, '\\$&')
    // Quotes, headings, subtext and lists start a line.
    .replace(/^(\s*)([>#-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.')
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
    .replace(/<([@#/])/g, `<${ZWSP}$1`);
}

/** Inline code that shows backticks inside it as they are (a longer fence around them). */
function inlineCode(s: string): string {
  const body = neutraliseMentions(s.replace(/\s+/g, ' '));
  if (!body.includes('`')) return `\`${body || ' '}\``;
  return `\`\` ${body.replace(/``+/g, (run) => run.split('').join(ZWSP))} \`\``;
}

/** Our words (inline code where they mark it) with every value escaped: nothing formats but the structure. */
export function richText(rich: RichText, max: number = DISCORD_LIMITS.description): string {
  // Cut before escaping: escaping only adds characters, and what is cut is never shown.
  return spans(rich)
    .map((span) => (span.code ? inlineCode(clipTo(span.text, max)) : escapeValue(clipTo(span.text, max))))
    .join('');
}

/** Inside a code block only a run of three backticks can end it. */
const escapeCode = (s: string): string => neutraliseMentions(s.replace(/`(?=`)/g, `\`${ZWSP}`));

const chars = (s: string): number => [...s].length;

function clipTo(s: string, max: number): string {
  const cs = [...s];
  return cs.length <= max ? s : `${cs.slice(0, max - 1).join('')}…`;
}

const more = (n: number, noun: string): string => `… and ${n} more ${noun}${n === 1 ? '' : 's'}`;

/** A code block whose lines stop where the budget does, saying how many were left out. */
function codeBlock(body: string, budget: number, lang = '', noun = 'line'): string {
  const open = `\`\`\`${lang.replace(/[^\w+-]/g, '')}\n`;
  const close = '\n```';
  const lines = escapeCode(body).split('\n');
  const kept: string[] = [];
  let used = chars(open) + chars(close);
  for (let i = 0; i < lines.length; i++) {
    const line = clipTo(lines[i] as string, Math.max(8, budget - used - 40));
    const left = lines.length - i - 1;
    // Room for the note, with a digit to spare (9 left -> 10 left).
    const note = left ? chars(more(left, noun)) + 2 : 0;
    if (used + chars(line) + 1 + note > budget) break;
    kept.push(line);
    used += chars(line) + 1;
  }
  const left = lines.length - kept.length;
  return `${open}${kept.join('\n')}${close}${left ? `\n${more(left, noun)}` : ''}`;
}

const CELL_MAX = 48;

/** A table as aligned monospace text (Discord has no tables). */
function tableText(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [columns, ...rows].map((row) => row.map((c) => clipTo(String(c).replace(/\s+/g, ' '), CELL_MAX)));
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => chars(row[i] ?? ''))));
  return cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - chars(c)))).join('  ').trimEnd()).join('\n');
}

function progressText(steps: ReadonlyArray<{ label: string; status: string }>, percent?: number): string {
  const lines = steps.map((s) => `${s.label}: ${s.status}`);
  if (percent !== undefined) {
    const p = Math.max(0, Math.min(100, Math.round(percent)));
    const filled = Math.round(p / 10);
    lines.push(`${'█'.repeat(filled)}${'░'.repeat(10 - filled)} ${p}%`);
  }
  return lines.join('\n');
}

/** One description part per block, cut to what is left of the budget. */
function describe(block: Block, budget: number): string | undefined {
  switch (block.type) {
    case 'text':
      return clipTo(richText(block.text, budget), budget);
    case 'context':
      // A note between parts ("… and 3 earlier lines" before a log); trailing notes are the footer.
      return clipTo(`*${richText(block.text, budget)}*`, budget);
    case 'code':
      return codeBlock(block.text, budget, block.lang);
    case 'table':
      if (block.rows.length === 0) return clipTo(escapeValue(block.columns.join('  ')), budget);
      return codeBlock(tableText(block.columns, block.rows), budget, '', 'row');
    case 'progress':
      return codeBlock(progressText(block.steps, block.percent), budget, '', 'step');
    case 'divider':
      return '───';
    case 'fields':
    case 'actions':
      return undefined;
  }
}

function buttons(actions: readonly Action[]): { rows: DiscordMessage['components']; dropped: number } {
  const usable = actions.filter((a) => a.id.length >= 1 && a.id.length <= DISCORD_LIMITS.customId);
  const fit = usable.slice(0, DISCORD_LIMITS.rows * DISCORD_LIMITS.buttonsPerRow);
  const rows: DiscordMessage['components'] = [];
  for (let i = 0; i < fit.length; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({
      type: 1,
      components: fit.slice(i, i + DISCORD_LIMITS.buttonsPerRow).map((a) => ({
        type: 2,
        style: a.style === 'danger' ? 4 : a.style === 'primary' ? 1 : 2,
        label: clipTo(a.label, DISCORD_LIMITS.buttonLabel),
        custom_id: a.id,
      })),
    });
  }
  return { rows, dropped: actions.length - fit.length };
}

export function renderReply(reply: Reply): DiscordMessage {
  let total = 0;
  const embed: DiscordEmbed = { color: COLORS[reply.tone ?? 'info'] };
  if (reply.title) {
    embed.title = clipTo(escapeValue(clipTo(reply.title, DISCORD_LIMITS.title)), DISCORD_LIMITS.title);
    total += chars(embed.title);
  }

  // Notes at the end (hints, "… and N more rows") are the footer, which Discord shows as plain
  // text: no markdown and no mentions there. Its room is kept first: they must show.
  let end = reply.blocks.length;
  while (end > 0 && ['context', 'actions', 'fields'].includes((reply.blocks[end - 1] as Block).type)) end--;
  const trailing = new Set<Block>(reply.blocks.slice(end).filter((b) => b.type === 'context'));
  const footerParts = [...trailing].map((b) => plain(b.type === 'context' ? b.text : ''));
  const actions = reply.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : []));
  const { rows, dropped } = buttons(actions);
  const notes = [...(footerParts.length ? [clipTo(footerParts.join(' · '), 900)] : []), ...(dropped > 0 ? [more(dropped, 'action')] : [])];
  const footer = notes.length ? notes.join(' · ') : undefined;
  if (footer) total += chars(footer);

  const fieldEntries = reply.blocks.flatMap((b) => (b.type === 'fields' ? b.fields : []));
  const fields: NonNullable<DiscordEmbed['fields']> = [];
  const fieldBudget = Math.min(1500, DISCORD_LIMITS.embedTotal - total - 1000);
  let fieldChars = 0;
  for (const [i, f] of fieldEntries.entries()) {
    const name = clipTo(escapeValue(clipTo(f.label, DISCORD_LIMITS.fieldName)) || '-', DISCORD_LIMITS.fieldName);
    const value = clipTo(escapeValue(clipTo(f.value, DISCORD_LIMITS.fieldValue)) || '-', DISCORD_LIMITS.fieldValue);
    const last = fields.length === DISCORD_LIMITS.fields - 1 && i < fieldEntries.length - 1;
    if (last || fieldChars + chars(name) + chars(value) > fieldBudget) {
      fields.push({ name: '…', value: more(fieldEntries.length - i, 'field'), inline: false });
      fieldChars += 30;
      break;
    }
    fields.push({ name, value, inline: chars(value) <= 40 });
    fieldChars += chars(name) + chars(value);
  }
  total += fieldChars;

  const parts: string[] = [];
  let room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - total);
  const described = reply.blocks.filter((b) => !trailing.has(b) && describe(b, Infinity) !== undefined);
  for (const [i, block] of described.entries()) {
    const separator = parts.length ? 2 : 0;
    const budget = room - separator - (i < described.length - 1 ? 40 : 0);
    if (budget < 80) {
      parts.push(more(described.length - i, 'part'));
      break;
    }
    const part = describe(block, budget) as string;
    parts.push(part);
    room -= chars(part) + separator;
  }
  const description = parts.join('\n\n');
  if (description) embed.description = description;
  if (fields.length) embed.fields = fields;
  if (footer) embed.footer = { text: footer };

  const empty = !embed.title && !embed.description && !embed.fields && !embed.footer;
  return {
    content: empty ? 'Done.' : '',
    embeds: empty ? [] : [embed],
    components: rows,
    allowed_mentions: { parse: [] },
    ...(reply.ephemeral ? { flags: EPHEMERAL } : {}),
  };
}

/** How long the rendered message is, in the way Discord counts its 6000 characters. */
export function embedLength(message: DiscordMessage): number {
  return message.embeds.reduce(
    (n, e) =>
      n + chars(e.title ?? '') + chars(e.description ?? '') + chars(e.footer?.text ?? '') + (e.fields ?? []).reduce((m, f) => m + chars(f.name) + chars(f.value), 0),
    0,
  );
}
