// Notifications and builds, each figure against a baseline measured in the same run:
// - 10,000 engine events through the watcher (events/s and heap growth) vs reading and parsing
//   the same stream alone;
// - messages per storm of 200 failed exits vs one message per exit;
// - event -> notification latency p50/p99 vs the coalescing window it waits for;
// - a build through the bot vs the same build through dockerode directly.
// The event figures use a stand-in engine on a unix socket (real HTTP through dockerode), so
// the counts are exact and the machine's engine is not the bottleneck.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { EventsWatcher, type WatcherState } from '../src/docker/events.js';
import { connectionOptions } from '../src/docker/host.js';
import { createApp } from '../src/main.js';
import { Notifier, type Notification } from '../src/notify/notifier.js';
import { JsonStateFile } from '../src/store/json-state.js';
import { BUSYBOX_TAG } from '../test/support/private-engine.js';
import { median, percentile, round } from './stats.js';

const log = pino({ level: 'silent' });

/** A stand-in engine: /events streams what `emit` is given; inspect and logs answer for any id. */
class StandInEngine {
  private readonly streams = new Set<ServerResponse>();
  private server: Server | undefined;
  readonly socket: string;

  constructor(dir: string) {
    this.socket = join(dir, 'engine.sock');
  }

  async start(): Promise<Dockerode> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (/\/events$/.test(path)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        this.streams.add(res);
        req.on('close', () => this.streams.delete(res));
        return;
      }
      if (/\/containers\/json$/.test(path)) return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      const inspect = /\/containers\/([^/]+)\/json$/.exec(path);
      if (inspect) {
        const id = inspect[1] as string;
        const body = { Id: id, Name: `/${id}`, State: { Running: false, StartedAt: `2026-01-01T00:00:00.${id.replace(/\D/g, '').padStart(9, '0').slice(-9)}Z`, FinishedAt: new Date().toISOString(), ExitCode: 1, OOMKilled: false }, Config: { Labels: {} } };
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }
      if (/\/logs$/.test(path)) return void res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' }).end();
      res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => this.server!.listen(this.socket, () => resolve()));
    return new Dockerode({ socketPath: this.socket });
  }

  emit(lines: string): void {
    for (const s of this.streams) s.write(lines);
  }

  get connected(): number {
    return this.streams.size;
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.end();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

let nano = BigInt(Date.now()) * 1_000_000n;
function event(id: string, action: string, attributes: Record<string, string> = {}): string {
  nano += 1000n;
  return JSON.stringify({ Type: 'container', Action: action, status: action, id, Actor: { ID: id, Attributes: { name: id, image: 'busybox', ...attributes } }, time: Number(nano / 1_000_000_000n), timeNano: Number(nano) }) + '\n';
}

/** A realistic mix: starts, clean exits, stops (two kills), failures, health checks, removals. */
function eventMix(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const id = `c${i}`;
    out.push(event(id, 'start'));
    switch (i % 5) {
      case 0:
        out.push(event(id, 'die', { exitCode: '0' }));
        break;
      case 1:
        out.push(event(id, 'kill', { signal: 'SIGTERM' }), event(id, 'kill', { signal: 'SIGKILL' }), event(id, 'die', { exitCode: '137' }));
        break;
      case 2:
        out.push(event(id, 'exec_create: sh'), event(id, 'health_status: healthy'));
        break;
      case 3:
        out.push(event(id, 'die', { exitCode: '1' }));
        break;
      default:
        out.push(event(id, 'die', { exitCode: '0' }), event(id, 'destroy'));
    }
  }
  return out.slice(0, count);
}

interface Rig {
  watcher: EventsWatcher;
  messages: Notification[];
  sentAt: number[];
}

