// Command lines generated from the commands' own option specs: random flags and values, quoting,
// unicode, huge and negative numbers, path characters, unknown flags and aliases. Seeded, so a
// failing line can be replayed. Changing commands are always `--dry-run` or stop at their
// confirmation (chat requests are never pre-confirmed), so nothing is changed on the engine.
import type { Command, OptionSpec } from '../../src/core/command.js';

/** mulberry32: small, fast, good enough to spread lines; the same seed gives the same lines. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES = [
  '',
  ' ',
  '.',
  '..',
  '/',
  '../../version?',
  'NAME/logs?tail=1&',
  '%2e%2e',
  '?',
  '#',
  '&',
  'a\u0000b',
  'a b',
  '🐳',
  '镜像',
  'ｆｕｌｌｗｉｄｔｈ',
  '\u202eevil',
  '; rm -rf /',
  '$(id)',
  '`id`',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '-99999999999999',
  'NaN',
  '0x10',
  '1.5',
  'all',
  'busybox',
  'busybox:latest',
  '127.0.0.1:5000/library/busybox:1',
  'UPPER/Case',
  'a@sha256:' + '0'.repeat(64),
  'sha256:' + 'f'.repeat(64),
  'deadbeef',
  'web',
  '/web',
  'name=web',
  'status=exited',
  'dangling=true',
  'label=a=b',
  'until=24h',
  'reference=busy*',
  '8080:80',
  '0:0',
  '65536:80',
  '127.0.0.1:1-70000:80/udp',
  'KEY=value',
  '=x',
  '/etc:/x',
  '/srv/shared/root:/host',
  'vol:/data:ro',
  'host',
  'container:web',
  'seccomp=unconfined',
  'on-failure:-1',
  '512m',
  '-5g',
  '2013-01-02T13:23:37Z',
  '42m',
  'x'.repeat(300),
  'x'.repeat(5000),
  '\\',
  '"',
  "'",
  '--',
  '-',
];

/** Names that exist on the test engine (see the fuzz test) or plausibly could. */
const CONTAINERS = ['fuzz-web', 'fuzz-idle', 'web', 'fuzz-missing', '/fuzz-web'];
const IMAGES = ['busybox', 'dockbot-test/busybox:1', 'busybox:latest', '127.0.0.1:5000/library/busybox:1', 'deadbeef', 'alpine:3'];

const UNKNOWN_FLAGS = ['--bogus', '-Z', '--all=maybe', '--no-such-thing=1', '---a', '-', '--', '--tail=', '-aqz', '--filter'];
const NEAR_MISSES = ['pul', 'imagse', 'contianer prune', 'rmi', 'lgos', 'what is a registry', '镜像和容器有什么区别?', 'psa', 'docker', '/docker', ''];

