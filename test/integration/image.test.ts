// The container image as CI builds and runs it: the Dockerfile, unmodified, built on the private
// engine FROM a base made here (test/support/base-image.sh: debootstrap plus Node from the npm
// registry), because no image can be pulled from Docker Hub. Then the image runs as a deployment
// would run it: the engine's socket bound in, its group added for the non-root user.
// Slow (minutes on a loaded machine): its own file, generous timeouts.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCi } from '../support/ci.js';
import { busybox, cleanup, docker, dockerHost, engine, skipReason, TEST_LABEL } from '../support/engine.js';
import { dockerCli, freePort, which } from '../support/private-engine.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { slashCommand } from '../fakes/slack/signed.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const baseImageScript = join(repo, 'test', 'support', 'base-image.sh');
const LABEL = 'image';
const IMAGE = `dockbot-test/dockbot:${process.pid}`;
const SIGNING_SECRET = 'image-test-signing-secret-0123456789';
const MINUTE = 60_000;

/** The Dockerfile's default base, which the base-image script makes when the engine lacks it. */
const baseTag = /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync(join(repo, 'Dockerfile'), 'utf8'))?.[1] ?? '';

const socketPath = dockerHost.startsWith('unix://') ? dockerHost.slice('unix://'.length) : '';

function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (debootstrap and chroot make the base image)');
  if (!socketPath) missing.push(`an engine on a unix socket to bind into the container (the test engine is ${dockerHost})`);
  if (!baseTag) missing.push('an `ARG NODE_IMAGE=` default in the Dockerfile');
  return missing;
}
const debootstrap = skipReason ? undefined : await which('debootstrap');
const missing = skipReason ? [] : [...missingPrerequisites(), ...(debootstrap ? [] : ['debootstrap (apt-get install debootstrap; test/support/prereqs.sh installs it)'])];
if (missing.length && isCi()) throw new Error(`the image test needs ${missing.join('; ')}`);
if (missing.length) process.stderr.write(`\n[integration] image test skipped: needs ${missing.join('; ')}\n\n`);

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A table row's cells: columns are two or more spaces apart, and their widths depend on the other rows. */
const cells = (row: string): string[] => row.trim().split(/\s{2,}/);
/** Cells with the times ("5 seconds ago", "Up 6 seconds") as words only: they move on between two listings. */
const untimed = (row: string[]): string[] => row.map((c) => c.replace(/\b(\d+|Less than a|About an?|an?) (second|minute|hour)s?\b/g, 'T'));

/** `docker run` of the image; resolves when the container has ended, with its output and exit code. */
async function runToEnd(name: string, args: string[], command: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  await docker('run', '-d', '--name', name, '--label', `${TEST_LABEL}=${LABEL}`, ...args, IMAGE, ...command);
  const { StatusCode } = (await engine().getContainer(name).wait()) as { StatusCode: number };
  const { stdout, stderr } = await dockerCli(dockerHost, ['logs', name]);
  await engine().getContainer(name).remove({ v: true });
  return { code: StatusCode, stdout, stderr };
}

