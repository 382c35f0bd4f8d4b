// The fuzzer as a benchmark: at least 100,000 generated command lines through the dispatcher
// against the engine, as an operator and as a viewer in a chat channel. Prints lines/s against
// the raw dockerode `ps` call rate measured in the same run, the count per answer code, the
// slowest line and RSS before and after. Goal: 0 crashes, 0 internal, 0 over the deadline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import { commands } from '../commands/index.js';
import { loadConfig } from '../src/config.js';
import { connectionOptions } from '../src/docker/host.js';
import { createApp } from '../src/main.js';
import { lineGenerator, runFuzz } from '../test/support/fuzz.js';
import { round } from './stats.js';

const operator = { platform: 'slack', userId: 'UBENCHOPS', channelId: 'CBENCH' };
const viewer = { platform: 'slack', userId: 'UBENCHVIEW', channelId: 'CBENCH' };
const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export async function benchFuzz(dockerHost: string, lines = Number(process.env.DOCKBOT_FUZZ_LINES ?? 100_000), seed = 20261201): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-fuzz-'));
  const file = join(dataDir, 'dockbot.yaml');
  writeFileSync(file, `roles:\n  operator: ["slack:${operator.userId}"]\n`);
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: dataDir }, dataDir);
  const { dispatcher } = createApp(config, pino({ level: 'silent' }));
  const engine = new Dockerode(connectionOptions(dockerHost));
  const stray: string[] = [];
  const onStray = (err: unknown): void => void stray.push(String((err as Error)?.message ?? err));
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  try {
    // Warm up (knowledge base, connections, JIT), then the baseline: raw `GET /containers/json` calls per second.
    await runFuzz(dispatcher, lineGenerator(commands, seed + 1), 500, [operator, viewer], config.engineTimeoutMs);
    const baselineCalls = 500;
    const t0 = performance.now();
    for (let i = 0; i < baselineCalls; i++) await engine.listContainers({ all: true });
    const rawPerSecond = baselineCalls / ((performance.now() - t0) / 1000);

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const stats = await runFuzz(dispatcher, lineGenerator(commands, seed), lines, [operator, viewer], config.engineTimeoutMs);
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    const linesPerSecond = stats.lines / (stats.elapsedMs / 1000);
    return {
      lines: stats.lines,
      lines_per_s: round(linesPerSecond, 1),
      raw_dockerode_ps_calls_per_s: round(rawPerSecond, 1),
      lines_vs_raw_ps_ratio: round(linesPerSecond / rawPerSecond),
      crashes: stats.crashes,
      internal: stats.codes.internal ?? 0,
      over_deadline: stats.overDeadline,
      stray_process_errors: stray.length,
      codes: stats.codes,
      slowest_line: stats.slowest,
      rss_before_mib: mib(rssBefore),
      rss_after_mib: mib(rssAfter),
      rss_after_vs_before_ratio: round(rssAfter / rssBefore),
      ...(stats.failures.length ? { failures: stats.failures } : {}),
    };
  } finally {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