function rig(engine: Dockerode, dir: string, options: { quietMs?: number } = {}): Rig {
  const messages: Notification[] = [];
  const sentAt: number[] = [];
  const notifier = new Notifier({ channels: ['slack:CBENCH'], cooldownMs: 60_000, log });
  notifier.register({
    platform: 'slack',
    post: async (_c, _r, n) => {
      messages.push(n);
      sentAt.push(performance.now());
    },
  });
  const watcher = new EventsWatcher({
    engine: () => engine,
    notify: (n) => notifier.notify(n),
    store: new JsonStateFile<WatcherState>(join(mkdtempSync(join(dir, 'w-')), 'state.json')),
    log,
    ...options,
  });
  return { watcher, messages, sentAt };
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench: timed out waiting for the watcher');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const heapMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

async function benchEvents(dir: string): Promise<Record<string, number>> {
  const standIn = new StandInEngine(dir);
  const engine = await standIn.start();
  try {
    const lines = eventMix(10_000);
    const merged = lines.filter((l, i) => !(l.includes('"SIGKILL"') && lines[i - 1]?.includes('"SIGTERM"'))).length;

    // Baseline: read and parse the same stream, nothing else.
    const reader = (await engine.getEvents()) as NodeJS.ReadableStream;
    let parsed = 0;
    let buffer = '';
    reader.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        JSON.parse(buffer.slice(0, nl));
        parsed++;
        buffer = buffer.slice(nl + 1);
      }
    });
    await until(() => standIn.connected === 1);
    let t = performance.now();
    standIn.emit(lines.join(''));
    await until(() => parsed === lines.length);
    const baselineMs = performance.now() - t;
    (reader as unknown as { destroy(): void }).destroy();
    await until(() => standIn.connected === 0);

    // The watcher: the same 10,000 events, in ten slices, heap sampled after each.
    const { watcher, messages } = rig(engine, dir);
    await watcher.start();
    await until(() => standIn.connected === 1);
    const heap: number[] = [];
    t = performance.now();
    for (let slice = 0; slice < 10; slice++) {
      standIn.emit(lines.slice(slice * 1000, (slice + 1) * 1000).join(''));
      await until(() => watcher.stats.events >= Math.min(merged, Math.round(((slice + 1) * merged) / 10)) - 5);
      await watcher.idle();
      heap.push(heapMb());
    }
    await until(() => watcher.stats.events === merged);
    await watcher.idle();
    const watcherMs = performance.now() - t;
    await watcher.flushWindow();
    await watcher.stop();
    return {
      events: lines.length,
      events_counted_after_kill_merge: watcher.stats.events,
      watcher_events_per_second: round((lines.length / watcherMs) * 1000, 0),
      parse_only_events_per_second: round((lines.length / baselineMs) * 1000, 0),
      watcher_vs_parse_only_time_ratio: round(watcherMs / baselineMs, 2),
      heap_after_1000_mb: round(heap[0] as number, 1),
      heap_after_10000_mb: round(heap[9] as number, 1),
      heap_growth_ratio_10k_vs_1k: round((heap[9] as number) / (heap[0] as number), 3),
      messages_for_10000_events: messages.length,
    };
  } finally {
    await standIn.stop();
  }
}

async function benchStormAndLatency(dir: string): Promise<Record<string, number>> {
  const standIn = new StandInEngine(dir);
  const engine = await standIn.start();
  try {
    // A storm: 200 failed exits within a second.
    const storm = rig(engine, dir);
    await storm.watcher.start();
    await until(() => standIn.connected === 1);
    const exits = Array.from({ length: 200 }, (_, i) => event(`storm${i}`, 'die', { exitCode: '2' }));
    for (let i = 0; i < 200; i += 20) {
      standIn.emit(exits.slice(i, i + 20).join(''));
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(() => storm.messages.reduce((n, m) => n + ((m.data as { count?: number }).count ?? 0), 0) >= 200);
    await storm.watcher.flushWindow();
    await storm.watcher.stop();
    const stormMessages = storm.messages.length;

    // Latency: single exits, one at a time, from the moment the engine writes the event.
    const quietMs = 500;
    const single = rig(engine, dir, { quietMs });
    await single.watcher.start();
    await until(() => standIn.connected === 1);
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const before = single.messages.length;
      const written = performance.now();
      standIn.emit(event(`lat${i}`, 'die', { exitCode: '1' }));
      await until(() => single.messages.length > before, 10_000);
      latencies.push((single.sentAt[single.sentAt.length - 1] as number) - written);
    }
    await single.watcher.stop();
    return {
      storm_exits: 200,
      storm_messages: stormMessages,
      storm_messages_vs_one_per_exit_ratio: round(stormMessages / 200, 3),
      latency_samples: latencies.length,
      event_to_notification_p50_ms: round(median(latencies), 1),
      event_to_notification_p99_ms: round(percentile(latencies, 99), 1),
      coalescing_quiet_ms: quietMs,
      latency_p99_vs_quiet_window_ratio: round(percentile(latencies, 99) / quietMs, 3),
    };
  } finally {
    await standIn.stop();
  }
}

