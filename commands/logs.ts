import { PassThrough, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { code, context, plural, reply, text } from '../src/core/reply.js';
import { engineTimestamp } from '../src/docker/timestamp.js';

// --since/--until are read as Docker reads them, by the same parser as the prunes' until=.
export { engineTimestamp };

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  text: string;
  /** RFC3339Nano, as the engine stamps it (with -t/--timestamps). */
  time?: string;
}

export interface LogsData {
  container: string;
  lines: LogLine[];
}

/** How much of the log a chat reply shows; `data` always has every line. */
const REPLY_MAX_LINES = 40;
const REPLY_MAX_CHARS = 2800;
const REPLY_MAX_LINE_CHARS = 300;

/** Collects demultiplexed output as lines, keeping the order the engine sent them in. */
class LineCollector {
  readonly lines: LogLine[] = [];
  private readonly pending: Record<LogStream, string> = { stdout: '', stderr: '' };
  private readonly decoders: Record<LogStream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly timestamps: boolean) {}

  sink(stream: LogStream): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.push(stream, this.decoders[stream].write(chunk));
        done();
      },
    });
  }

  push(stream: LogStream, chunk: string): void {
    const parts = (this.pending[stream] + chunk).split('\n');
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

/** Splits the engine's log output: multiplexed frames, or one raw stream for a TTY container. */
export async function splitLogOutput(output: Buffer, tty: boolean, timestamps: boolean, modem: Dockerode['modem']): Promise<LogLine[]> {
  const collector = new LineCollector(timestamps);
  if (tty) {
    collector.push('stdout', output.toString('utf8'));
    return collector.finish();
  }
  const source = new PassThrough();
  const ended = new Promise<void>((resolve, reject) => {
    source.once('end', resolve);
    source.once('error', reject);
  });
  modem.demuxStream(source, collector.sink('stdout'), collector.sink('stderr'));
  source.end(output);
  await ended;
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

function tailOption(value: string | undefined): number | undefined {
  if (value === undefined || value === 'all') return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UserError('usage', `invalid value "${value}" for --tail: a number of lines or "all" is expected`);
  }
  return Number(value);
}

export const logs = defineCommand({
  name: 'logs',
  aliases: ['container logs'],
  summary: 'Fetch the logs of a container',
  options: [
    { name: 'tail', short: 'n', type: 'string', placeholder: 'string', description: 'Number of lines to show from the end of the logs (default "all")' },
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
    const output = await container
      .logs({
        follow: false,
        stdout: true,
        stderr: true,
        timestamps,
        ...(tail === undefined ? {} : { tail }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      })
      .catch((err: unknown) => {
        // 501: the container's logging driver (none, syslog, ...) keeps nothing the engine can read back.
        if (typeof err !== 'object' || err === null || (err as { statusCode?: unknown }).statusCode !== 501) throw err;
        throw new UserError('invalid_argument', `the logs of \`${name}\` cannot be read: its logging driver is ${info.HostConfig?.LogConfig?.Type || 'unknown'}`, {
          hint: 'the engine can read back logs of the json-file, local and journald drivers',
          cause: err,
        });
      });
    const lines = await splitLogOutput(output, info.Config.Tty, timestamps, engine.modem);
    const data: LogsData = { container: name, lines };

    if (lines.length === 0) {
      return { ok: true, data, reply: reply([text(`No log output from \`${name}\`${tail === undefined && !since && !until ? '' : ' in that range'}.`)], { title: `logs ${name}` }) };
    }
    const { text: shown, omitted } = tailForReply(lines);
    const blocks = [code(shown)];
    if (omitted > 0) blocks.unshift(context(`… ${plural(omitted, 'more line')} above (use --tail or --since to choose)`));
    return { ok: true, data, reply: reply(blocks, { title: `logs ${name}` }) };
  },
});
