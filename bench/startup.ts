// Start-up cost and engine isolation, each against a baseline measured in the same run:
// - a cold one-shot `dockbot exec "/docker ps"` vs a bare `node -e 0` and vs `docker ps` (goal: at
//   most 2x bare node), and the same without the binary's code cache (a first run);
// - `ps` on two engines while a third does not answer vs `ps` with one engine alone.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import type { Outcome } from '../src/core/dispatcher.js';
import { createApp } from '../src/main.js';
import { packageRoot } from '../src/paths.js';
import { startStandInEngine } from '../test/support/stand-in-engine.js';
import { median, round, timeMs } from './stats.js';

const run = promisify(execFile);
const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };

function expectOk(outcome: Outcome): Outcome {
  if (!outcome.ok) throw new Error(`ps failed in the benchmark: ${JSON.stringify(outcome.error)}`);
  return outcome;
}

/** Cold processes, the three alternated so drift on a busy machine hits all alike. */
async function coldStart(dockerHost: string, dataDir: string, rounds: number): Promise<Record<string, number>> {
  // No DOCKBOT_CONFIG and an empty working directory: no YAML file, as a plain one-shot run.
  const { DOCKBOT_CONFIG: _unused, ...inherited } = process.env;
  // The binary's code cache in a directory of this run; "uncached" points it at a file, so no
  // cache can be read or written: every such run compiles the bundle afresh, as a first run does.
  const env = { ...inherited, DOCKER_HOST: dockerHost, LOG_LEVEL: 'warn', DOCKBOT_DATA_DIR: dataDir, XDG_CACHE_HOME: join(dataDir, 'cache') };
  const noCacheHome = join(dataDir, 'not-a-directory');
  writeFileSync(noCacheHome, '');
  const bin = join(packageRoot, 'bin', 'dockbot.js');
  const exec = (): Promise<unknown> => run(process.execPath, [bin, 'exec', '/docker ps'], { env, cwd: dataDir });
  const uncached = (): Promise<unknown> => run(process.execPath, [bin, 'exec', '/docker ps'], { env: { ...env, XDG_CACHE_HOME: noCacheHome }, cwd: dataDir });
  const bare = (): Promise<unknown> => run(process.execPath, ['-e', '0'], { env });
  const cli = (): Promise<unknown> => run('docker', ['ps'], { env });
  await exec(); // the file cache and the code cache, as after any first run
  const t = { exec: [] as number[], uncached: [] as number[], bare: [] as number[], cli: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    t.exec.push(await timeMs(exec));
    t.bare.push(await timeMs(bare));
    t.cli.push(await timeMs(cli));
    t.uncached.push(await timeMs(uncached));
  }
  return {
    cold_exec_median_ms: round(median(t.exec), 1),
    bare_node_median_ms: round(median(t.bare), 1),
    docker_cli_median_ms: round(median(t.cli), 1),
    cold_exec_vs_bare_node_ratio: round(median(t.exec) / median(t.bare)),
    cold_exec_vs_docker_cli_ratio: round(median(t.exec) / median(t.cli)),
    cold_exec_without_code_cache_median_ms: round(median(t.uncached), 1),
    cold_exec_without_code_cache_vs_bare_node_ratio: round(median(t.uncached) / median(t.bare)),
  };
}

/**
 * `ps` on "a" and "b" (two engine entries, two connections, to the bench engine) while "dead"
 * (a socket that accepts and never answers, 1 s deadline) is asked at the same time, vs `ps` in a
 * setup with the one engine alone. Goal: the dead engine adds nothing to the others.
 */
async function isolation(dockerHost: string, dataDir: string, rounds: number): Promise<Record<string, number>> {
  const dead = await startStandInEngine();
  dead.behave(() => true);
  try {
    const file = join(dataDir, 'engines.yaml');
    writeFileSync(file, `engines:\n  a: { host: "${dockerHost}" }\n  b: { host: "${dockerHost}" }\n  dead: { host: "${dead.dockerHost}", timeoutSeconds: 1 }\n`);
    const several = createApp(loadConfig({ DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: dataDir }, dataDir), pino({ level: 'silent' })).dispatcher;
    const alone = createApp(loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dataDir }, dataDir), pino({ level: 'silent' })).dispatcher;
    let seq = 0;
    const ps = (d: typeof alone, host?: string) => d.handle({ id: `iso-${++seq}`, text: host ? `ps --host ${host}` : 'ps', requester });
    for (let i = 0; i < 3; i++) {
      expectOk(await ps(alone));
      expectOk(await ps(several, 'a'));
      expectOk(await ps(several, 'b'));
    }
    const t = { good: [] as number[], goodNoDead: [] as number[], dead: [] as number[], alone: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      t.goodNoDead.push(await timeMs(() => Promise.all([ps(several, 'a').then(expectOk), ps(several, 'b').then(expectOk)])));
      const started = performance.now();
      const deadAnswer = ps(several, 'dead').then((o) => (t.dead.push(performance.now() - started), o));
      await Promise.all([ps(several, 'a').then(expectOk), ps(several, 'b').then(expectOk)]);
      t.good.push(performance.now() - started);
      if ((await deadAnswer).error?.code !== 'engine_error') throw new Error('the dead engine answered in the benchmark');
      t.alone.push(await timeMs(async () => expectOk(await ps(alone))));
    }
    return {
      two_good_engines_while_one_hangs_median_ms: round(median(t.good), 1),
      one_engine_alone_median_ms: round(median(t.alone), 1),
      two_good_vs_alone_ratio: round(median(t.good) / median(t.alone)),
      two_good_engines_nothing_hung_median_ms: round(median(t.goodNoDead), 1),
      two_good_hung_vs_nothing_hung_ratio: round(median(t.good) / median(t.goodNoDead)),
      hung_engine_answer_median_ms: round(median(t.dead), 1),
      hung_engine_deadline_ms: 1000,
    };
  } finally {
    await dead.close();
  }
}

export async function benchStartup(dockerHost: string, rounds = 15): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-startup-'));
  try {
    return { cold: await coldStart(dockerHost, dataDir, rounds), engines: await isolation(dockerHost, dataDir, 10) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
