// Replies that fit a platform: tables and logs end in "… and N more", the whole stays within
// the characters asked for, and the data of the outcome stays whole.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fitReply, type ReplyBudget } from '../../../src/core/budget.js';
import { defineCommand } from '../../../src/core/command.js';
import { ConfirmationStore } from '../../../src/core/confirm.js';
import { Dispatcher } from '../../../src/core/dispatcher.js';
import { RolePolicy } from '../../../src/core/policy.js';
import { plainText, reply, table, text, type Block, type Reply } from '../../../src/core/reply.js';
import type { Services } from '../../../src/services.js';

const rows = (n: number): string[][] => Array.from({ length: n }, (_, i) => [`container-${i}`, `${'f'.repeat(12)}`, 'Up 3 hours']);
const size = (r: Reply): number => [...plainText(r)].length;
const tableOf = (r: Reply) => r.blocks.find((b): b is Extract<Block, { type: 'table' }> => b.type === 'table');

describe('fitReply', () => {
  it('cuts a long table to the rows asked for and says how many more there are', () => {
    const fitted = fitReply(reply([table(['NAME', 'ID', 'STATUS'], rows(200))]), { rows: 20, chars: 100_000 });
    expect(tableOf(fitted)?.rows).toHaveLength(20);
    expect(tableOf(fitted)?.rows[0]).toEqual(['container-0', 'f'.repeat(12), 'Up 3 hours']);
    expect(fitted.blocks[1]).toEqual({ type: 'context', text: '… and 180 more rows' });
  });

  it('keeps the end of a log and notes the earlier lines left out', () => {
    const log = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const fitted = fitReply(reply([{ type: 'code', text: log, keep: 'tail' }], { title: 'logs web' }), { rows: 50, chars: 2000 });
    const shown = fitted.blocks.find((b) => b.type === 'code') as { text: string };
    expect(shown.text.endsWith('line 499')).toBe(true);
    expect(shown.text.startsWith('line 0')).toBe(false);
    expect(fitted.blocks[0]).toMatchObject({ type: 'context', text: expect.stringMatching(/^… and \d+ more earlier lines$/) });
    expect(size(fitted)).toBeLessThanOrEqual(2000);
  });

  it('shrinks the largest parts until the whole fits, keeping title and actions', () => {
    const big: Reply = reply(
      [
        text('x'.repeat(5000)),
        table(['A', 'B', 'C'], rows(300)),
        { type: 'code', text: Array.from({ length: 400 }, (_, i) => `l${i}`).join('\n') },
        { type: 'actions', actions: [{ id: 'run:abc', label: 'Again' }] },
      ],
      { title: 'Big' },
    );
    for (const budget of [{ rows: 100, chars: 2000 }, { rows: 50, chars: 12_000, blockChars: 3000 }] satisfies ReplyBudget[]) {
      const fitted = fitReply(big, budget);
      expect(size(fitted)).toBeLessThanOrEqual(budget.chars);
      expect(fitted.title).toBe('Big');
      expect(fitted.blocks.at(-1)).toEqual({ type: 'actions', actions: [{ id: 'run:abc', label: 'Again' }] });
      expect(plainText(fitted)).toContain('… and ');
    }
  });

  it("uses the adapter's own measure (escaping adds characters)", () => {
    const escaped = (r: Reply) => plainText(r).replace(/&/g, '&amp;').length;
    const fitted = fitReply(reply([table(['NAME'], Array.from({ length: 100 }, () => ['a&b&c&d']))]), { rows: 100, chars: 500, measure: escaped });
    expect(escaped(fitted)).toBeLessThanOrEqual(500);
  });

  it('leaves a reply that fits as it is', () => {
    const small = reply([text('hello'), table(['A'], [['1']])], { title: 't', tone: 'ok' });
    expect(fitReply(small, { rows: 10, chars: 1000 })).toEqual(small);
  });
});

describe('budgets through the dispatcher', () => {
  it('the reply fits the budget the adapter asked for; the data stays whole', async () => {
    const ps = defineCommand({
      name: 'ps',
      summary: 'List',
      options: [],
      access: 'read',
      async run() {
        const all = rows(200);
        return { ok: true, data: { containers: all }, reply: reply([table(['NAME', 'ID', 'STATUS'], all)], { title: '200 containers' }) };
      },
    });
    const dispatcher = new Dispatcher({
      commands: [ps],
      services: {} as Services,
      log: pino({ level: 'silent' }),
      roles: new RolePolicy({ admin: [], operator: [], channels: {} }),
      audit: { record: () => undefined },
      confirmations: new ConfirmationStore(60_000),
      mapError: () => undefined,
    });
    const requester = { platform: 'chat', userId: 'U1' };
    const out = await dispatcher.handle({ id: 'b1', text: 'ps', requester }, { budget: { rows: 25, chars: 1800 } });
    expect((out.data as { containers: unknown[] }).containers).toHaveLength(200);
    expect(tableOf(out.reply)?.rows.length).toBeLessThanOrEqual(25);
    expect(size(out.reply)).toBeLessThanOrEqual(1800);
    expect(plainText(out.reply)).toMatch(/… and \d+ more rows/);
    // Without a budget (the terminal) nothing is cut.
    const whole = await dispatcher.handle({ id: 'b2', text: 'ps', requester });
    expect(tableOf(whole.reply)?.rows).toHaveLength(200);
  });
});
