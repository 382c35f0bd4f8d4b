// `build` through the dispatcher on the private engine (legacy builder): a busybox-based
// context builds with live progress and the team channel hears about it; a failing RUN says
// which step, its output and exit code; Cancel aborts; contexts are names, never paths.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOnlySink } from '../../src/core/progress.js';
import { plainText, type Reply } from '../../src/core/reply.js';
import type { App } from '../../src/main.js';
import { RecordingTarget } from '../support/notify.js';
import { asUser, busybox, chatUser, docker, dockbot, engine, skipReason, TEST_LABEL, testApp } from '../support/engine.js';
import { freePort } from '../support/private-engine.js';

const operator = chatUser('UOPS');
const viewer = chatUser('UVIEWER');
const TAG = 'dockbot-test/built:1';

function makeContext(dockerfile: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-build-'));
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe.skipIf(skipReason)('build', () => {
  let app: App;
  let team: RecordingTarget;
  let dataDir: string;
  let gitDaemon: ChildProcess | undefined;
  const dirs: Record<string, string> = {};
  const gitContexts: Record<string, string> = {};

  beforeAll(async () => {
    // The RUN sleeps so that live progress (at most one edit a second) has a step to show on any machine.
    dirs.demo = makeContext(
      `FROM ${busybox}\nLABEL ${TEST_LABEL}=build\nCOPY app.txt /app.txt\nRUN cat /app.txt && echo second line && sleep 2\nRUN test ! -e /secret.txt\nCMD ["cat", "/app.txt"]\n`,
      { 'app.txt': 'hello from the context', 'secret.txt': 'must not be sent', '.dockerignore': 'secret.txt\n' },
    );
    dirs.broken = makeContext(`FROM ${busybox}\nRUN echo before failing && echo on stderr >&2 && exit 3\nRUN echo never\n`);
    dirs.slow = makeContext(`FROM ${busybox}\nRUN sleep 30\n`);
    // A real repository served by `git daemon` on loopback: the engine clones it itself (git runs on its host).
    const gitRoot = await servedRepository(`FROM ${busybox}\nLABEL ${TEST_LABEL}=build\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt && sleep 2\nCMD ["cat", "/hello.txt"]\n`);
    gitDaemon = gitRoot.daemon;
    gitContexts.fromgit = `git://127.0.0.1:${gitRoot.port}/demo.git#main:app`;
    gitContexts.badref = `git://127.0.0.1:${gitRoot.port}/demo.git#no-such-branch`;
    const contexts = [
      ...Object.entries(dirs).map(([name, dir]) => `    ${name}: ${dir}`),
      ...Object.entries(gitContexts).map(([name, url]) => `    ${name}: { git: "${url}" }`),
    ].join('\n');
    ({ app, dataDir } = await testApp(`roles:\n  operator: ["slack:UOPS"]\nbuilds:\n  contexts:\n${contexts}\nnotifications:\n  channels: ["slack:CBUILDS"]\n`));
    team = new RecordingTarget('slack');
    app.services.notifier.register(team);
  });

  afterAll(async () => {
    gitDaemon?.kill();
    await docker('rmi', '-f', TAG, 'dockbot-test/broken:1', 'dockbot-test/slow:1', 'dockbot-test/fromgit:1').catch(() => undefined);
  });

  it('builds a busybox-based context with progress, honours .dockerignore, and tells the team channel', async () => {
    const updates: Reply[] = [];
    const outcome = await app.dispatcher.handle({ id: 'build-ok', text: `build -t ${TAG} demo`, requester: operator }, { onProgress: liveOnlySink((r) => void updates.push(r)) });
    expect(outcome.error).toBeUndefined();
    const data = outcome.data as { imageId: string; size: number; steps: number; durationSeconds: number; tags: string[] };
    expect(data.imageId).toBe((await engine().getImage(TAG).inspect()).Id);
    expect(data.steps).toBe(6);
    expect(data.size).toBeGreaterThan(0);
    expect(plainText(outcome.reply).split('\n')[0]).toBe(`Built ${TAG}`);
    // The image runs and has the file from the context (the ignored one was never sent: RUN test ! -e passed).
    expect((await docker('run', '--rm', '--label', `${TEST_LABEL}=build`, TAG)).trim()).toBe('hello from the context');
    // Live progress: the step and instruction, the output of a RUN, and a Cancel button.
    expect(updates.length).toBeGreaterThanOrEqual(1);
    const texts = updates.map(plainText).join('\n');
    expect(texts).toMatch(/Step \d\/6/);
    expect(updates.every((u) => u.blocks.some((b) => b.type === 'actions' && b.actions.some((a) => a.label === 'Cancel')))).toBe(true);
    await team.until((p) => p.some((x) => plainText(x.reply).startsWith(`Build succeeded: ${TAG}`)));
    const titles = team.posted.map((p) => plainText(p.reply).split('\n')[0]);
    expect(titles.filter((t) => t === `Build started: ${TAG}`)).toHaveLength(1);
    expect(titles.filter((t) => t === `Build succeeded: ${TAG}`)).toHaveLength(1);
    expect(team.posted.every((p) => p.channel === 'CBUILDS')).toBe(true);
    expect(plainText(team.posted.find((p) => plainText(p.reply).startsWith(`Build succeeded: ${TAG}`))!.reply)).toMatch(/By: chat: slack:UOPS[\s\S]*Duration: [\d.]+ s/);
  });

  it('reports the failing step, its output and the exit code, to the requester and the team', async () => {
    const outcome = await asUser(app, operator, 'build -t dockbot-test/broken:1 broken');
    expect(outcome.ok).toBe(false);
    // Coded like every other failure, for scripts.
    expect(outcome.error).toMatchObject({ code: 'build_failed', message: expect.stringMatching(/step 2\/3 .*failed/) });
    expect(outcome.error?.hint).toBeTruthy();
    const data = outcome.data as { status: string; step: number; steps: number; exitCode: number; lines: string[]; instruction: string };
    expect(data).toMatchObject({ status: 'failed', step: 2, steps: 3, exitCode: 3 });
    expect(data.instruction).toMatch(/^RUN echo before failing/);
    expect(data.lines).toEqual(expect.arrayContaining(['before failing', 'on stderr']));
    expect(plainText(outcome.reply)).toMatch(/Exit code\s*: 3|Exit code: 3/);
    await team.until((p) => p.some((x) => plainText(x.reply).startsWith('Build failed: dockbot-test/broken:1')));
    const notice = plainText(team.posted.find((p) => plainText(p.reply).startsWith('Build failed: dockbot-test/broken:1'))!.reply);
    expect(notice).toMatch(/Exit code: 3/);
    expect(notice).toMatch(/before failing/);
    // forcerm: no intermediate container is left behind.
    expect((await engine().listContainers({ all: true })).filter((c) => c.Status.startsWith('Exited (3)'))).toEqual([]);
  });

  it('Cancel aborts a running build and leaves no image and no container', async () => {
    const before = (await engine().listContainers({ all: true })).length;
    let cancelId: string | undefined;
    const building = app.dispatcher.handle(
      { id: 'build-slow', text: 'build -t dockbot-test/slow:1 slow', requester: operator },
      {
        onProgress: liveOnlySink((r) => {
          const progress = plainText(r);
          for (const b of r.blocks) if (b.type === 'actions' && /Step 2\/2/.test(progress)) cancelId ??= b.actions[0]?.id;
        }),
      },
    );
    const deadline = Date.now() + 20_000;
    while (!cancelId && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(cancelId).toBeDefined();
    // A viewer may not cancel; the operator who presses it may.
    expect((await app.dispatcher.act(cancelId as string, viewer)).error?.code).toBe('forbidden');
    const pressed = await app.dispatcher.act(cancelId as string, chatUser('UOPS'));
    expect(pressed.ok).toBe(true);
    const outcome = await building;
    expect(outcome.data).toMatchObject({ status: 'cancelled', cancelledBy: 'slack:UOPS' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled', message: expect.stringContaining('cancelled by slack:UOPS') } });
    await expect(engine().getImage('dockbot-test/slow:1').inspect()).rejects.toMatchObject({ statusCode: 404 });
    const settle = Date.now() + 10_000;
    while ((await engine().listContainers({ all: true })).length > before && Date.now() < settle) await new Promise((r) => setTimeout(r, 200));
    expect((await engine().listContainers({ all: true })).length).toBe(before);
  });

  it('an unknown context name is a usage error listing the configured ones; a path is not a context', async () => {
    for (const typed of ['nope', '/etc', '.']) {
      const outcome = await asUser(app, operator, `build -t x:1 ${typed}`);
      expect(outcome.error?.code).toBe('usage');
      expect(outcome.error?.message).toContain('the configured ones are: demo, broken, slow');
    }
  });

  it('--dry-run shows the context, the steps and the policy verdict, and builds nothing', async () => {
    const outcome = await asUser(app, operator, 'build --dry-run -t dockbot-test/dry:1 demo');
    expect(outcome.ok).toBe(true);
    const plan = (outcome.data as { plan: { context: string; steps: Array<{ instruction: string }>; policy: { allowed: boolean } } }).plan;
    expect(plan.context).toBe('demo');
    expect(plan.steps.map((s) => s.instruction.split(' ')[0])).toEqual(['FROM', 'LABEL', 'COPY', 'RUN', 'RUN', 'CMD']);
    expect(plan.policy.allowed).toBe(true);
    await expect(engine().getImage('dockbot-test/dry:1').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('a registry allowlist refuses FROM images from elsewhere; build args stay out of the audit trail', async () => {
    const { app: strict } = await testApp(`roles:\n  operator: ["slack:UOPS"]\npolicy:\n  registries: ["127.0.0.1:1"]\nbuilds:\n  contexts:\n    demo: ${dirs.demo}\n`);
    const outcome = await asUser(strict, operator, 'build --build-arg TOKEN=s3cr3t-value -t 127.0.0.1:1/x:1 demo');
    expect(outcome.error?.code).toBe('forbidden');
    expect(outcome.error?.message).toMatch(/line 1: dockbot-test\/busybox:1 is from docker.io/);
    expect(outcome.line).toBe('build --build-arg TOKEN=[redacted] -t 127.0.0.1:1/x:1 demo');
    const rows = await strict.services.audit.recent({ limit: 5 });
    expect(JSON.stringify(rows)).not.toContain('s3cr3t-value');
  });

  it('exec --json of a failing build: ok false with error {code, message, hint}, exit 1', async () => {
    const r = await dockbot(['exec', '--json', 'build -t dockbot-test/broken:1 broken'], { DOCKBOT_CONFIG: join(dataDir, 'dockbot.yaml'), DOCKBOT_DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as { ok: boolean; command: string; data: { exitCode: number }; error: { code: string; message: string; hint: string } };
    expect(body).toMatchObject({ ok: false, command: 'build', data: { exitCode: 3 }, error: { code: 'build_failed' } });
    expect(body.error.message).toContain('returned a non-zero code: 3');
    expect(body.error.hint).toBeTruthy();
    // A policy refusal is coded the same way.
    writeFileSync(join(dataDir, 'strict.yaml'), `policy:\n  registries: ["127.0.0.1:1"]\nbuilds:\n  contexts:\n    demo: ${dirs.demo}\n`);
    const refused = await dockbot(['exec', '--json', 'build -t 127.0.0.1:1/x:1 demo'], { DOCKBOT_CONFIG: join(dataDir, 'strict.yaml'), DOCKBOT_DATA_DIR: dataDir });
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, command: 'build', error: { code: 'forbidden' } });
  });

  it('a git context: the engine clones the repository (ref and subdirectory) and builds it with progress', async () => {
    const updates: Reply[] = [];
    const outcome = await app.dispatcher.handle({ id: 'build-git', text: 'build -t dockbot-test/fromgit:1 fromgit', requester: operator }, { onProgress: liveOnlySink((r) => void updates.push(r)) });
    expect(outcome.error).toBeUndefined();
    expect(outcome.data).toMatchObject({ status: 'succeeded', context: 'fromgit', steps: 5 });
    expect(updates.map(plainText).join('\n')).toMatch(/Step \d\/5/);
    expect((await docker('run', '--rm', '--label', `${TEST_LABEL}=build`, 'dockbot-test/fromgit:1')).trim()).toBe('hello from git');
    await team.until((p) => p.some((x) => plainText(x.reply).startsWith('Build succeeded: dockbot-test/fromgit:1')));
  });

  it('a git context with a ref that does not exist fails with the engine\'s message as a coded error', async () => {
    const outcome = await asUser(app, operator, 'build -t dockbot-test/badref:1 badref');
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('build_failed');
    expect(outcome.error?.message).toContain('git context "badref"');
    expect(outcome.error?.message).toMatch(/couldn't find remote ref no-such-branch/);
    expect(outcome.error?.hint).toMatch(/builds\.contexts\.badref/);
    await team.until((p) => p.some((x) => plainText(x.reply).startsWith('Build failed: dockbot-test/badref:1')));
  });

  it('--dry-run of a git context says what would be sent, and that the steps are not known', async () => {
    const outcome = await asUser(app, operator, 'build --dry-run -t dockbot-test/fromgit:2 fromgit');
    expect(outcome.ok).toBe(true);
    const plan = (outcome.data as { plan: Record<string, unknown> }).plan;
    expect(plan).toMatchObject({ context: 'fromgit', remote: gitContexts.fromgit, source: { ref: 'main', subdir: 'app' }, steps: null, dockerfile: 'Dockerfile', policy: { allowed: true } });
    expect(plainText(outcome.reply)).toMatch(/steps are not known/);
    // Under a registry allowlist the images a git Dockerfile names cannot be checked: refused.
    const { app: strict } = await testApp(`roles:\n  operator: ["slack:UOPS"]\npolicy:\n  registries: ["127.0.0.1:1"]\nbuilds:\n  contexts:\n    fromgit: { git: "${gitContexts.fromgit}" }\n`);
    const dry = await asUser(strict, operator, 'build --dry-run -t 127.0.0.1:1/x:1 fromgit');
    expect((dry.data as { plan: { policy: { allowed: boolean } } }).plan.policy.allowed).toBe(false);
    expect((await asUser(strict, operator, 'build -t 127.0.0.1:1/x:1 fromgit')).error?.code).toBe('forbidden');
  });

  it('needs the operator role', async () => {
    expect((await asUser(app, viewer, `build -t ${TAG} demo`)).error?.code).toBe('forbidden');
  });
});

/** A bare repository with `app/Dockerfile` on `main`, served read-only by `git daemon` on 127.0.0.1. */
async function servedRepository(dockerfile: string): Promise<{ daemon: ChildProcess; port: number }> {
  const root = mkdtempSync(join(tmpdir(), 'dockbot-git-'));
  const work = join(root, 'work');
  mkdirSync(join(work, 'app'), { recursive: true });
  writeFileSync(join(work, 'app', 'Dockerfile'), dockerfile);
  writeFileSync(join(work, 'app', 'hello.txt'), 'hello from git\n');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=dockbot', '-c', 'user.email=test@dockbot.invalid', ...args], { cwd, stdio: 'pipe' });
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'a context');
  git(root, 'clone', '-q', '--bare', work, join(root, 'served', 'demo.git'));
  const port = await freePort();
  const daemon = spawn('git', ['daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${join(root, 'served')}`, '--export-all', join(root, 'served')], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      execFileSync('git', ['ls-remote', `git://127.0.0.1:${port}/demo.git`], { stdio: 'pipe' });
      return { daemon, port };
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
