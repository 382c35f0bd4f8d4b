// A unix-socket engine never loads ssh2 or gRPC; an ssh:// engine or a build still gets them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

/** A fresh process (nothing cached yet) on the built code (`npm test` builds first): what its module cache holds after the script. */
async function loadedAfter(script: string): Promise<{ ssh2: boolean; grpc: boolean; out: string }> {
  const program = `
    import { createRequire } from 'node:module';
    import { DockerHost } from '${root}dist/src/docker/host.js';
    const require = createRequire('${root}package.json');
    ${script}
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({ ssh2: loaded.some((p) => p.includes('/node_modules/ssh2/')), grpc: loaded.some((p) => p.includes('/@grpc/grpc-js/')), out: String(globalThis.out ?? '') }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], { cwd: root });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as { ssh2: boolean; grpc: boolean; out: string };
}

describe('engine transports load when used', () => {
  it('a unix socket engine: dockerode without ssh2 and gRPC', async () => {
    const r = await loadedAfter(`const host = new DockerHost('unix:///tmp/nowhere.sock'); globalThis.out = typeof host.engine.listContainers;`);
    expect(r).toEqual({ ssh2: false, grpc: false, out: 'function' });
  });

  it('an ssh:// engine: ssh2 loads when its connection is made, and the agent is a real one', async () => {
    const r = await loadedAfter(`
      new DockerHost('unix:///tmp/nowhere.sock').engine;
      const fromDockerode = createRequire(require.resolve('dockerode'));
      const ssh = createRequire(fromDockerode.resolve('docker-modem'))('./ssh.js');
      globalThis.out = typeof ssh({ host: '127.0.0.1', port: 1 }).createConnection;`);
    expect(r).toEqual({ ssh2: true, grpc: false, out: 'function' });
  });

  it('a build session: gRPC loads on its first use', async () => {
    const r = await loadedAfter(`
      new DockerHost('unix:///tmp/nowhere.sock').engine;
      const withSession = createRequire(require.resolve('dockerode'))('./session.js');
      globalThis.out = typeof withSession;
      try { withSession({ modem: { dial: () => undefined } }, undefined, () => undefined); } catch { /* only the loading matters */ }`);
    expect(r.grpc).toBe(true);
    expect(r.ssh2).toBe(false);
  });
});
