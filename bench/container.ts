// What the dispatcher adds to `run -d` (parse, policy, create, start, inspect, audit) over the
// raw dockerode create+start of the same body, measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import type { Outcome } from '../src/core/dispatcher.js';
import { connectionOptions } from '../src/docker/host.js';
import { createApp } from '../src/main.js';
import { BUSYBOX_TAG } from '../test/support/private-engine.js';
import { interleaved, median, round } from './stats.js';

const BENCH_LABEL_KEY = 'dockbot.bench';
const BENCH_LABEL_VALUE = 'container';

function expectOk(outcome: Outcome): Outcome {
  if (!outcome.ok) throw new Error(`run -d failed in the benchmark: ${JSON.stringify(outcome.error)}`);
  return outcome;
}

async function removeBenchContainers(engine: Dockerode): Promise<void> {
  const list = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [`${BENCH_LABEL_KEY}=${BENCH_LABEL_VALUE}`] }) });
  await Promise.all(list.map((c) => engine.getContainer(c.Id).remove({ force: true })));
}

/**
 * Median time of `run -d IMAGE sleep 60` through the dispatcher vs dockerode's
 * createContainer + start with the very body the dispatcher sends (taken from `run --dry-run`),
 * alternating the two `rounds` times. Containers are removed between rounds, outside the timing.
 */
export async function benchRunDetached(dockerHost: string, rounds = 20, image = BUSYBOX_TAG): Promise<Record<string, number>> {
  const engine = new Dockerode(connectionOptions(dockerHost));
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-run-'));
  try {
    // The policy defaults (no dockbot.yaml in the empty data dir), as a fresh install has them.
    const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dataDir }, dataDir);
    const { dispatcher } = createApp(config, pino({ level: 'silent' }));
    const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };
    const line = `run -d --network none -l ${BENCH_LABEL_KEY}=${BENCH_LABEL_VALUE} ${image} sleep 60`;
    let seq = 0;
    const viaDispatcher = async (): Promise<void> => {
      expectOk(await dispatcher.handle({ id: `bench-run-${++seq}`, text: line, requester }));
    };
    const plan = (expectOk(await dispatcher.handle({ id: 'bench-plan', text: line.replace('run -d', 'run --dry-run -d'), requester })).data as { plan: Dockerode.ContainerCreateOptions }).plan;
    const raw = async (): Promise<void> => {
      const container = await engine.createContainer(plan);
      await container.start();
    };

    await removeBenchContainers(engine);
    // Warm both paths (connection pool, JIT, the engine's image cache) before measuring.
    for (let i = 0; i < 3; i++) {
      await viaDispatcher();
      await raw();
    }
    await removeBenchContainers(engine);

    const timings = { a: [] as number[], b: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      const one = await interleaved(1, viaDispatcher, raw);
      timings.a.push(...one.a);
      timings.b.push(...one.b);
      await removeBenchContainers(engine);
    }
    const dispatcherMs = median(timings.a);
    const rawMs = median(timings.b);
    return {
      rounds,
      run_detached_dispatcher_median_ms: round(dispatcherMs),
      run_detached_raw_dockerode_median_ms: round(rawMs),
      run_detached_overhead_ms: round(dispatcherMs - rawMs),
      run_detached_overhead_ratio: round(dispatcherMs / rawMs),
    };
  } finally {
    await removeBenchContainers(engine).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
