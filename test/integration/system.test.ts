// `system df`, `info` and `version` against the Docker CLI on the same engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busybox, cleanup, docker, dockbot, dockbotJson, dockerJsonLines, skipReason, TEST_LABEL, waitForStatus } from '../support/engine.js';

const LABEL = `${TEST_LABEL}=system`;
const VOLUMES = ['system-used', 'system-unused'];
type Body<D> = { ok: boolean; command: string; data: D };

async function waitForFile(container: string, path: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await docker('exec', container, 'test', '-f', path).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} did not appear in ${container}`);
}

describe.skipIf(skipReason)('system df, info and version against the Docker CLI', () => {
  beforeAll(async () => {
    await cleanup('system');
    await docker('volume', 'rm', '-f', ...VOLUMES);
    // Something in every row: layers written by a running and an exited container, a volume in
    // use and one no container references (reclaimable).
    await docker('run', '-d', '--name', 'system-running', '-l', LABEL, '-v', 'system-used:/data', busybox, 'sh', '-c', 'head -c 3000 /dev/zero > /layer; head -c 1500 /dev/zero > /data/file; sleep 600');
    await docker('run', '--name', 'system-exited', '-l', LABEL, busybox, 'sh', '-c', 'head -c 7000 /dev/zero > /layer');
    await docker('run', '--rm', '-l', LABEL, '-v', 'system-unused:/data', busybox, 'sh', '-c', 'head -c 2500 /dev/zero > /data/file');
    await waitForStatus('system-exited', 'exited');
    await waitForFile('system-running', '/data/file');
  });
  afterAll(async () => {
    await cleanup('system');
    await docker('volume', 'rm', '-f', ...VOLUMES);
  });

  it('system df equals `docker system df --format {{json .}}`', async () => {
    const cli = await dockerJsonLines('system', 'df');
    const { code, body } = await dockbotJson<Body<Array<Record<string, string>>>>('system df');
    expect(code).toBe(0);
    expect(body.command).toBe('system df');
    expect(body.data).toEqual(cli);
    const byType = Object.fromEntries(body.data.map((r) => [r.Type, r]));
    expect(byType['Local Volumes']?.Reclaimable).toMatch(/\(\d+%\)$/);
    expect(byType.Containers?.Reclaimable).toMatch(/\(\d+%\)$/);
  });

  it('system df replies with the CLI’s table', async () => {
    const { stdout } = await dockbot(['exec', 'system df']);
    expect(stdout).toMatch(/TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
    for (const type of ['Images', 'Containers', 'Local Volumes', 'Build Cache']) expect(stdout).toContain(type);
  });

  it('info reports what `docker info` reports', async () => {
    const [cli] = await dockerJsonLines<Record<string, unknown>>('info');
    const { code, body } = await dockbotJson<Body<Record<string, unknown>>>('info');
    expect(code).toBe(0);
    expect(body.data).toMatchObject({
      serverVersion: cli?.ServerVersion,
      containers: { total: cli?.Containers, running: cli?.ContainersRunning, paused: cli?.ContainersPaused, stopped: cli?.ContainersStopped },
      images: cli?.Images,
      storageDriver: cli?.Driver,
      cgroupDriver: cli?.CgroupDriver,
      kernelVersion: cli?.KernelVersion,
      operatingSystem: cli?.OperatingSystem,
      cpus: cli?.NCPU,
      memoryBytes: cli?.MemTotal,
    });
    // `docker info` prints "Total Memory: 23.54GiB": the same humanised value.
    const totalMemory = /Total Memory: (\S+)/.exec(await docker('info'))?.[1];
    expect(body.data.memory).toBe(totalMemory);
  });

  it('version reports dockbot’s version and the engine’s, as `docker version` does', async () => {
    const server = JSON.parse(await docker('version', '--format', '{{json .Server}}')) as Record<string, string>;
    const { code, body } = await dockbotJson<Body<{ client: { name: string; version: string }; server: Record<string, unknown> }>>('version');
    expect(code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(body.data.client).toMatchObject({ name: 'dockbot', version: pkg.version });
    expect(body.data.server).toMatchObject({
      version: server.Version,
      apiVersion: server.ApiVersion,
      minApiVersion: server.MinAPIVersion,
      os: server.Os,
      arch: server.Arch,
      goVersion: server.GoVersion,
      gitCommit: server.GitCommit,
    });
  });
});
