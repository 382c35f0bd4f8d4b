// The Block Kit renderer: golden files for every block type and for hostile values, and Slack's
// hard limits on replies of any size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../../src/adapters/slack/bolt.js';
import { SLACK_BUDGET, typedText } from '../../../src/adapters/slack/handlers.js';
import { MAX_BLOCKS, MAX_MESSAGE_TEXT, MAX_SECTION_TEXT } from '../../../src/adapters/slack/limits.js';
import { mrkdwnLiteral, renderReply, type SlackBlock } from '../../../src/adapters/slack/render.js';
import { fitReply } from '../../../src/core/budget.js';
import { code, context, fields, reply, say, table, text, type Reply } from '../../../src/core/reply.js';

const HOSTILE = ['<!channel>', '<@U0BOSS>', '<https://evil.example|click me>', '*bold*', '_italic_', '~strike~', '`tick`', '```fence```', '&amp;', '> quote', ':skull:'];

const everyBlock: Reply = reply(
  [
    text(['Pulled ', { code: 'ubuntu:14.04' }, ' for ', { value: 'Ops Person' }, ' (`pull` shows layers)']),
    code('line 1\nline 2'),
    fields([
      ['State', 'running'],
      ['Ports', '0.0.0.0:5000->5000/tcp'],
    ]),
    table(['CONTAINER ID', 'NAMES', 'STATUS'], [
      ['0123456789ab', 'web', 'Up 2 minutes'],
      ['ba9876543210', 'db_1', 'Exited (0) 3 hours ago'],
    ]),
    { type: 'progress', steps: [{ label: 'a1b2c3d4e5f6', status: 'Downloading 40%' }, { label: '0f9e8d7c6b5a', status: 'Pull complete' }], percent: 45 },
    { type: 'divider' },
    context('hint: `help ps` explains the flags'),
    {
      type: 'actions',
      actions: [
        { id: 'confirm:abcdefghijklmnop', label: 'Confirm', style: 'danger' },
        { id: 'cancel:abcdefghijklmnop', label: 'Cancel' },
        { id: 'run:qrstuvwxyz012345', label: 'Logs', style: 'primary' },
      ],
    },
  ],
  { title: 'Every block', tone: 'ok' },
);

const hostile: Reply = reply(
  [
    text(HOSTILE.map((v) => ({ value: v }))),
    code(HOSTILE.join('\n')),
    fields(HOSTILE.slice(0, 4).map((v, i): [string, string] => [`field ${i}`, v])),
    table(['NAMES', 'COMMAND'], HOSTILE.map((v, i) => [`ct_${i}_`, v])),
    context(say`from ${'<!here>'}`),
    { type: 'actions', actions: [{ id: 'run:x', label: '<!channel> *now*' }] },
  ],
  { title: 'Removed <!everyone>', tone: 'warn' },
);

function allText(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((b) => {
    switch (b.type) {
      case 'section':
        return 'text' in b ? [b.text.text] : b.fields.map((f) => f.text);
      case 'context':
        return b.elements.map((e) => e.text);
      case 'actions':
        return b.elements.map((e) => (e.type === 'button' ? e.text.text : e.placeholder.text));
      case 'divider':
        return [];
    }
  });
}

