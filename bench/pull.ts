// Pull of a many-layer image from a loopback registry: through the dispatcher (live progress
// to a sink, as a chat message would get it) against a raw dockerode pull, in the same run.
// Also runs one pull through a bandwidth-limited proxy, so the progress throttle is measured
// over a pull that lasts several seconds rather than a fraction of one.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { connectionOptions } from '../src/docker/host.js';
import { createApp } from '../src/main.js';
import { liveOnlySink } from '../src/core/progress.js';
import { progressReply, PullProgress, type PullEvent } from '../src/docker/pull.js';
import { median, round } from './stats.js';

const run = promisify(execFile);

export interface PullBenchTarget {
  /** The engine to pull into (a test engine: images are built, pulled and removed). */
  dockerHost: string;
  /** host:port of a loopback registry the engine can push to and pull from. */
  registry: string;
  /** A local base image with a shell (`head`, `/dev/urandom`), e.g. dockbot-test/busybox:1. */
  busybox: string;
}

export interface PullBenchOptions {
  /** Layers of the image, each of random (incompressible) bytes. */
  layers?: number;
  layerBytes?: number;
  /** Pulls per path for the timing comparison (alternating which goes first; medians reported). */
  rounds?: number;
  /** Bandwidth of the proxy for the throttle measurement. */
  throttledBytesPerSecond?: number;
}

/** A registry reached through a proxy that sends blobs at a fixed rate (per download). */
export interface ThrottledRegistry {
  /** host:port to pull from instead of the registry's own. */
  address: string;
  close(): Promise<void>;
}

class Throttle extends Transform {
  private sent = 0;
  private readonly started = Date.now();

  constructor(private readonly bytesPerSecond: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    void this.pace(chunk).then(() => done(), done);
  }

  private async pace(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; at += 16 * 1024) {
      const piece = chunk.subarray(at, at + 16 * 1024);
      this.sent += piece.length;
      const wait = this.started + (this.sent / this.bytesPerSecond) * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.push(piece);
    }
  }
}

