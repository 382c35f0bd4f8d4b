// `npm run bench`: every figure is measured against a baseline in the same run, printed as JSON.
// Needs an engine meant for tests: a private dockerd (as root) or DOCKBOT_TEST_DOCKER_HOST.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { connectionOptions } from '../src/docker/host.js';
import { createApp } from '../src/main.js';
import { packageRoot } from '../src/paths.js';
import { BUSYBOX_TAG, startPrivateEngine, type PrivateEngine } from '../test/support/private-engine.js';
import { benchRunDetached } from './container.js';
import { benchDiscord } from './discord.js';
import { benchFaq } from './faq.js';
import { benchFuzz } from './fuzz.js';
import { benchNotify } from './notify.js';
import { benchPull } from './pull.js';
import { benchSlack } from './slack.js';
import { benchStartup } from './startup.js';
import { benchSwarmScale } from './swarm.js';
import { interleaved, median, round } from './stats.js';

const run = promisify(execFile);
const BENCH_LABEL = 'dockbot.bench=ps';

async function seedContainers(engine: Dockerode, count: number, running: number): Promise<void> {
  const existing = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [BENCH_LABEL] }) });
  for (let i = existing.length; i < count; i++) {
    const c = await engine.createContainer({
      Image: BUSYBOX_TAG,
      Cmd: ['sleep', '3600'],
      name: `bench-${i}`,
      Labels: { 'dockbot.bench': 'ps', index: String(i) },
      HostConfig: { NetworkMode: 'none' },
    });
    if (i < running) await c.start();
  }
}

async function removeBenchContainers(engine: Dockerode): Promise<void> {
  const made = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [BENCH_LABEL] }) });
  await Promise.all(made.map((c) => engine.getContainer(c.Id).remove({ force: true })));
}

async function benchPs(dockerHost: string): Promise<Record<string, number>> {
  const engine = new Dockerode(connectionOptions(dockerHost));
  await seedContainers(engine, 200, 50);
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'dockbot-bench-')) });
  const { dispatcher } = createApp(config, pino({ level: 'silent' }));
  const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };
  let seq = 0;
  // Warm both paths (connection pool, JIT) before measuring.
  for (let i = 0; i < 5; i++) {
    await engine.listContainers({ all: true });
    await dispatcher.handle({ id: `w${i}`, text: 'ps -a', requester });
  }
  const inProcess = await interleaved(
    40,
    () => dispatcher.handle({ id: `b${++seq}`, text: 'ps -a', requester }),
    () => engine.listContainers({ all: true }),
  );

  const env = { ...process.env, DOCKER_HOST: dockerHost, LOG_LEVEL: 'warn', DOCKBOT_DATA_DIR: config.dataDir };
  const bin = join(packageRoot, 'bin', 'dockbot.js');
  const cold = await interleaved(
    10,
    () => run(process.execPath, [bin, 'exec', '/docker ps'], { env }),
    () => run('docker', ['ps'], { env }),
  );
  return {
    containers: (await engine.listContainers({ all: true })).length,
    ps_dispatcher_median_ms: round(median(inProcess.a)),
    ps_raw_dockerode_median_ms: round(median(inProcess.b)),
    ps_overhead_ratio: round(median(inProcess.a) / median(inProcess.b)),
    cold_exec_median_ms: round(median(cold.a)),
    cold_docker_cli_median_ms: round(median(cold.b)),
    cold_exec_vs_cli_ratio: round(median(cold.a) / median(cold.b)),
  };
}

async function main(): Promise<void> {
  let privateEngine: PrivateEngine | undefined;
  const named = process.env.DOCKBOT_TEST_DOCKER_HOST;
  const dockerHost = named ?? (privateEngine = await startPrivateEngine()).dockerHost;
  const registry = privateEngine?.registry ?? process.env.DOCKBOT_TEST_REGISTRY ?? '';
  try {
    const parts: Record<string, () => Promise<unknown>> = {
      faq: () => benchFaq(),
      ps: () => benchPs(dockerHost),
      run: () => benchRunDetached(dockerHost),
      pull: async () => (registry ? benchPull({ dockerHost, registry, busybox: BUSYBOX_TAG }) : 'skipped: no loopback registry (set DOCKBOT_TEST_REGISTRY)'),
      notify: () => benchNotify(dockerHost),
      slack: () => benchSlack(dockerHost),
      discord: () => benchDiscord(dockerHost),
      fuzz: () => benchFuzz(dockerHost),
      startup: () => benchStartup(dockerHost),
      swarm: () => benchSwarmScale(),
    };
    // DOCKBOT_BENCH=fuzz,ps runs only those parts (all by default).
    const only = process.env.DOCKBOT_BENCH?.split(',').map((p) => p.trim());
    const results: Record<string, unknown> = { node: process.version };
    for (const [name, part] of Object.entries(parts)) if (!only || only.includes(name)) results[name] = await part();
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    const fuzz = results.fuzz as { crashes: number; internal: number; over_deadline: number; stray_process_errors: number } | undefined;
    if (fuzz && (fuzz.crashes || fuzz.internal || fuzz.over_deadline || fuzz.stray_process_errors)) process.exitCode = 1;
  } finally {
    // A private engine goes away whole; on an engine you named, remove what the bench made.
    if (privateEngine) await privateEngine.stop();
    else await removeBenchContainers(new Dockerode(connectionOptions(dockerHost)));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
