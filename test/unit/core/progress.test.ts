import { describe, expect, it, vi } from 'vitest';
import { ProgressChannel, type ProgressSink } from '../../../src/core/progress.js';
import { reply, text, type Reply } from '../../../src/core/reply.js';

/** A sink that treats every send alike (first post, edit, final). */
const sinkOf = (send: (r: Reply) => unknown): ProgressSink<null> => ({
  first: async (r) => (await send(r), null),
  edit: async (_h, r) => void (await send(r)),
  final: async (_h, r) => void (await send(r)),
});

describe('ProgressChannel', () => {
  it('sends at most one update per interval, the latest state winning', async () => {
    vi.useFakeTimers();
    try {
      const sent: string[] = [];
      const channel = new ProgressChannel(sinkOf((r) => void sent.push((r.blocks[0] as { text: string }).text)), { intervalMs: 1000, now: () => Date.now() });
      for (let i = 0; i < 50; i++) {
        channel.push(reply([text(`step ${i}`)]));
        await vi.advanceTimersByTimeAsync(100); // 5 s of updates at 10 per second
      }
      await vi.advanceTimersByTimeAsync(1000);
      expect(sent.length).toBeLessThanOrEqual(6);
      expect(sent.length).toBeGreaterThanOrEqual(4);
      expect(sent.at(-1)).toBe('step 49');
      await channel.close();
    } finally {
      vi.useRealTimers();
    }
  });
  it('never runs two sink calls at once', async () => {
    let active = 0;
    let maxActive = 0;
    const channel = new ProgressChannel(
      sinkOf(async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
      }),
      { intervalMs: 0 },
    );
    for (let i = 0; i < 5; i++) {
      channel.push(reply([text(String(i))]));
      await new Promise((r) => setTimeout(r, 5));
    }
    await channel.close();
    expect(maxActive).toBe(1);
    expect(channel.sent).toBeGreaterThan(1);
  });
  it('drops what is still queued on close, and anything pushed after', async () => {
    const seen: string[] = [];
    const channel = new ProgressChannel(sinkOf((r) => void seen.push((r.blocks[0] as { text: string }).text)), { intervalMs: 1000 });
    channel.push(reply([text('first')]));
    await new Promise((r) => setTimeout(r, 20)); // the first goes out at once
    channel.push(reply([text('queued')])); // waits for the interval
    await channel.close();
    channel.push(reply([text('late')]));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['first']);
  });
  it('reports a failing sink instead of hiding it', async () => {
    const errors: unknown[] = [];
    const channel = new ProgressChannel(sinkOf(() => Promise.reject(new Error('rate limited'))), { intervalMs: 0, onError: (e) => errors.push(e) });
    channel.push(reply([text('x')]));
    await new Promise((r) => setTimeout(r, 10));
    await channel.close();
    expect(errors).toHaveLength(1);
  });
});
