import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAIL, logs, MAX_LOG_BYTES, readCapped, splitLogOutput, tailForReply, tailOption, type LogLine } from '../../../commands/logs.js';
import { engineTimestamp } from '../../../src/docker/timestamp.js';

/** One frame of the Engine's multiplexed stream: type, 3 zero bytes, big-endian length, payload. */
function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}


describe('splitLogOutput', () => {
  it('separates stdout and stderr and keeps the engine’s order', async () => {
    const output = Buffer.concat([frame(1, 'out1\n'), frame(2, 'err1\n'), frame(1, 'out2\nout3\n'), frame(2, 'no newline')]);
    expect(splitLogOutput(output, false, false)).toEqual([
      { stream: 'stdout', text: 'out1' },
      { stream: 'stderr', text: 'err1' },
      { stream: 'stdout', text: 'out2' },
      { stream: 'stdout', text: 'out3' },
      { stream: 'stderr', text: 'no newline' },
    ]);
  });

  it('joins a line split over frames, and multi-byte characters split between them', async () => {
    const text = Buffer.from('日本\n', 'utf8');
    const output = Buffer.concat([frame(1, 'par'), frame(1, 'tial '), frame(1, ''), Buffer.concat([frame(1, ''), Buffer.alloc(0)])]);
    const header = (n: number): Buffer => {
      const h = Buffer.alloc(8);
      h.writeUInt8(1, 0);
      h.writeUInt32BE(n, 4);
      return h;
    };
    const split = Buffer.concat([output, header(2), text.subarray(0, 2), header(text.length - 2), text.subarray(2)]);
    expect(splitLogOutput(split, false, false)).toEqual([{ stream: 'stdout', text: 'partial 日本' }]);
  });

  it('reads a TTY container’s raw output as stdout without carriage returns', async () => {
    expect(splitLogOutput(Buffer.from('tty1\r\ntty2\r\n'), true, false)).toEqual([
      { stream: 'stdout', text: 'tty1' },
      { stream: 'stdout', text: 'tty2' },
    ]);
  });

  it('splits a log of many frames in one pass (8 MiB, 10000 frames, well under a second)', () => {
    const line = `${'x'.repeat(838)}\n`;
    const output = Buffer.concat(Array.from({ length: 10_000 }, (_, i) => frame(i % 2 ? 2 : 1, line)));
    const started = performance.now();
    const lines = splitLogOutput(output, false, false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(lines).toHaveLength(10_000);
    expect(lines[1]).toEqual({ stream: 'stderr', text: 'x'.repeat(838) });
  });

  it('keeps what was read of a last frame cut short, and reads bytes that are no frame as stdout', () => {
    const cut = Buffer.concat([frame(1, 'whole\n'), frame(1, 'half of it\n').subarray(0, 12)]);
    expect(splitLogOutput(cut, false, false)).toEqual([
      { stream: 'stdout', text: 'whole' },
      { stream: 'stdout', text: 'half' },
    ]);
    expect(splitLogOutput(Buffer.concat([frame(2, 'err\n'), Buffer.from('raw text\n')]), false, false)).toEqual([
      { stream: 'stderr', text: 'err' },
      { stream: 'stdout', text: 'raw text' },
    ]);
  });

  it('takes the engine’s timestamp off each line', async () => {
    const output = frame(2, '2026-11-27T20:27:25.371081820Z err one\n');
    expect(splitLogOutput(output, false, true)).toEqual([{ stream: 'stderr', text: 'err one', time: '2026-11-27T20:27:25.371081820Z' }]);
  });
});

describe('engineTimestamp (--since/--until as the Docker CLI reads them)', () => {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const nowSeconds = now / 1000;

  it('reads Go durations relative to now', () => {
    expect(engineTimestamp('10m', now)).toBe(String(nowSeconds - 600));
    expect(engineTimestamp('1h30m', now)).toBe(String(nowSeconds - 5400));
    expect(engineTimestamp('1.5h', now)).toBe(String(nowSeconds - 5400));
    expect(engineTimestamp('-1h', now)).toBe(String(nowSeconds + 3600));
    expect(engineTimestamp('500ms', now)).toBe(String(nowSeconds - 1));
  });

  it('reads RFC3339 times with a zone', () => {
    expect(engineTimestamp('2006-01-02T15:04:05Z')).toBe('1136214245.000000000');
    expect(engineTimestamp('2006-01-02T15:04:05.999999999Z')).toBe('1136214245.999999999');
    expect(engineTimestamp('2006-01-02T15:04:05+07:00')).toBe('1136189045.000000000');
    expect(engineTimestamp('2006-01-02T15:04:05.5-07:00')).toBe('1136239445.500000000');
    expect(engineTimestamp('2006-01-02T15Z')).toBe('1136214000.000000000');
    expect(engineTimestamp('2006-01-02T15:04Z')).toBe('1136214240.000000000');
    expect(engineTimestamp('2006-01-02Z')).toBe('1136160000.000000000');
  });

  it('reads times without a zone in the local zone', () => {
    const local = new Date(2006, 0, 2, 15, 4, 5).getTime() / 1000;
    expect(engineTimestamp('2006-01-02T15:04:05')).toBe(`${local}.000000000`);
    expect(engineTimestamp('2006-01-02')).toBe(`${new Date(2006, 0, 2).getTime() / 1000}.000000000`);
  });

  it('passes Unix timestamps through', () => {
    expect(engineTimestamp('1136073600')).toBe('1136073600');
    expect(engineTimestamp('1136073600.000000001')).toBe('1136073600.000000001');
    expect(engineTimestamp('0')).toBe('0');
  });

  it('rejects anything else', () => {
    for (const bad of ['bogus', '10x', '2006-13-02', '2006-01-02T25:00:00Z', '', '1h ago']) expect(engineTimestamp(bad, now)).toBeUndefined();
  });
});

describe('tailForReply', () => {
  const lines = (n: number, text = (i: number): string => `line ${i}`): LogLine[] =>
    Array.from({ length: n }, (_, i) => ({ stream: 'stdout', text: text(i + 1) }));

  it('shows everything when it is short', () => {
    expect(tailForReply(lines(3))).toEqual({ text: 'line 1\nline 2\nline 3', omitted: 0 });
  });

  it('keeps the last lines of a long log and counts the rest', () => {
    const { text, omitted } = tailForReply(lines(100));
    expect(text.split('\n').at(-1)).toBe('line 100');
    expect(omitted + text.split('\n').length).toBe(100);
    expect(omitted).toBeGreaterThan(0);
  });

  it('stays within a chat message even with very long lines', () => {
    const { text, omitted } = tailForReply(lines(30, () => 'x'.repeat(5000)));
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.split('\n')[0]).toMatch(/…$/);
    expect(omitted).toBeGreaterThan(0);
  });

  it('shows timestamps as the CLI prints them', () => {
    expect(tailForReply([{ stream: 'stderr', text: 'boom', time: '2026-01-02T03:04:05.000000001Z' }]).text).toBe('2026-01-02T03:04:05.000000001Z boom');
  });
});