describe('Slack renderer', () => {
  it('renders every block type (golden)', async () => {
    await expect(JSON.stringify(renderReply(everyBlock), null, 2) + '\n').toMatchFileSnapshot('./golden/every-block.json');
  });

  it('renders hostile values so they cannot ping, link or format (golden)', async () => {
    const message = renderReply(hostile);
    await expect(JSON.stringify(message, null, 2) + '\n').toMatchFileSnapshot('./golden/hostile.json');
    // Button labels are plain_text, which Slack never parses: only mrkdwn needs escaping.
    const texts = [message.text, ...allText(message.blocks.filter((b) => b.type !== 'actions'))];
    for (const t of texts) expect(t).not.toMatch(/<[!@#]|<https?:/);
    for (const t of texts.filter((x) => !x.startsWith('```'))) {
      // Outside code, no value keeps a mark that could format it.
      for (const raw of ['*bold*', '_italic_', '~strike~', '`tick`', ':skull:', '*now*']) expect(t).not.toContain(raw);
    }
    for (const t of texts.filter((x) => x.startsWith('```'))) {
      // Inside code nothing formats; a value cannot close the fence early.
      expect(t.slice(3, -3)).not.toContain('```');
    }
  });

  it('escapes only where marks could format: names with underscores stay copyable', () => {
    expect(mrkdwnLiteral('my_container_1')).toBe('my_container_1');
    expect(mrkdwnLiteral('a & b <c>')).toBe('a &amp; b &lt;c&gt;');
    expect(mrkdwnLiteral('127.0.0.1:5000/busybox:1')).toBe('127.0.0.1:5000/busybox:1');
    expect(mrkdwnLiteral('*x*')).not.toBe('*x*');
  });

  it('gives danger buttons Slack’s confirm dialog, and keeps ids as they are', () => {
    const actions = renderReply(everyBlock).blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => e.type === 'button' && [e.action_id, e.style ?? null, Boolean(e.confirm)])).toEqual([
      ['confirm:abcdefghijklmnop', 'danger', true],
      ['cancel:abcdefghijklmnop', null, false],
      ['run:qrstuvwxyz012345', 'primary', false],
    ]);
  });

  it.each([
    ['a 5000-row table', reply([table(['NAMES', 'IMAGE', 'STATUS'], Array.from({ length: 5000 }, (_, i) => [`container-${i}`, 'busybox:latest', 'Exited (0) 2 hours ago']))])],
    ['a long log', reply([{ type: 'code', text: Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n'), keep: 'tail' }])],
    ['many blocks', reply(Array.from({ length: 300 }, (_, i) => text(`paragraph ${i} ${'y'.repeat(100)}`)))],
    ['escaping that grows', reply([table(['V'], Array.from({ length: 3000 }, () => ['<&>'.repeat(20)]))])],
  ])('keeps %s within Slack’s limits, saying how much was left out', (_name, r) => {
    const message = renderReply(fitReply(r, SLACK_BUDGET));
    expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const t of allText(message.blocks)) expect([...t].length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    expect(allText(message.blocks).reduce((n, t) => n + [...t].length, 0)).toBeLessThanOrEqual(MAX_MESSAGE_TEXT);
    expect(allText(message.blocks).join('\n')).toMatch(/… and \d+ more/);
  });

  it('shows a value between our backticks as inline code', () => {
    const [, section] = renderReply(reply([text(say`Cancelled \`${'rm -f *x*'}\`; nothing was changed.`)], { title: 'T' })).blocks;
    expect(section).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Cancelled `rm -f *x*`; nothing was changed.', verbatim: true } });
  });

  it('falls back to an escaped plain text for notifications', () => {
    expect(renderReply(hostile).text).toBe(`Removed &lt;!everyone&gt;`);
    expect(renderReply(reply([text('Build finished')])).text).toBe('Build finished');
  });
});

describe('Slack text as typed', () => {
  it('turns Slack’s encoding back into what the user typed', () => {
    expect(typedText('pull <http://docker.io/library/ubuntu|docker.io/library/ubuntu>:14.04')).toBe('pull docker.io/library/ubuntu:14.04');
    expect(typedText('run -e A=&lt;b&gt; -e C=&amp;d busybox')).toBe('run -e A=<b> -e C=&d busybox');
    expect(typedText('logs <https://x.example>')).toBe('logs https://x.example');
    expect(typedText('ps <@U123|bob>')).toBe('ps <@U123>');
  });
});

describe('deploy/slack/manifest.yaml', () => {
  const manifest = parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'deploy', 'slack', 'manifest.yaml'), 'utf8')) as {
    features: { slash_commands: Array<{ command: string }>; app_home: { messages_tab_enabled: boolean } };
    oauth_config: { scopes: { bot: string[] } };
    settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
  };

  it('asks for exactly the scopes the bot uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('gives /docker, interactivity, Socket Mode and the two events', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/docker']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(['app_mention', 'message.im']);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });
});