/**
 * Event -> notification latency through the app's own wiring (one watcher per engine): one
 * engine alone, then each of two engines while both emit, then one engine while a configured
 * second engine never answers (its socket accepts and stays silent).
 */
async function benchEngines(dir: string, samples = 20): Promise<Record<string, number>> {
  const first = new StandInEngine(mkdtempSync(join(dir, 'e1-')));
  const second = new StandInEngine(mkdtempSync(join(dir, 'e2-')));
  const silent = createServer(() => undefined);
  const silentSocket = join(mkdtempSync(join(dir, 'e3-')), 'silent.sock');
  await first.start();
  await second.start();
  await new Promise<void>((r) => silent.listen(silentSocket, () => r()));
  const appWith = (engines: Record<string, string>) => {
    const yaml = `engines:\n${Object.entries(engines)
      .map(([name, socket]) => `  ${name}: { host: "unix://${socket}", timeoutSeconds: 2 }`)
      .join('\n')}\nnotifications:\n  channels: ["slack:CBENCH"]\n  cooldownSeconds: 0\n`;
    const file = join(mkdtempSync(join(dir, 'cfg-')), 'dockbot.yaml');
    writeFileSync(file, yaml);
    const app = createApp(loadConfig({ DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: mkdtempSync(join(dir, 'data-')) }, dir), log);
    const sentAt = new Map<string, number>();
    app.notifications.notifier.register({ platform: 'slack', post: async (_c, _r, n) => void sentAt.set(((n.data as { containers?: string[] }).containers ?? [])[0] ?? '', performance.now()) });
    return { app, sentAt };
  };
  // One exit at a time on each named stand-in; the latency of each from the moment it is written.
  const measure = async (rig: ReturnType<typeof appWith>, engines: Array<[string, StandInEngine]>, tag: string): Promise<Record<string, number[]>> => {
    const out: Record<string, number[]> = Object.fromEntries(engines.map(([n]) => [n, []]));
    for (let i = 0; i < samples; i++) {
      const written: Record<string, number> = {};
      for (const [name, standIn] of engines) {
        const id = `${tag}${name}${i}`;
        written[name] = performance.now();
        standIn.emit(event(id, 'die', { exitCode: '1' }));
      }
      for (const [name] of engines) {
        const id = `${tag}${name}${i}`;
        await until(() => rig.sentAt.has(id), 10_000);
        (out[name] as number[]).push((rig.sentAt.get(id) as number) - (written[name] as number));
      }
    }
    return out;
  };
  try {
    const alone = appWith({ one: first.socket });
    await alone.app.notifications.startWatching();
    await until(() => first.connected === 1);
    const one = (await measure(alone, [['one', first]], 'a')).one as number[];
    await alone.app.notifications.stop();
    await until(() => first.connected === 0);

    const pair = appWith({ one: first.socket, two: second.socket });
    await pair.app.notifications.startWatching();
    await until(() => first.connected === 1 && second.connected === 1);
    const both = await measure(pair, [['one', first], ['two', second]], 'b');
    await pair.app.notifications.stop();
    await until(() => first.connected === 0 && second.connected === 0);

    const withDead = appWith({ one: first.socket, dead: silentSocket });
    void withDead.app.notifications.startWatching();
    await until(() => first.connected === 1);
    const besideDead = (await measure(withDead, [['one', first]], 'c')).one as number[];
    await withDead.app.notifications.stop();

    const p50 = (xs: number[]) => round(median(xs), 1);
    return {
      samples_per_engine: samples,
      one_engine_p50_ms: p50(one),
      two_engines_first_p50_ms: p50(both.one as number[]),
      two_engines_second_p50_ms: p50(both.two as number[]),
      two_engines_vs_one_p50_ratio: round(Math.max(median(both.one as number[]), median(both.two as number[])) / median(one), 3),
      beside_unanswering_engine_p50_ms: p50(besideDead),
      beside_unanswering_vs_one_p50_ratio: round(median(besideDead) / median(one), 3),
    };
  } finally {
    await first.stop();
    await second.stop();
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  }
}