describe('how much of a log is read', () => {
  it('without --tail, the last DEFAULT_TAIL lines (and the help says so); --tail N and all as given', () => {
    expect(DEFAULT_TAIL).toBe(1000);
    expect(tailOption(undefined)).toBe(1000);
    expect(tailOption('all')).toBe('all');
    expect(tailOption('0')).toBe(0);
    expect(tailOption('25')).toBe(25);
    expect(() => tailOption('-1')).toThrow('invalid value "-1" for --tail');
    const help = logs.options.find((o) => o.name === 'tail')?.description ?? '';
    expect(help).toContain('default 1000');
    expect(help).toContain('8MiB');
    expect(help.length).toBeLessThanOrEqual(100);
  });

  it('stops reading at the cap and says it cut; reads to the end below it', async () => {
    expect(MAX_LOG_BYTES).toBe(8 * 1024 * 1024);
    let pulled = 0;
    // An endless log: only what the cap allows may ever be read.
    const endless = new Readable({
      read() {
        pulled += 1024;
        this.push(Buffer.alloc(1024, 'x'));
      },
    });
    const capped = await readCapped(endless, 10_000);
    expect(capped.cut).toBe(true);
    expect(capped.output.length).toBe(10_000);
    expect(endless.destroyed).toBe(true);
    expect(pulled).toBeLessThan(100_000);

    const whole = await readCapped(Readable.from([Buffer.from('abc'), Buffer.from('def')]), 6);
    expect(whole).toEqual({ output: Buffer.from('abcdef'), cut: false });
  });
});
