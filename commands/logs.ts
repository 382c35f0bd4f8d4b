import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, plural, reply, text, type Block } from '../src/core/reply.js';
import { statusCode } from '../src/docker/errors.js';
import { bytesSize } from '../src/docker/format.js';
// --since/--until are read as Docker reads them, by the same parser as the prunes' until=.
import { engineTimestamp } from '../src/docker/timestamp.js';

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  text: string;
  /** RFC3339Nano, as the engine stamps it (with -t/--timestamps). */
  time?: string;
}

export interface LogsData {
  container: string;
  /** Every line read. */
  lines: LogLine[];
  /** Lines asked for from the end: --tail N, DEFAULT_TAIL without --tail, or `all`. */
  tail: number | 'all';
  /** The log (in that range) was longer than MAX_LOG_BYTES: only its first MAX_LOG_BYTES were read. */
  cut: boolean;
}

/** Lines read without --tail (Docker reads them all): a whole log must not be buffered by accident. */
export const DEFAULT_TAIL = 1000;
/** The most of a log read, whatever --tail says; the rest is not read, and the reply says so. */
export const MAX_LOG_BYTES = 8 * 1024 * 1024;

/** How much of the log a chat reply shows; `data` has every line read. */
const REPLY_MAX_LINES = 40;
const REPLY_MAX_CHARS = 2800;
const REPLY_MAX_LINE_CHARS = 300;

/** Collects demultiplexed output as lines, keeping the order the engine sent them in. */
class LineCollector {
  readonly lines: LogLine[] = [];
  private readonly pending: Record<LogStream, string> = { stdout: '', stderr: '' };
  private readonly decoders: Record<LogStream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly timestamps: boolean) {}

  /** Bytes of one stream; a character split between two writes is joined. */
  write(stream: LogStream, bytes: Buffer): void {
    const parts = (this.pending[stream] + this.decoders[stream].write(bytes)).split('\n');
    this.pending[stream] = parts.pop() ?? '';
    for (const part of parts) this.add(stream, part);
  }

  finish(): LogLine[] {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream] + this.decoders[stream].end();
      this.pending[stream] = '';
      if (rest) this.add(stream, rest);
    }
    return this.lines;
  }

  private add(stream: LogStream, raw: string): void {
    // A TTY turns "\n" into "\r\n".
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.timestamps) {
      const space = line.indexOf(' ');
      if (space > 0) {
        this.lines.push({ stream, text: line.slice(space + 1), time: line.slice(0, space) });
        return;
      }
    }
    this.lines.push({ stream, text: line });
  }
}

/**
 * Splits the engine's log output: multiplexed frames (stream type, 3 zero bytes, big-endian
 * length, payload), or one raw stream for a TTY container. In one pass over the buffer (the
 * modem's demuxStream copies the rest of its buffer for every frame: quadratic on a large log).
 * A last frame cut short (a log read up to a cap) keeps what was read of it; bytes that are not a
 * frame are stdout, as the modem treats them.
 */
export function splitLogOutput(output: Buffer, tty: boolean, timestamps: boolean): LogLine[] {
  const collector = new LineCollector(timestamps);
  if (tty) {
    collector.write('stdout', output);
    return collector.finish();
  }
  let at = 0;
  while (at + 8 <= output.length) {
    const type = output[at];
    if (type !== 0 && type !== 1 && type !== 2) break;
    const end = at + 8 + output.readUInt32BE(at + 4);
    collector.write(type === 2 ? 'stderr' : 'stdout', output.subarray(at + 8, Math.min(end, output.length)));
    at = end;
  }
  if (at < output.length) collector.write('stdout', output.subarray(at));
  return collector.finish();
}

/** The end of the log, as much as fits a chat message, and how many lines were left out. */
export function tailForReply(lines: readonly LogLine[]): { text: string; omitted: number } {
  const shown: string[] = [];
  let chars = 0;
  for (let i = lines.length - 1; i >= 0 && shown.length < REPLY_MAX_LINES; i--) {
    const line = lines[i] as LogLine;
    const rendered = [...(line.time ? `${line.time} ${line.text}` : line.text)];
    const clipped = rendered.length > REPLY_MAX_LINE_CHARS ? `${rendered.slice(0, REPLY_MAX_LINE_CHARS - 1).join('')}…` : rendered.join('');
    if (shown.length > 0 && chars + clipped.length + 1 > REPLY_MAX_CHARS) break;
    shown.unshift(clipped);
    chars += clipped.length + 1;
  }
  return { text: shown.join('\n'), omitted: lines.length - shown.length };
}

function timeOption(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const timestamp = engineTimestamp(value);
  if (timestamp === undefined) {
    throw new UserError('usage', `invalid value "${value}" for --${flag}`, {
      hint: 'use a duration (10m, 1h30m), a time (2024-05-01T10:00:00Z, 2024-05-01) or a Unix timestamp',
    });
  }
  return timestamp;
}

