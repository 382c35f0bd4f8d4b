// The Discord renderer: every block type, golden files, Discord's limits on any input, and
// values that cannot format, link or ping.
import { describe, expect, it } from 'vitest';
import { DISCORD_BUDGET } from '../../../../src/adapters/discord/bot.js';
import { DISCORD_LIMITS, embedLength, renderReply, type DiscordMessage } from '../../../../src/adapters/discord/render.js';
import { fitReply } from '../../../../src/core/budget.js';
import { code, context, fields, reply, say, table, text, type Reply } from '../../../../src/core/reply.js';

const HOSTILE = ['*bold*', '@everyone', '@here', '<@123456789012345678>', '<@&234567890123456789>', '<#345678901234567890>', '```', '[x](https://evil.example)', '# heading', '||spoiler||', '__u__', '~~s~~', '> quote'];

function withinLimits(m: DiscordMessage): void {
  expect([...m.content].length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  expect(m.embeds.length).toBeLessThanOrEqual(10);
  for (const e of m.embeds) {
    expect([...(e.title ?? '')].length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect([...(e.description ?? '')].length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect([...f.name].length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect([...f.value].length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    }
    expect([...(e.footer?.text ?? '')].length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
  }
  expect(embedLength(m)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  expect(m.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
  for (const row of m.components) {
    expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
    for (const b of row.components) {
      expect(b.custom_id.length).toBeGreaterThan(0);
      expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
      expect([...b.label].length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
    }
  }
  expect(m.allowed_mentions).toEqual({ parse: [] });
}

const psRows = (n: number) => Array.from({ length: n }, (_, i) => [`c0ffee${String(i).padStart(6, '0')}`, 'busybox:1', '"sleep 600"', 'Up 2 minutes', `web-${i}`]);

const samples: Record<string, Reply> = {
  ps: reply([table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'STATUS', 'NAMES'], psRows(3)), context('3 containers')], { title: 'Containers', tone: 'ok' }),
  preview: reply(
    [
      text(say`Will remove ${'old-1'} and ${'*old-2*'} (stopped). Run \`container prune\` again to see changes.`),
      {
        type: 'actions',
        actions: [
          { id: 'confirm:AbCdEfGhIjKlMnOp', label: 'Confirm', style: 'danger' },
          { id: 'cancel:AbCdEfGhIjKlMnOp', label: 'Cancel' },
        ],
      },
    ],
    { title: 'Remove 2 stopped containers?', tone: 'warn', ephemeral: true },
  ),
  error: reply([text('`pull` needs the operator role; you are a viewer'), context('hint: an admin can grant it under roles.operator in dockbot.yaml')], { title: 'Error (forbidden)', tone: 'error', ephemeral: true }),
  progress: reply([{ type: 'progress', steps: [{ label: '1', status: 'Pulling from library/busybox' }, { label: 'a1b2c3d4e5f6', status: 'Downloading 40% (1.2 MB/3.0 MB)' }], percent: 40 }], { title: 'Pulling busybox:1', tone: 'info' }),
  inspect: reply([fields([['Name', '@everyone'], ['Image', 'busybox:1'], ['Command', 'sh -c "echo `id`"']]), { type: 'divider' }, code('{"Env": ["A=[redacted]"]}', 'json')], { title: 'Container web' }),
  hostile: reply([text(['Stopped ', ...HOSTILE.flatMap((v) => [{ value: v }, ' '])]), table(['NAMES'], HOSTILE.map((v) => [v])), fields(HOSTILE.map((v, i) => [`f${i}`, v]))], { title: '@everyone *title*' }),
};

describe('Discord renderer', () => {
  for (const [name, r] of Object.entries(samples)) {
    it(`renders ${name} as in its golden file`, async () => {
      const m = renderReply(r);
      withinLimits(m);
      await expect(JSON.stringify(m, null, 2) + '\n').toMatchFileSnapshot(`__golden__/${name}.json`);
    });
  }

  it('never lets a value format, link or ping', () => {
    const m = renderReply(samples.hostile as Reply);
    const all = JSON.stringify(m.embeds);
    expect(all).not.toMatch(/@everyone|@here/);
    expect(all).not.toMatch(/<@|<#/);
    expect(m.embeds[0]?.title).toBe('@\u200beveryone \\*title\\*');
    const description = m.embeds[0]?.description ?? '';
    // In our words: escaped; in the table (a code block): the fence cannot be closed early.
    expect(description).toContain('\\*bold\\*');
    expect(description).toContain('\\[x\\](https\\://evil.example)');
    expect(renderReply(reply([text([{ value: '> quote\n# h\n-# small\n1. one' }])])).embeds[0]?.description).toBe('\\> quote\n\\# h\n\\-# small\n1\\. one');
    expect(description.split('```').length - 1).toBe(2);
    expect(m.embeds[0]?.fields?.find((f) => f.name === 'f0')?.value).toBe('\\*bold\\*');
  });

  it('keeps our inline code and escapes the values inside our words', () => {
    const m = renderReply(samples.preview as Reply);
    expect(m.embeds[0]?.description).toBe('Will remove old-1 and \\*old-2\\* (stopped). Run `container prune` again to see changes.');
    expect(m.flags).toBe(64);
    expect(m.components[0]?.components.map((b) => [b.label, b.style, b.custom_id])).toEqual([
      ['Confirm', 4, 'confirm:AbCdEfGhIjKlMnOp'],
      ['Cancel', 2, 'cancel:AbCdEfGhIjKlMnOp'],
    ]);
  });

  it('fits 200 containers within the budget with "… and N more" and keeps within the limits', () => {
    const big = reply([table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'STATUS', 'NAMES'], psRows(200))], { title: 'Containers' });
    const m = renderReply(fitReply(big, DISCORD_BUDGET));
    withinLimits(m);
    const e = m.embeds[0];
    const shown = (e?.description?.split('\n') ?? []).filter((l) => l.startsWith('c0ffee')).length;
    expect(shown).toBeGreaterThan(10);
    expect(`${e?.description ?? ''}\n${e?.footer?.text ?? ''}`).toContain(`… and ${200 - shown} more rows`);
  });

  it('stays within the limits even for a reply no budget was applied to', () => {
    const huge = reply(
      [
        text('x'.repeat(10_000)),
        code('line\n'.repeat(5000)),
        table(['A'], psRows(1000).map((r) => [r.join(' ')])),
        fields(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'.repeat(2000)])),
        { type: 'actions', actions: Array.from({ length: 40 }, (_, i) => ({ id: `run:${i}`, label: `Action ${i} ${'l'.repeat(100)}` })) },
        { type: 'actions', actions: [{ id: 'x'.repeat(101), label: 'too long an id' }] },
        context('c'.repeat(5000)),
      ],
      { title: 't'.repeat(500) },
    );
    const m = renderReply(huge);
    withinLimits(m);
    expect(m.components.flatMap((r) => r.components)).toHaveLength(25);
    expect(m.embeds[0]?.footer?.text).toContain('more actions');
  });

  it('answers an empty reply with something Discord accepts', () => {
    const m = renderReply(reply([]));
    expect(m.content).toBe('Done.');
    withinLimits(m);
  });
});
