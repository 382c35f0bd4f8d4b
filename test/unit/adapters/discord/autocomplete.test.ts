// Autocomplete answers from a short-lived cache, at most 25 names, filtered, and never late.
import { describe, expect, it } from 'vitest';
import { Completer, type NameSource } from '../../../../src/adapters/discord/autocomplete.js';

function source(names: string[], delayMs = 0): NameSource & { calls: number } {
  const s = {
    calls: 0,
    async names() {
      s.calls++;
      await new Promise((r) => setTimeout(r, delayMs));
      return names;
    },
  };
  return s;
}

describe('Discord autocomplete', () => {
  it('puts names that start with the typed text first, then those containing it, at most 25', async () => {
    const c = new Completer(source(['api', 'web-2', 'web-1', 'old-web', ...Array.from({ length: 40 }, (_, i) => `web-x${i}`)]));
    const got = await c.complete('container', 'WEB');
    expect(got).toHaveLength(25);
    expect(got.slice(0, 2)).toEqual(['web-1', 'web-2']);
    expect(got).not.toContain('api');
    expect(await c.complete('container', 'old')).toEqual(['old-web']);
  });

  it('asks the engine once within the cache time, and again after it', async () => {
    let now = 0;
    const s = source(['a']);
    const c = new Completer(s, 5000, 2000, () => now);
    await c.complete('image', '');
    await c.complete('image', 'a');
    expect(s.calls).toBe(1);
    now = 6000;
    await c.complete('image', '');
    expect(s.calls).toBe(2);
  });

  it('answers empty rather than late when the engine is slow, and drops names Discord would refuse', async () => {
    const slow = new Completer(source(['a'], 500), 5000, 50);
    const started = performance.now();
    expect(await slow.complete('container', '')).toEqual([]);
    expect(performance.now() - started).toBeLessThan(400);
    const long = new Completer(source(['x'.repeat(101), 'ok']));
    expect(await long.complete('image', '')).toEqual(['ok']);
  });
});