async function health(name: string, wanted: 'healthy' | 'unhealthy', timeoutMs: number): Promise<{ status: string; log: string }> {
  const deadline = Date.now() + timeoutMs;
  let state: { Status?: string; Health?: { Status: string; Log?: Array<{ ExitCode: number; Output: string }> } } = {};
  while (Date.now() < deadline) {
    state = (await engine().getContainer(name).inspect()).State as typeof state;
    if (state.Health?.Status === wanted) break;
    if (state.Status !== 'running') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const log = (state.Health?.Log ?? []).map((l) => `exit ${l.ExitCode}: ${l.Output}`).join('\n');
  if (state.Health?.Status !== wanted) {
    const { stdout, stderr } = await dockerCli(dockerHost, ['logs', '--tail', '40', name]).catch(() => ({ stdout: '', stderr: '' }));
    throw new Error(`${name} is ${state.Status}/${state.Health?.Status ?? 'no health'}, not ${wanted}, after ${timeoutMs} ms\nhealth checks:\n${log}\nlogs:\n${stdout}${stderr}`);
  }
  return { status: state.Health.Status, log };
}

describe.skipIf(skipReason || missing.length > 0)('the container image', () => {
  let imagesBefore = new Set<string>();
  let socketGroup = '';
  const marker = `image-marker-${process.pid}`;

  beforeAll(async () => {
    socketGroup = String(statSync(socketPath).gid);
    imagesBefore = new Set((await engine().listImages({ all: true })).map((i) => i.Id));

    let since = performance.now();
    const base = await run('bash', [baseImageScript, baseTag], {
      env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: join(tmpdir(), 'dockbot-test-docker-config') },
      maxBuffer: 16 * 1024 * 1024,
    });
    process.stderr.write(`${base.stderr}[image] base image ${baseTag}: ${seconds(since)}\n`);

    // The private engine has no bridge network (--bridge=none), so the build's `npm ci` reaches the
    // npm registry over the host's network; on an ordinary engine `docker build .` needs no flag.
    since = performance.now();
    await docker('build', '--network', 'host', '--label', `${TEST_LABEL}=${LABEL}`, '-t', IMAGE, repo);
    const size = (await engine().getImage(IMAGE).inspect()).Size;
    process.stderr.write(`[image] docker build: ${seconds(since)}, image ${(size / 1e6).toFixed(0)} MB\n`);

    await docker('run', '-d', '--name', marker, '--label', `${TEST_LABEL}=${LABEL}`, busybox, 'sleep', '600');
  }, 25 * MINUTE);

  afterAll(async () => {
    await cleanup(LABEL);
    // The image, and the build stage's and intermediate images the legacy builder leaves; the base stays for later runs.
    const base = await engine().getImage(baseTag).inspect().then((i) => i.Id, () => '');
    await engine().getImage(IMAGE).remove({ force: true }).catch(() => undefined);
    const left = (await engine().listImages({ all: true })).filter((i) => !imagesBefore.has(i.Id) && i.Id !== base);
    for (const image of left) await engine().getImage(image.Id).remove({ force: true }).catch(() => undefined);
  }, 5 * MINUTE);

  it('runs as a non-root user, has a HEALTHCHECK and holds production dependencies only', async () => {
    const { Config } = await engine().getImage(IMAGE).inspect();
    const user = (Config.User ?? '').split(':')[0] ?? '';
    expect(['', 'root', '0']).not.toContain(user);
    const check = (Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test ?? [];
    expect(check[0]).toBe('CMD');
    expect(check.length).toBeGreaterThan(1);

    const id = await docker('run', '--rm', '--network', 'none', '--label', `${TEST_LABEL}=${LABEL}`, '--entrypoint', 'id', IMAGE, '-u');
    expect(id.trim()).toMatch(/^\d+$/);
    expect(id.trim()).not.toBe('0');

    // Dev-only packages are those the lockfile marks `dev` (ws, say, is a dev dependency and discord.js's too).
    const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => path && p.dev).map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest']));
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const listing = `const fs = require('fs'); const has = (path) => fs.existsSync(path + '/package.json');
      process.stdout.write(JSON.stringify({ dev: ${JSON.stringify(devOnly)}.filter(has), missing: ${JSON.stringify(Object.keys(pkg.dependencies).map((n) => `node_modules/${n}`))}.filter((p) => !has(p)) }));`;
    const found = JSON.parse(await docker('run', '--rm', '--network', 'none', '--label', `${TEST_LABEL}=${LABEL}`, '--entrypoint', 'node', IMAGE, '-e', listing)) as { dev: string[]; missing: string[] };
    expect(found).toEqual({ dev: [], missing: [] });

    // The Chinese FAQ's segmenter is a native addon: its prebuilt glibc binary must load in the image.
    const cut = `import { Jieba } from '@node-rs/jieba'; import { dict } from '@node-rs/jieba/dict.js'; import { createRequire } from 'node:module';
      const native = createRequire(process.cwd() + '/').resolve('@node-rs/jieba-linux-' + process.arch + '-gnu');
      process.stdout.write(JSON.stringify({ native, words: Jieba.withDict(dict).cut('镜像和容器有什么区别', false) }));`;
    const jieba = JSON.parse(await docker('run', '--rm', '--network', 'none', '--label', `${TEST_LABEL}=${LABEL}`, '--entrypoint', 'node', IMAGE, '--input-type=module', '-e', cut)) as { native: string; words: string[] };
    expect(jieba.native).toContain(`jieba-linux-${process.arch}-gnu`);
    expect(jieba.words).toEqual(expect.arrayContaining(['镜像', '容器']));

    // Without chat settings there is no HTTP server: the health check says so and passes.
    const [, entry = 'node', ...args] = check;
    const terminal = await runToEnd(`image-health-terminal-${process.pid}`, ['--network', 'none', '--entrypoint', entry], args);
    expect(terminal).toMatchObject({ code: 0 });
    expect(terminal.stdout).toContain('no chat settings');
  }, 5 * MINUTE);

  it('runs `dockbot exec "/docker ps"` as that user against the engine whose socket is bound in', async () => {
    const socket = ['--network', 'none', '-v', `${socketPath}:/var/run/docker.sock`];
    const name = `image-exec-${process.pid}`;
    // The Docker CLI's own row for the marker container, just before and just after.
    const cliRow = async (): Promise<string[]> => cells((await docker('ps', '--filter', `name=^${marker}$`)).split('\n')[1] ?? '');
    const before = await cliRow();
    const ps = await runToEnd(name, [...socket, '--group-add', socketGroup], ['exec', '/docker ps']);
    const after = await cliRow();
    expect(ps.stderr).toBe('');
    expect(ps.code).toBe(0);
    // The reply's title ("2 containers"), then the table as the Docker CLI prints it.
    const [title = '', header = '', ...rows] = ps.stdout.trimEnd().split('\n');
    expect(title).toBe(`${rows.length} containers`);
    expect(header).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    const markerRow = cells(rows.find((r) => r.endsWith(` ${marker}`)) ?? '');
    expect(untimed(markerRow)).toEqual(untimed(before));
    expect(untimed(markerRow)).toEqual(untimed(after));
    // The container that ran the command lists itself; every other row is a container of that engine.
    expect(rows.some((r) => r.endsWith(` ${name}`))).toBe(true);
    const known = new Set((await engine().listContainers({ all: true })).map((c) => c.Id.slice(0, 12)));
    expect(rows.filter((r) => !r.endsWith(` ${name}`)).every((r) => known.has(r.slice(0, 12)))).toBe(true);

    // The socket's group is what lets the non-root user in: without it the engine refuses, and the bot says why.
    const refused = await runToEnd(`image-exec-nogroup-${process.pid}`, socket, ['exec', '/docker ps']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Error (engine_unreachable)');
    expect(refused.stdout).toContain('permission denied');
  }, 5 * MINUTE);

  describe('in Slack HTTP mode (a loopback fake Slack)', () => {
    let slack: FakeSlack;
    beforeAll(async () => {
      slack = await new FakeSlack().start();
    });
    afterAll(async () => slack?.stop());

    // Host networking: the fake Slack listens on this host's loopback, and /slack/events on PORT is reached the same way.
    const slackMode = (port: number) => [
      '--network', 'host',
      '-e', `PORT=${port}`,
      '-e', 'SLACK_BOT_TOKEN=xoxb-image-test',
      '-e', `SLACK_SIGNING_SECRET=${SIGNING_SECRET}`,
      '-e', `SLACK_API_URL=${slack.apiUrl}`,
      // The image's own check, run every 2 s instead of every 30 s so the test need not wait.
      '--health-interval', '2s',
    ];

    it('becomes healthy through /healthz and answers a signed `/docker ps`', async () => {
      const port = await freePort();
      const name = `image-slack-${process.pid}`;
      await docker('run', '-d', '--name', name, '--label', `${TEST_LABEL}=${LABEL}`, ...slackMode(port), '-v', `${socketPath}:/var/run/docker.sock`, '--group-add', socketGroup, IMAGE);
      const { log } = await health(name, 'healthy', 4 * MINUTE);
      expect(log).toMatch(/exit 0: 200 \{"ok":true,/);
      expect(log).toContain('{"name":"engine","ok":true}');
      expect(log).toContain('{"name":"slack","ok":true}');
      expect(slack.callsOf('auth.test').length).toBeGreaterThan(0);

      const answer = await slashCommand(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, { text: 'ps', userId: 'UIMAGE', responseUrl: slack.responseUrl() });
      expect(answer.status).toBe(200);
      const post = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => JSON.stringify(c.body).includes(marker)), 60_000, 'the ps table in the channel');
      expect(post.body.channel).toBe('C0GENERAL');
    }, 6 * MINUTE);

    it('is unhealthy when /healthz finds no engine', async () => {
      const name = `image-slack-noengine-${process.pid}`;
      // Failures count from the first check on (the image gives 30 s of grace at start).
      await docker('run', '-d', '--name', name, '--label', `${TEST_LABEL}=${LABEL}`, ...slackMode(await freePort()), '--health-start-period', '1s', '--health-retries', '2', IMAGE);
      const { log } = await health(name, 'unhealthy', 4 * MINUTE);
      expect(log).toMatch(/exit 1: 503 \{"ok":false,.*"name":"engine","ok":false,"reason":"the engine does not answer/);
    }, 6 * MINUTE);
  });
});
