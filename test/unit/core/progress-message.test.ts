// Progress as one message: first post, edits with the handle the adapter returned, and the
// final state always; budgets per channel and workspace; a message past its edit window goes on
// as a new one; through the dispatcher, the outcome says the final reply is already shown.
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { defineCommand } from '../../../src/core/command.js';
import { ConfirmationStore } from '../../../src/core/confirm.js';
import { Dispatcher } from '../../../src/core/dispatcher.js';
import { RolePolicy } from '../../../src/core/policy.js';
import { EditBudgets, ProgressChannel, type ProgressLimits, type ProgressSink } from '../../../src/core/progress.js';
import { reply, text, type Reply } from '../../../src/core/reply.js';
import type { Services } from '../../../src/services.js';

const said = (r: Reply): string => (r.blocks[0] as { text: string }).text;

/** A recording sink: every call with the handle it got, handles numbered by post. */
function recorder(limits?: ProgressLimits, failFirst = false) {
  const calls: string[] = [];
  let posts = 0;
  const sink: ProgressSink<string> = {
    ...(limits ? { limits } : {}),
    first: (r) => {
      if (failFirst) throw new Error('cannot post');
      calls.push(`first ${said(r)}`);
      return `m${++posts}`;
    },
    edit: (h, r) => void calls.push(`edit ${h} ${said(r)}`),
    final: (h, r) => void calls.push(`final ${h} ${said(r)}`),
  };
  return { sink, calls };
}

describe('progress messages', () => {
  it('posts once, edits that message, and always ends it with the final state', async () => {
    vi.useFakeTimers();
    try {
      const { sink, calls } = recorder();
      const channel = new ProgressChannel(sink, { intervalMs: 1000, now: () => Date.now() });
      channel.push(reply([text('0%')]));
      await vi.advanceTimersByTimeAsync(10);
      channel.push(reply([text('50%')]));
      await vi.advanceTimersByTimeAsync(1000);
      channel.push(reply([text('99%')])); // throttled, then superseded by the final state
      const done = channel.finish(reply([text('done')]));
      await vi.advanceTimersByTimeAsync(1000);
      expect(await done).toEqual({ handle: 'm1' });
      expect(calls).toEqual(['first 0%', 'edit m1 50%', 'final m1 done']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('nothing posted: the final state is left to the caller', async () => {
    const { sink, calls } = recorder();
    const channel = new ProgressChannel(sink);
    expect(await channel.finish(reply([text('done')]))).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('a message past its edit window goes on as a new message', async () => {
    vi.useFakeTimers();
    try {
      const { sink, calls } = recorder({ editWindowMs: 15 * 60_000 });
      const channel = new ProgressChannel(sink, { intervalMs: 1000, now: () => Date.now() });
      channel.push(reply([text('start')]));
      await vi.advanceTimersByTimeAsync(10);
      await vi.advanceTimersByTimeAsync(16 * 60_000);
      channel.push(reply([text('still going')]));
      await vi.advanceTimersByTimeAsync(10);
      channel.push(reply([text('later')]));
      const done = channel.finish(reply([text('done')]));
      await vi.advanceTimersByTimeAsync(2000);
      expect(await done).toEqual({ handle: 'm2' });
      expect(calls).toEqual(['first start', 'first still going', 'final m2 done']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('messages in one workspace share its edit budget', async () => {
    vi.useFakeTimers();
    try {
      const budgets = new EditBudgets();
      const limits: ProgressLimits = { messageIntervalMs: 1000, perWorkspacePerMinute: 5 };
      const a = recorder(limits);
      const b = recorder(limits);
      const options = { intervalMs: 1000, now: () => Date.now(), budgets, workspaceKey: 'chat:T1' };
      const one = new ProgressChannel(a.sink, { ...options, channelKey: 'chat:T1:C1' });
      const two = new ProgressChannel(b.sink, { ...options, channelKey: 'chat:T1:C2' });
      for (let i = 0; i < 30; i++) {
        one.push(reply([text(`a${i}`)]));
        two.push(reply([text(`b${i}`)]));
        await vi.advanceTimersByTimeAsync(1000);
      }
      // 30 s of updates twice a second in all, 5 a minute allowed: about 2.5 within the window
      // plus the bucket's first 5.
      expect(a.calls.length + b.calls.length).toBeLessThanOrEqual(8);
      expect(a.calls.length).toBeGreaterThanOrEqual(1);
      expect(b.calls.length).toBeGreaterThanOrEqual(1);
      await one.close();
      await two.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('progress through the dispatcher', () => {
  const slow = defineCommand({
    name: 'pull',
    summary: 'Pulls',
    options: [],
    access: 'read',
    async run(ctx) {
      ctx.progress(reply([text('downloading')]));
      await new Promise((r) => setTimeout(r, 30));
      ctx.progress(reply([text('extracting')])); // within the interval: only the final state follows
      return { ok: true, data: { pulled: true }, reply: reply([text('pulled')]) };
    },
  });
  const dispatcher = new Dispatcher({
    commands: [slow],
    services: {} as Services,
    log: pino({ level: 'silent' }),
    roles: new RolePolicy({ admin: [], operator: [], channels: {} }),
    audit: { record: () => undefined },
    confirmations: new ConfirmationStore(60_000),
    progressIntervalMs: 100,
    mapError: () => undefined,
  });
  const requester = { platform: 'chat', userId: 'U1', channelId: 'C1', workspaceId: 'T1' };

  it('the final reply goes into the progress message, and the outcome says so', async () => {
    const { sink, calls } = recorder();
    const out = await dispatcher.handle({ id: 'p1', text: 'pull', requester }, { onProgress: sink });
    expect(calls).toEqual(['first downloading', 'final m1 pulled']);
    expect(out.delivered).toEqual({ handle: 'm1' });
  });

  it('when the message could not be posted, the outcome is to be posted as usual', async () => {
    const { sink } = recorder(undefined, true);
    const out = await dispatcher.handle({ id: 'p2', text: 'pull', requester }, { onProgress: sink });
    expect(out.ok).toBe(true);
    expect(out.delivered).toBeUndefined();
  });
});
