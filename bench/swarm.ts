// Time for `service scale NAME=3` (from 1) to converge through the dispatcher (send the update,
// watch the tasks until 3 run) vs the same update through dockerode polling the tasks every
// 100 ms, alternating the two, on a private Swarm engine of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { connectionOptions } from '../src/docker/host.js';
import { createApp } from '../src/main.js';
import { startSwarmEngine } from '../test/support/swarm-engine.js';
import { median, round, timeMs } from './stats.js';

const SERVICE = 'bench-web';

export async function benchSwarmScale(rounds = 5): Promise<Record<string, number>> {
  const swarm = await startSwarmEngine();
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-swarm-'));
  try {
    await swarm.createService(SERVICE, ['--replicas', '1']);
    const engine = new Dockerode(connectionOptions(swarm.dockerHost));
    const { dispatcher } = createApp(loadConfig({ DOCKER_HOST: swarm.dockerHost, DOCKBOT_DATA_DIR: dataDir }, dataDir), pino({ level: 'silent' }));
    const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };
    const running = async (): Promise<number> =>
      ((await engine.listTasks({ filters: JSON.stringify({ service: [SERVICE], 'desired-state': ['running'] }) })) as Array<{ Status: { State: string } }>).filter((t) => t.Status.State === 'running').length;
    const scaleDirectly = async (replicas: number): Promise<void> => {
      const s = (await engine.getService(SERVICE).inspect()) as { Version: { Index: number }; Spec: Dockerode.ServiceSpec };
      await engine.getService(SERVICE).update({ _query: { version: s.Version.Index }, _body: { ...s.Spec, Mode: { Replicated: { Replicas: replicas } } } });
      while ((await running()) !== replicas) await new Promise((r) => setTimeout(r, 100));
    };
    const bot: number[] = [];
    const direct: number[] = [];
    let seq = 0;
    for (let i = 0; i < rounds; i++) {
      await scaleDirectly(1);
      bot.push(
        await timeMs(async () => {
          const outcome = await dispatcher.handle({ id: `bench-scale-${++seq}`, text: `service scale ${SERVICE}=3`, requester, confirmed: true });
          if (!outcome.ok) throw new Error(`service scale failed in the benchmark: ${JSON.stringify(outcome.error ?? outcome.data)}`);
        }),
      );
      await scaleDirectly(1);
      direct.push(await timeMs(() => scaleDirectly(3)));
    }
    return {
      rounds,
      scale_1_to_3_bot_median_ms: round(median(bot)),
      scale_1_to_3_dockerode_polling_median_ms: round(median(direct)),
      scale_overhead_ratio: round(median(bot) / median(direct)),
    };
  } finally {
    await swarm.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