/** A value, sometimes quoted, sometimes badly. */
function quoted(value: string, random: () => number): string {
  const r = random();
  if (r < 0.45) return `'${value.replace(/'/g, `'\\''`)}'`;
  if (r < 0.7) return `"${value.replace(/["\\$`]/g, '\\$&')}"`;
  if (r < 0.72) return `"${value}`; // unbalanced
  return /^[\w./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function flagToken(option: OptionSpec, random: () => number): string[] {
  const name = option.short && random() < 0.4 ? `-${option.short}` : `--${option.name}`;
  if (option.type === 'boolean') return [name];
  const value = option.type === 'number' && random() < 0.5 ? pick(['-1', '0', '1e309', '99999999999999999999', '2.5', 'x'], random) : pick(VALUES, random);
  if (name.startsWith('--') && random() < 0.3) return [`${name}=${quoted(value, random)}`];
  return random() < 0.1 ? [name] : [name, quoted(value, random)];
}

export interface FuzzLine {
  text: string;
  command: string | null;
}

/** A generator of command lines over these commands. */
export function lineGenerator(commands: readonly Command[], seed: number): () => FuzzLine {
  const random = seededRandom(seed);
  return () => {
    if (random() < 0.05) return { text: `${pick(NEAR_MISSES, random)} ${random() < 0.5 ? quoted(pick(VALUES, random), random) : ''}`, command: null };
    const command = pick(commands, random);
    const name = command.aliases?.length && random() < 0.3 ? pick(command.aliases, random) : command.name;
    const prefix = pick(['', '', '/docker ', 'docker ', 'DOCKER '], random);
    const tokens: string[] = [];
    // Changes are planned only: a dry run, or (for the confirming ones) a preview nobody confirms.
    // `--dry-run` goes first, before anything `run` would take as the container's command.
    if (command.mutating && (!command.change || random() < 0.5)) tokens.push('--dry-run');
    if (command.freeText) {
      tokens.push(pick(VALUES, random), random() < 0.5 ? pick(VALUES, random) : '');
      return { text: `${prefix}${name} ${tokens.join(' ')}`, command: command.name };
    }
    const count = Math.floor(random() * 4);
    // --dry-run is never generated again; --help stays (it only shows help).
    const options = command.options.filter((o) => o.name !== 'dry-run');
    for (let i = 0; i < count; i++) {
      const r = random();
      if (r < 0.6 && options.length) tokens.push(...flagToken(pick(options, random), random));
      else if (r < 0.68) tokens.push(pick(UNKNOWN_FLAGS, random));
      else if (r < 0.73 && options.some((o) => o.short && o.type === 'boolean')) {
        tokens.push(`-${options.filter((o) => o.short && o.type === 'boolean').map((o) => o.short).join('')}`);
      } else tokens.push(quoted(pick(VALUES, random), random));
    }
    // Positionals as the spec names them: mostly plausible names, sometimes hostile ones.
    for (const p of command.positionals ?? []) {
      if (!p.required && random() < 0.5) continue;
      const plausible = p.complete === 'image' ? IMAGES : p.complete === 'container' ? CONTAINERS : ['ps', 'web', 'busybox', 'image'];
      tokens.push(random() < 0.7 ? pick(plausible, random) : quoted(pick(VALUES, random), random));
      if (p.variadic && random() < 0.3) tokens.push(pick(plausible, random));
    }
    return { text: `${prefix}${name} ${tokens.join(' ')}`.trimEnd(), command: command.name };
  };
}

export interface FuzzRequester {
  platform: string;
  userId: string;
  groups?: string[];
  channelId?: string;
}

export interface FuzzStats {
  lines: number;
  /** `ok`, or the error code, per line. */
  codes: Record<string, number>;
  /** handle() threw instead of answering: must stay 0. */
  crashes: number;
  /** Lines that took longer than the deadline: must stay 0. */
  overDeadline: number;
  slowest: { text: string; ms: number };
  /** The first line seen for each answer code: what the lines reached. */
  examples: Record<string, string>;
  /** The first few lines answered `internal` or that crashed, to replay. */
  failures: Array<{ text: string; code: string; message: string }>;
  elapsedMs: number;
}

interface Handler {
  handle(request: { id: string; text: string; requester: FuzzRequester }): Promise<{ ok: boolean; error?: { code: string; message: string } }>;
}

/** Runs `count` generated lines through the dispatcher, one at a time, alternating the requesters. */
export async function runFuzz(dispatcher: Handler, next: () => FuzzLine, count: number, requesters: readonly FuzzRequester[], deadlineMs: number): Promise<FuzzStats> {
  const stats: FuzzStats = { lines: 0, codes: {}, crashes: 0, overDeadline: 0, slowest: { text: '', ms: 0 }, examples: {}, failures: [], elapsedMs: 0 };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const line = next();
    const requester = requesters[i % requesters.length] as FuzzRequester;
    const t0 = performance.now();
    let code: string;
    let message = '';
    try {
      const outcome = await dispatcher.handle({ id: `fuzz-${i}`, text: line.text, requester });
      code = outcome.ok ? 'ok' : (outcome.error?.code ?? 'error');
      message = outcome.error?.message ?? '';
    } catch (err) {
      stats.crashes++;
      code = 'crash';
      message = (err as Error)?.stack ?? String(err);
    }
    const ms = performance.now() - t0;
    stats.lines++;
    stats.codes[code] = (stats.codes[code] ?? 0) + 1;
    stats.examples[code] ??= `${line.text} -> ${message}`.slice(0, 300);
    if (ms > deadlineMs) stats.overDeadline++;
    if (ms > stats.slowest.ms) stats.slowest = { text: line.text, ms: Math.round(ms * 10) / 10 };
    if ((code === 'internal' || code === 'crash') && stats.failures.length < 20) stats.failures.push({ text: line.text, code, message });
  }
  stats.elapsedMs = performance.now() - started;
  return stats;
}
