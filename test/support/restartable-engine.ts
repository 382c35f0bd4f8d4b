// A second private dockerd that tests can stop and start again on the same data-root, to see
// what the events watcher does when the engine goes away and comes back. `--live-restore`
// keeps containers running while the daemon is down, so they can exit while nobody watches.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { dockerCli, privateDaemonArgs, which } from './private-engine.js';

const run = promisify(execFile);

export interface RestartableEngine {
  dockerHost: string;
  engine: Dockerode;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
}

export async function restartableEngine(seedImage: { fromHost: string; image: string }): Promise<RestartableEngine> {
  const dockerd = await which('dockerd');
  if (!dockerd) throw new Error('dockerd is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-restart-'));
  const socket = join(dir, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  const logFile = join(dir, 'dockerd.log');
  const engine = new Dockerode({ socketPath: socket });
  let daemon: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    // --live-restore: containers keep running (and exiting) while this engine is down.
    daemon = spawn(dockerd, privateDaemonArgs(dir, dockerHost, ['--live-restore']), { stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if ((await engine.ping().then(String, () => '')) === 'OK') return;
      if (Date.now() > deadline) throw new Error(`dockerd did not come up:\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async (): Promise<void> => {
    const child = daemon;
    daemon = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  const destroy = async (): Promise<void> => {
    if (!daemon) await start().catch(() => undefined);
    const leftovers = await engine.listContainers({ all: true }).catch(() => []);
    await Promise.all(leftovers.map((c) => engine.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await stop();
    // live-restore leaves containerd shims running until their containers are gone; then unmount what is left.
    await run('sh', ['-c', `grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  await start();
  // The busybox image of the shared test engine, copied over: nothing comes from the internet.
  const tar = join(dir, 'seed.tar');
  await dockerCli(seedImage.fromHost, ['save', '-o', tar, seedImage.image]);
  await dockerCli(dockerHost, ['load', '-i', tar]);
  rmSync(tar);
  return { dockerHost, engine, start, stop, destroy };
}
