// What integration tests use: the engine chosen by the global setup, the Docker CLI on it,
// and the dockbot binary pointed at it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { inject } from 'vitest';
import { connectionOptions } from '../../src/docker/host.js';
import { dockerCli, TEST_LABEL } from './private-engine.js';

const run = promisify(execFile);
export { TEST_LABEL };

export const skipReason = inject('skipReason');
export const dockerHost = inject('dockerHost');
export const registry = inject('registry');
export const busybox = inject('busybox');

export const engine = (): Dockerode => new Dockerode(connectionOptions(dockerHost));

/** The real Docker CLI against the test engine. */
export async function docker(...args: string[]): Promise<string> {
  return (await dockerCli(dockerHost, args)).stdout;
}

export async function dockerJsonLines<T = Record<string, unknown>>(...args: string[]): Promise<T[]> {
  return (await docker(...args, '--format', '{{json .}}'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dockbot.js');

/** The built `dockbot` binary with DOCKER_HOST set to the test engine. */
export async function dockbot(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, DOCKER_HOST: dockerHost, LOG_LEVEL: 'warn', DOCKBOT_DATA_DIR: join(import.meta.dirname, '..', '..', '.dockbot', 'test'), ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export async function dockbotJson<T = Record<string, unknown>>(text: string, flags: string[] = []): Promise<{ code: number; body: T }> {
  const r = await dockbot(['exec', '--json', ...flags, text]);
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  if (lines.length !== 1) throw new Error(`expected one JSON line, got:\n${r.stdout}\n${r.stderr}`);
  return { code: r.code, body: JSON.parse(lines[0] as string) as T };
}

/** Remove every container and non-base image this file created (by its label value). */
export async function cleanup(labelValue: string): Promise<void> {
  const e = engine();
  const containers = await e.listContainers({ all: true, filters: JSON.stringify({ label: [`${TEST_LABEL}=${labelValue}`] }) });
  await Promise.all(containers.map((c) => e.getContainer(c.Id).remove({ force: true, v: true })));
}

export async function waitForStatus(name: string, state: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = await engine().getContainer(name).inspect();
    if (info.State.Status === state) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not reach ${state}`);
}

/**
 * The app in-process against the test engine, for chat users with roles: what a Slack or
 * Discord request goes through, minus the platform.
 */
export async function testApp(yaml = ''): Promise<{ app: import('../../src/main.js').App; dataDir: string }> {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadConfig } = await import('../../src/config.js');
  const { createApp } = await import('../../src/main.js');
  const pino = (await import('pino')).default;
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-app-'));
  const file = join(dataDir, 'dockbot.yaml');
  writeFileSync(file, yaml);
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: dataDir }, dataDir);
  return { app: createApp(config, pino({ level: 'silent' })), dataDir };
}

let requestSeq = 0;
export const chatUser = (userId: string, groups: string[] = []) => ({ platform: 'slack', userId, groups, channelId: 'CTEST' });
export const asUser = (app: import('../../src/main.js').App, requester: ReturnType<typeof chatUser>, text: string, confirmed = false) =>
  app.dispatcher.handle({ id: `it-${++requestSeq}`, text, requester, confirmed });
