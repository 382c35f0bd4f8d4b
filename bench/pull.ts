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
  /** Pulls per path for the timing comparison (alternated, medians reported). */
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
async function rawPull(engine: Dockerode, name: string, tag: string): Promise<void> {
  const stream = await engine.createImage({ fromImage: name, tag });
  for await (const chunk of stream) void chunk;
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
  const rounds = options.rounds ?? 5;
  const engine = new Dockerode(connectionOptions(target.dockerHost));
  const repository = `${target.registry}/dockbot-bench/layers`;
  const tag = String(layers);
  const image = `${repository}:${tag}`;
  await pushManyLayerImage(target.dockerHost, target.busybox, image, layers, layerBytes, 'dockbot.bench=pull');

  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-pull-'));
  const config = loadConfig({ DOCKER_HOST: target.dockerHost, DOCKBOT_DATA_DIR: dataDir }, dataDir);
  const { dispatcher } = createApp(config, pino({ level: 'silent' }));
  const requester = { platform: 'shell', userId: 'bench' };
  let seq = 0;

  const viaDispatcher = async (name: string): Promise<ProgressTrace> => {
    const updates: number[] = [];
    const started = performance.now();
    const outcome = await dispatcher.handle({ id: `bench-pull-${++seq}`, text: `pull ${name}`, requester }, { onProgress: () => void updates.push(performance.now()) });
    if (!outcome.ok) throw new Error(`pull through the dispatcher failed: ${outcome.error?.message ?? 'unknown'}`);
    return { ms: performance.now() - started, updates: updates.map((t) => t - started) };
  };

  const dispatcherMs: number[] = [];
  const rawMs: number[] = [];
  const traces: ProgressTrace[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      await removeIfPresent(engine, image);
      const rawStart = performance.now();
      await rawPull(engine, repository, tag);
      rawMs.push(performance.now() - rawStart);
      await removeIfPresent(engine, image);
      const trace = await viaDispatcher(image);
      dispatcherMs.push(trace.ms);
      traces.push(trace);
    }
    await removeIfPresent(engine, image);

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
    const updatesPerSecond = (t: ProgressTrace): number => t.updates.length / Math.max(t.ms / 1000, 1);
    return {
      image_layers: layers,
      image_bytes: layers * layerBytes,
      pull_dispatcher_median_ms: round(median(dispatcherMs)),
      pull_raw_dockerode_median_ms: round(median(rawMs)),
      pull_overhead_ratio: round(median(dispatcherMs) / median(rawMs)),
      throttled_pull_ms: round(slow.ms),
      throttled_pull_updates: slow.updates.length,
      throttled_pull_updates_per_second: round(updatesPerSecond(slow)),
      max_updates_in_any_second: Math.max(...all.map(maxInAnySecond)),
      min_ms_between_updates: Number.isFinite(Math.min(...all.map(minGap))) ? round(Math.min(...all.map(minGap))) : 'n/a (fewer than two updates)',
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The most updates that fell inside one sliding one-second window. */
function maxInAnySecond(trace: ProgressTrace): number {
  let best = 0;
  for (let i = 0; i < trace.updates.length; i++) {
    const start = trace.updates[i] as number;
    best = Math.max(best, trace.updates.filter((t) => t >= start && t < start + 1000).length);
  }
  return best;
}

function minGap(trace: ProgressTrace): number {
  let gap = Infinity;
  for (let i = 1; i < trace.updates.length; i++) gap = Math.min(gap, (trace.updates[i] as number) - (trace.updates[i - 1] as number));
  return gap;
}