/** --tail as given, or DEFAULT_TAIL when it was not. */
export function tailOption(value: string | undefined): number | 'all' {
  if (value === undefined) return DEFAULT_TAIL;
  if (value === 'all') return 'all';
  if (!/^\d+$/.test(value)) {
    throw new UserError('usage', `invalid value "${value}" for --tail: a number of lines or "all" is expected`);
  }
  return Number(value);
}

/** Reads the stream until it ends or `max` bytes were read; then it stops reading and closes it. */
export async function readCapped(stream: Readable, max: number): Promise<{ output: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    if (size + bytes.length > max) {
      chunks.push(bytes.subarray(0, max - size));
      stream.destroy();
      return { output: Buffer.concat(chunks), cut: true };
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  return { output: Buffer.concat(chunks), cut: false };
}

/** `GET /containers/{id}/logs` as a stream, so that no more than MAX_LOG_BYTES of it is ever held. */
async function logStream(engine: Dockerode, id: string, options: Record<string, unknown>): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    engine.modem.dial(
      {
        path: `/containers/${id}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options,
      },
      (err, res) => (err ? reject(err as Error) : resolve(res as IncomingMessage)),
    );
  });
}

export const logs = defineCommand({
  name: 'logs',
  aliases: ['container logs'],
  summary: 'Fetch the logs of a container',
  options: [
    {
      name: 'tail',
      short: 'n',
      type: 'string',
      placeholder: 'string',
      // Discord caps option descriptions at 100 characters.
      description: `Number of lines to show from the end of the logs, or "all" (default ${DEFAULT_TAIL}; reads ${bytesSize(MAX_LOG_BYTES)} at most)`,
    },
    { name: 'since', type: 'string', placeholder: 'string', description: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'until', type: 'string', placeholder: 'string', description: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'timestamps', short: 't', type: 'boolean', description: 'Show timestamps' },
  ],
  positionals: [{ name: 'container', description: 'Container name or ID', required: true, complete: 'container' }],
  access: 'read',
  async run(ctx) {
    const { args } = ctx;
    const tail = tailOption(args.string('tail'));
    const since = timeOption('since', args.string('since'));
    const until = timeOption('until', args.string('until'));
    const timestamps = args.bool('timestamps');
    const engine = ctx.services.docker.engine;
    // Like the CLI: inspect first, since only the container's TTY setting says whether the
    // output is multiplexed (and a missing container fails here with its name).
    const container = engine.getContainer(args.positional(0) as string);
    const info = await container.inspect();
    const name = info.Name.replace(/^\//, '');
    const stream = await logStream(engine, info.Id, {
      follow: false,
      stdout: true,
      stderr: true,
      timestamps,
      ...(tail === 'all' ? {} : { tail }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    }).catch((err: unknown) => {
      // 501: the container's logging driver (none, syslog, ...) keeps nothing the engine can read back.
      if (statusCode(err) !== 501) throw err;
      throw new UserError('invalid_argument', `the logs of \`${name}\` cannot be read: its logging driver is ${info.HostConfig?.LogConfig?.Type || 'unknown'}`, {
        hint: 'the engine can read back logs of the json-file, local and journald drivers',
        cause: err,
      });
    });
    const { output, cut } = await readCapped(stream, MAX_LOG_BYTES);
    const lines = splitLogOutput(output, info.Config.Tty, timestamps);
    const data: LogsData = { container: name, lines, tail, cut };
    const tailDefaulted = args.string('tail') === undefined;

    const footer: Block[] = [];
    if (cut) {
      const range = tail === 'all' ? 'the log' : `the last ${tail} lines`;
      footer.push(context(`cut: only the first ${bytesSize(MAX_LOG_BYTES)} of ${range} were read, so what is shown stops there; use a smaller --tail or --since/--until to choose`));
    } else if (tailDefaulted && lines.length >= DEFAULT_TAIL) {
      footer.push(context(`the last ${DEFAULT_TAIL} lines: the default without --tail (--tail all for the whole log)`));
    }
    if (lines.length === 0) {
      return { ok: true, data, reply: reply([text(`No log output from \`${name}\`${(tail === 'all' || tailDefaulted) && !since && !until ? '' : ' in that range'}.`)], { title: `logs ${name}` }) };
    }
    const { text: shown, omitted } = tailForReply(lines);
    const blocks: Block[] = [{ type: 'code', text: shown, keep: 'tail' }, ...footer];
    if (omitted > 0) blocks.unshift(context(`… ${plural(omitted, 'more line')} above (use --tail or --since to choose)`));
    return { ok: true, data, reply: reply(blocks, { title: `logs ${name}` }) };
  },
});
