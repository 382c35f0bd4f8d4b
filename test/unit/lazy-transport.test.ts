// A unix-socket engine never loads ssh2 or gRPC; an ssh:// engine or a build still gets them.
// A cold `dockbot exec "/docker ps"` loads only what listing containers needs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startStandInEngine } from '../support/stand-in-engine.js';

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

  it('the build-context and attach libraries are the real ones on first use: tar-fs packs, the hijacked stream is a Duplex', async () => {
    const r = await loadedAfter(`
      new DockerHost('unix:///tmp/nowhere.sock').engine;
      const fromDockerode = createRequire(require.resolve('dockerode'));
      const before = Object.keys(require.cache).some((p) => p.includes('/tar-stream/'));
      const pack = fromDockerode('tar-fs').pack('${root}bin');
      const HttpDuplex = createRequire(fromDockerode.resolve('docker-modem'))('./http_duplex.js');
      const { Duplex } = require('readable-stream');
      const duplex = new HttpDuplex({}, { on() {} });
      globalThis.out = [before, typeof pack.pipe, duplex instanceof HttpDuplex, duplex instanceof Duplex].join(',');`);
    expect(r.out).toBe('false,function,true,true');
  });
});

describe('a cold one-shot exec', () => {
  /** Packages whose code is in the module cache once `bin/dockbot.js exec ...` has run. */
  async function packagesLoadedBy(dockerHost: string, command: string): Promise<{ stdout: string; packages: string[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-cold-exec-'));
    try {
      // Run before the binary; at exit it lists the files of the (real) module cache.
      const probe = join(dir, 'probe.cjs');
      const listing = join(dir, 'loaded.json');
      writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(listing)}, JSON.stringify(Object.keys(require.cache))));`);
      const { DOCKBOT_CONFIG: _config, SLACK_BOT_TOKEN: _slack, DISCORD_TOKEN: _discord, ...env } = process.env;
      const { stdout } = await run(process.execPath, ['-r', probe, join(root, 'bin', 'dockbot.js'), 'exec', command], {
        cwd: dir,
        env: { ...env, DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dir, XDG_CACHE_HOME: join(dir, 'cache'), LOG_LEVEL: 'warn' },
      });
      const files = JSON.parse(readFileSync(listing, 'utf8')) as string[];
      const packages = [...new Set(files.flatMap((f) => /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []))];
      return { stdout, packages: packages.sort() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('`exec "/docker ps"` on a unix socket: dockerode, and no chat, FAQ, metrics, build or remote-transport library', async () => {
    const engine = await startStandInEngine();
    try {
      const { stdout, packages } = await packagesLoadedBy(engine.dockerHost, '/docker ps');
      expect(stdout).toContain('0 containers');
      expect(engine.requests.some((r) => r.path.endsWith('/containers/json'))).toBe(true);
      expect(packages).toContain('dockerode');
      // tar-fs's cache entry is a stand-in until a build needs it; the real one brings tar-stream.
      for (const heavy of ['discord.js', '@slack/bolt', '@node-rs/jieba', 'opencc-js', 'prom-client', 'tar-stream', 'ssh2', '@grpc/grpc-js', 'pino-pretty', 'readable-stream']) {
        expect(packages).not.toContain(heavy);
      }
    } finally {
      await engine.close();
    }
  });

  it('`exec "ask ..."` loads the FAQ libraries: the probe sees what is loaded', async () => {
    const { stdout, packages } = await packagesLoadedBy('unix:///tmp/nowhere.sock', 'ask what does docker pull do?');
    expect(stdout).toMatch(/docker pull/);
    expect(packages).toContain('@node-rs/jieba');
    expect(packages).not.toContain('dockerode');
  });

  it('the code cache: written by the first run, a damaged one is refused by V8 and replaced, the answer the same', async () => {
    const engine = await startStandInEngine();
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-code-cache-'));
    try {
      const env = { ...process.env, DOCKER_HOST: engine.dockerHost, DOCKBOT_DATA_DIR: dir, XDG_CACHE_HOME: dir, LOG_LEVEL: 'warn' };
      const exec = () => run(process.execPath, [join(root, 'bin', 'dockbot.js'), 'exec', '/docker ps'], { cwd: dir, env });
      const first = await exec();
      const cacheDir = join(dir, 'dockbot', 'v8');
      const [cache] = readdirSync(cacheDir);
      expect(readdirSync(cacheDir)).toHaveLength(1);
      writeFileSync(join(cacheDir, cache as string), 'not a code cache');
      expect((await exec()).stdout).toBe(first.stdout);
      expect(readdirSync(cacheDir)).toEqual([cache]);
      expect(readFileSync(join(cacheDir, cache as string)).length).toBeGreaterThan(1000);
      expect((await exec()).stdout).toBe(first.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await engine.close();
    }
  });
});