/** Loopback proxy in front of `registry` that slows blob downloads to `bytesPerSecond` each. */
export async function throttledRegistry(registry: string, bytesPerSecond: number): Promise<ThrottledRegistry> {
  const [host, port] = registry.split(':') as [string, string];
  const server = createServer((req, res) => {
    const headers: IncomingHttpHeaders = { ...req.headers, host: registry };
    const upstream = request({ host, port: Number(port), path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const slow = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
      (slow ? answer.pipe(new Throttle(bytesPerSecond)) : answer).pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    address,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Builds an image of `layers` RUN layers of random bytes on `base`, pushes it, removes it locally. */
export async function pushManyLayerImage(dockerHost: string, base: string, name: string, layers: number, layerBytes: number, label: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-layers-'));
  const env = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(dir, 'docker-config') };
  try {
    const steps = Array.from({ length: layers }, (_, i) => `RUN head -c ${layerBytes} /dev/urandom > /layer-${i}`);
    writeFileSync(join(dir, 'Dockerfile'), [`FROM ${base}`, ...steps].join('\n') + '\n');
    await run('docker', ['build', '-q', '--label', label, '-t', name, dir], { env, maxBuffer: 16 * 1024 * 1024 });
    await run('docker', ['push', name], { env, maxBuffer: 16 * 1024 * 1024 });
    await run('docker', ['rmi', name], { env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function removeIfPresent(engine: Dockerode, name: string): Promise<void> {
  try {
    await engine.getImage(name).remove();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}

/** Raw dockerode: the same Engine call with the stream read to its end, no progress handling. */
async function rawPull(engine: Dockerode, name: string, tag: string): Promise<string> {
  const stream = await engine.createImage({ fromImage: name, tag });
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** CPU time of the progress handling alone: the recorded events folded and rendered as during a pull. */
function aggregationMs(recorded: string, title: string): { events: number; ms: number } {
  const events = recorded.split('\n').filter((l) => l.trim());
  const started = performance.now();
  const progress = new PullProgress();
  for (const line of events) if (progress.apply(JSON.parse(line) as PullEvent)) progressReply(title, progress);
  return { events: events.length, ms: performance.now() - started };
}

interface ProgressTrace {
  ms: number;
  updates: number[];
}

/**
 * Pull of a many-layer image from the loopback registry: dispatcher (with a progress sink) vs
 * raw dockerode, alternated, medians; then one pull through a bandwidth-limited proxy that
 * lasts several seconds, counting the progress updates the sink got per second.
 */
export async function benchPull(target: PullBenchTarget, options: PullBenchOptions = {}): Promise<Record<string, number | string>> {
  const layers = options.layers ?? 24;
  const layerBytes = options.layerBytes ?? 512 * 1024;
  const rounds = options.rounds ?? 6;
  const engine = new Dockerode(connectionOptions(target.dockerHost));
  const repository = `${target.registry}/dockbot-bench/layers`;
  const tag = String(layers);
  const image = `${repository}:${tag}`;
  await pushManyLayerImage(target.dockerHost, target.busybox, image, layers, layerBytes, 'dockbot.bench=pull');

  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-pull-'));
  const config = loadConfig({ DOCKER_HOST: target.dockerHost, DOCKBOT_DATA_DIR: dataDir }, dataDir);
  const { dispatcher } = createApp(config, pino({ level: 'silent' }));
  const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };
  let seq = 0;

  const viaDispatcher = async (name: string): Promise<ProgressTrace> => {
    const updates: number[] = [];
    const started = performance.now();
    const outcome = await dispatcher.handle({ id: `bench-pull-${++seq}`, text: `pull ${name}`, requester }, { onProgress: liveOnlySink(() => void updates.push(performance.now())) });
    if (!outcome.ok) throw new Error(`pull through the dispatcher failed: ${outcome.error?.message ?? 'unknown'}`);
    return { ms: performance.now() - started, updates: updates.map((t) => t - started) };
  };

  const dispatcherMs: number[] = [];
  const rawMs: number[] = [];
  const traces: ProgressTrace[] = [];
  let recorded = '';
  const raw = async (): Promise<void> => {
    await removeIfPresent(engine, image);
    const started = performance.now();
    recorded = await rawPull(engine, repository, tag);
    rawMs.push(performance.now() - started);
  };
  const dispatched = async (): Promise<void> => {
    await removeIfPresent(engine, image);
    const trace = await viaDispatcher(image);
    dispatcherMs.push(trace.ms);
    traces.push(trace);
  };
  try {
    // A pull right after a removal is slower while the engine cleans up: alternate who goes first.
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        await raw();
        await dispatched();
      } else {
        await dispatched();
        await raw();
      }
    }
    await removeIfPresent(engine, image);
    const aggregation = aggregationMs(recorded, `Pulling ${image}`);

    const rate = options.throttledBytesPerSecond ?? 1024 * 1024;
    const proxy = await throttledRegistry(target.registry, rate);
    const slowImage = `${proxy.address}/dockbot-bench/layers:${tag}`;
    let slow: ProgressTrace;
    try {
      slow = await viaDispatcher(slowImage);
    } finally {
      await proxy.close();
      await removeIfPresent(engine, slowImage);
    }
    const all = [...traces, slow];
    const gaps = all.flatMap(gapsOf);
    return {
      image_layers: layers,
      image_bytes: layers * layerBytes,
      pull_dispatcher_median_ms: round(median(dispatcherMs)),
      pull_raw_dockerode_median_ms: round(median(rawMs)),
      pull_overhead_ratio: round(median(dispatcherMs) / median(rawMs)),
      progress_events_per_pull: aggregation.events,
      progress_handling_cpu_ms_per_pull: round(aggregation.ms),
      throttled_pull_ms: round(slow.ms),
      throttled_pull_updates: slow.updates.length,
      // Updates after the first, over the time they span: the first goes out at once.
      throttled_pull_updates_per_second: round(updatesPerSecond(slow), 2),
      updates_per_second_max_over_all_pulls: round(Math.max(...all.map(updatesPerSecond)), 2),
      min_ms_between_updates: gaps.length ? round(Math.min(...gaps)) : 'n/a (no pull sent two updates)',
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Milliseconds between consecutive progress updates of one pull. */
function gapsOf(trace: ProgressTrace): number[] {
  return trace.updates.slice(1).map((t, i) => t - (trace.updates[i] as number));
}

/** Updates after the first over the time from the first to the last; 0 with fewer than two. */
function updatesPerSecond(trace: ProgressTrace): number {
  const first = trace.updates[0];
  const last = trace.updates.at(-1);
  if (first === undefined || last === undefined || last === first) return 0;
  return (trace.updates.length - 1) / ((last - first) / 1000);
}