async function benchBuild(dockerHost: string, dir: string, rounds = 5): Promise<Record<string, number>> {
  const engine = new Dockerode(connectionOptions(dockerHost));
  const context = mkdtempSync(join(dir, 'ctx-'));
  writeFileSync(join(context, 'Dockerfile'), `FROM ${BUSYBOX_TAG}\nCOPY data.bin /data.bin\nRUN for i in 1 2 3 4 5; do echo line $i; done\nRUN md5sum /data.bin\n`);
  writeFileSync(join(context, 'data.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: mkdtempSync(join(dir, 'data-')), DOCKBOT_CONFIG: writeYaml(dir, `builds:\n  contexts:\n    bench: ${context}\n`) }, dir);
  const { dispatcher } = createApp(config, log);
  const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };
  let seq = 0;
  const viaBot = async (): Promise<void> => {
    const outcome = await dispatcher.handle({ id: `bench-build-${++seq}`, text: 'build --no-cache -t dockbot-bench/build:bot bench', requester });
    if (!outcome.ok) throw new Error(`build failed in the benchmark: ${JSON.stringify(outcome.data)}`);
  };
  // The same build through dockerode: its own context packing, the same options the bot sends.
  const direct = async (): Promise<void> => {
    const stream = await engine.buildImage(
      { context, src: ['Dockerfile', 'data.bin'] },
      { t: 'dockbot-bench/build:direct', nocache: true, rm: true, forcerm: true, version: '1', memory: 512 * 1024 * 1024, cpuperiod: 100_000, cpuquota: 100_000 },
    );
    await new Promise<void>((resolve, reject) => engine.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => (err ?? out.find((o) => o.error) ? reject(err ?? new Error(JSON.stringify(out))) : resolve())));
  };
  await viaBot();
  await direct();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first so drift hits both alike.
    const order = i % 2 === 0 ? [viaBot, direct] : [direct, viaBot];
    for (const fn of order) {
      const t = performance.now();
      await fn();
      (fn === viaBot ? a : b).push(performance.now() - t);
    }
  }
  await engine.getImage('dockbot-bench/build:bot').remove().catch(() => undefined);
  await engine.getImage('dockbot-bench/build:direct').remove().catch(() => undefined);
  return {
    build_rounds: rounds,
    build_via_bot_median_ms: round(median(a), 1),
    build_via_dockerode_median_ms: round(median(b), 1),
    build_bot_vs_dockerode_ratio: round(median(a) / median(b), 3),
  };
}

function writeYaml(dir: string, yaml: string): string {
  const file = join(dir, 'bench-build.yaml');
  writeFileSync(file, yaml);
  return file;
}

export async function benchNotify(dockerHost: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-bench-notify-'));
  try {
    return {
      watcher: await benchEvents(dir),
      storm: await benchStormAndLatency(dir),
      engines: await benchEngines(dir),
      build: await benchBuild(dockerHost, dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
