// A private Docker engine (and a loopback registry) for tests: never the developer's default engine.
// Recipe from DESIGN.md: dockerd on its own socket and data-root, busybox image built FROM scratch,
// Debian's docker-registry on 127.0.0.1 seeded by a push.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';

const run = promisify(execFile);

export const TEST_LABEL = 'dockbot.test';
export const BUSYBOX_TAG = 'dockbot-test/busybox:1';

export interface PrivateEngine {
  dockerHost: string;
  /** host:port of the loopback registry, or '' when none could be started. */
  registry: string;
  busybox: string;
  stop(): Promise<void>;
}

const tail = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function which(binary: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/bin'])) {
    if (dir && existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms:\n${log()}`);
}

export const dockerCli = (dockerHost: string, args: string[], input?: { cwd?: string }) =>
  run('docker', args, {
    env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(tmpdir(), 'dockbot-test-docker-config') },
    cwd: input?.cwd,
    maxBuffer: 64 * 1024 * 1024,
  });

/** `registry: false`: no loopback registry (a second engine for multi-engine tests needs none). */
/** dockerd on its own socket, data-root, exec-root and pidfile in `dir`, touching no host network settings. */
export const privateDaemonArgs = (dir: string, dockerHost: string, extra: string[] = []): string[] => [
  '--host', dockerHost,
  '--data-root', join(dir, 'root'),
  '--exec-root', join(dir, 'exec'),
  '--pidfile', join(dir, 'docker.pid'),
  '--iptables=false',
  '--ip6tables=false',
  '--bridge=none',
  ...extra,
];

export async function startPrivateEngine(options: { registry?: boolean } = {}): Promise<PrivateEngine> {
  const dockerd = await which('dockerd');
  if (!dockerd) throw new Error('dockerd is not installed (apt-get install docker.io)');
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-engine-'));
  const socket = join(dir, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  const logFile = join(dir, 'dockerd.log');
  const children: ChildProcess[] = [];
  const daemon = spawn(dockerd, privateDaemonArgs(dir, dockerHost), { stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
  children.push(daemon);
  const readLog = (): string => tail(logFile);
  const engine = new Dockerode({ socketPath: socket });
  await waitFor('dockerd', async () => (await engine.ping()).toString() === 'OK', 60_000, readLog);

  const stop = async (): Promise<void> => {
    try {
      const leftovers = await engine.listContainers({ all: true });
      await Promise.all(leftovers.map((c) => engine.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    } catch {
      // The engine may already be gone; the directory is removed below either way.
    }
    for (const child of children.reverse()) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
    await run('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // A busybox image FROM scratch: no image comes from the internet.
    const context = join(dir, 'busybox-context');
    mkdirSync(context);
    copyFileSync((await which('busybox')) ?? '/bin/busybox', join(context, 'busybox'));
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nCMD ["sh"]\n',
    );
    await dockerCli(dockerHost, ['build', '-q', '--label', `${TEST_LABEL}=base`, '-t', BUSYBOX_TAG, context]);

    let registry = '';
    const registryBinary = await which('docker-registry');
    if (registryBinary && options.registry !== false) {
      const port = await freePort();
      registry = `127.0.0.1:${port}`;
      const registryConfig = join(dir, 'registry.yml');
      writeFileSync(
        registryConfig,
        `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'registry')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${registry}\n`,
      );
      const registryLog = join(dir, 'registry.log');
      children.push(spawn(registryBinary, ['serve', registryConfig], { stdio: ['ignore', openSync(registryLog, 'a'), openSync(registryLog, 'a')] }));
      await waitFor('docker-registry', async () => (await fetch(`http://${registry}/v2/`)).ok, 20_000, () => tail(registryLog));
      await dockerCli(dockerHost, ['tag', BUSYBOX_TAG, `${registry}/library/busybox:1`]);
      await dockerCli(dockerHost, ['push', `${registry}/library/busybox:1`]);
      await dockerCli(dockerHost, ['rmi', `${registry}/library/busybox:1`]);
    }
    return { dockerHost, registry, busybox: BUSYBOX_TAG, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
