// The output a foreground `run` shows: the last lines of both streams, bounded.
import Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OUTPUT_LINES, OutputTail } from '../../../commands/run.js';

/** One frame of the Engine's multiplexed stream: type, 3 zero bytes, big-endian length, payload. */
function frame(stream: 1 | 2, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

const modem = new Dockerode({ socketPath: '/nonexistent.sock' }).modem;

async function collect(frames: Buffer[]): Promise<OutputTail> {
  const tail = new OutputTail();
  const source = new PassThrough();
  modem.demuxStream(source, tail.sink('stdout'), tail.sink('stderr'));
  for (const f of frames) source.write(f);
  source.end();
  await new Promise((resolve) => setImmediate(resolve));
  tail.finish();
  return tail;
}

describe('OutputTail', () => {
  it('keeps both streams in arrival order and the unterminated last line', async () => {
    const tail = await collect([frame(1, 'hi\n'), frame(2, 'oops\n'), frame(1, 'no newline')]);
    expect(tail.last()).toEqual(['hi', 'oops', 'no newline']);
    expect(tail.total).toBe(3);
  });

  it('joins a character split between frames', async () => {
    const bytes = Buffer.from('镜像\n', 'utf8');
    const tail = await collect([frame(1, bytes.subarray(0, 2)), frame(1, bytes.subarray(2))]);
    expect(tail.last()).toEqual(['镜像']);
  });

  it(`keeps only the last ${OUTPUT_LINES} lines, and cuts endless lines`, async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('');
    const tail = await collect([frame(1, lines), frame(1, 'x'.repeat(5000))]);
    expect(tail.total).toBeGreaterThan(100);
    expect(tail.last()).toHaveLength(OUTPUT_LINES);
    expect(tail.last().every((l) => l.length <= 501)).toBe(true);
  });
});
