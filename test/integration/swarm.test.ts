// Swarm commands against a second private engine made a Swarm manager (the shared test engine
// stays a plain one): listings agree with the Docker CLI, scale 1->3 converges and reports its
// tasks live, an update to a missing image is rolled back (or paused) and says so, a confirmed
// change acts only at the version its preview saw, the run policy holds for service specs, and
// an engine that is no manager answers with a coded error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { loadConfig } from '../../src/config.js';
import type { Requester } from '../../src/core/command.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { liveOnlySink } from '../../src/core/progress.js';
import { plainText, type Reply } from '../../src/core/reply.js';
import { connectionOptions } from '../../src/docker/host.js';
import { createLogger } from '../../src/log.js';
import { createApp, type App } from '../../src/main.js';
import { dockbot, dockerHost, skipReason } from '../support/engine.js';
import { lineGenerator, runFuzz } from '../support/fuzz.js';
import { startSwarmEngine, type SwarmEngine } from '../support/swarm-engine.js';

const operator: Requester = { platform: 'slack', userId: 'USWARMOPS', channelId: 'CSWARM' };
const viewer: Requester = { platform: 'slack', userId: 'USWARMVIEW', channelId: 'CSWARM' };
/** Fast settings so a failing update is noticed (and rolled back) in seconds. */
const FAST = ['--update-monitor', '1s', '--rollback-monitor', '1s', '--update-delay', '0s'];
const MISSING = 'dockbot-test/missing:1';

interface ServiceJson {
  ID: string;
  Name: string;
  Mode: string;
  Replicas: string;
  Image: string;
}

describe.skipIf(skipReason)('Swarm services, tasks, nodes and stacks', () => {
  let swarm: SwarmEngine;
  let dir: string;
  let app: App;
  let strict: App;
  let direct: Dockerode;
  let seq = 0;

  const ask = (text: string, requester: Requester = operator, onProgress?: (r: Reply) => void): Promise<Outcome> =>
    app.dispatcher.handle({ id: `swarm-${++seq}`, text, requester }, onProgress ? { onProgress: liveOnlySink(onProgress) } : {});
  /** Preview, then Confirm pressed by the requester: the chat flow. */
  const confirmed = async (text: string, onProgress?: (r: Reply) => void): Promise<{ preview: Outcome; outcome: Outcome }> => {
    const preview = await ask(text);
    expect(preview.error?.code, JSON.stringify(preview.error)).toBe('confirmation_required');
    const outcome = await app.dispatcher.act(preview.confirmation!.confirm.id, operator, onProgress ? { onProgress: liveOnlySink(onProgress) } : {});
    return { preview, outcome };
  };
  const inspect = async (name: string) => (await direct.getService(name).inspect()) as { Version: { Index: number }; Spec: { Mode: { Replicated?: { Replicas: number } }; TaskTemplate: { ContainerSpec: { Image: string } } } };
  const runningTasks = async (name: string): Promise<number> =>
    ((await direct.listTasks({ filters: JSON.stringify({ service: [name], 'desired-state': ['running'] }) })) as Array<{ Status: { State: string } }>).filter((t) => t.Status.State === 'running').length;
  const waitRunning = async (name: string, n: number): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while ((await runningTasks(name)) !== n) {
      if (Date.now() > deadline) throw new Error(`${name} did not reach ${n} running tasks`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    swarm = await startSwarmEngine();
    direct = new Dockerode(connectionOptions(swarm.dockerHost));
    await swarm.createService('sw-web', ['--replicas', '1', '--update-failure-action', 'rollback', ...FAST]);
    await swarm.createService('sw-paused', ['--replicas', '1', '--update-failure-action', 'pause', ...FAST]);
    await swarm.createService('sw-talk', [], ['sh', '-c', 'echo one; echo two >&2; echo three; sleep 600']);
    await swarm.createService('sw-secret', ['--env', 'API_TOKEN=hunter2-do-not-show', '--env', 'MODE=prod']);
    await swarm.createService('sw-hostnet', ['--network', 'host']);
    // A stack as `docker stack deploy` makes one: its services carry the namespace label.
    for (const part of ['front', 'back']) {
      await swarm.createService(`shop_${part}`, ['--label', 'com.docker.stack.namespace=shop', '--container-label', 'com.docker.stack.namespace=shop']);
    }
    for (const name of ['sw-web', 'sw-paused', 'sw-talk', 'sw-secret', 'sw-hostnet', 'shop_front', 'shop_back']) await waitRunning(name, 1);
    dir = mkdtempSync(join(tmpdir(), 'dockbot-swarm-'));
    const yaml = (extra: string) => {
      const file = join(dir, `dockbot-${++seq}.yaml`);
      writeFileSync(file, [`roles:`, `  operator: ["slack:${operator.userId}"]`, 'engines:', `  swarm: { host: "${swarm.dockerHost}" }`, extra, ''].join('\n'));
      return loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: join(dir, 'data') }, dir);
    };
    app = createApp(yaml(''), createLogger('silent', 'stderr'));
    strict = createApp(yaml('policy:\n  registries: ["registry.example"]'), createLogger('silent', 'stderr'));
  }, 180_000);

  afterAll(async () => {
    await swarm?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('service ls agrees with `docker service ls`', async () => {
    const outcome = await ask('service ls --host swarm');
    expect(outcome.ok).toBe(true);
    const cli = (await swarm.docker('service', 'ls', '--format', '{{json .}}')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ServiceJson);
    const pick = (r: ServiceJson) => ({ ID: r.ID, Name: r.Name, Mode: r.Mode, Replicas: r.Replicas, Image: r.Image });
    expect((outcome.data as ServiceJson[]).map(pick)).toEqual(cli.map(pick).sort((a, b) => (a.Name < b.Name ? -1 : 1)));
    expect(plainText(outcome.reply)).toContain('sw-web');
  });

  it('service ps lists the tasks with their node; node ls the swarm node', async () => {
    const ps = await ask('service ps sw-talk --host swarm');
    expect(ps.ok).toBe(true);
    const hostname = (await swarm.docker('node', 'ls', '--format', '{{.Hostname}}')).trim();
    expect(ps.data).toEqual([expect.objectContaining({ Name: 'sw-talk.1', Node: hostname, DesiredState: 'Running', CurrentState: expect.stringMatching(/^Running /) })]);
    const nodes = await ask('node ls --host swarm');
    const cli = JSON.parse((await swarm.docker('node', 'ls', '--format', '{{json .}}')).trim()) as { ID: string; Hostname: string; ManagerStatus: string; Status: string };
    expect(nodes.data).toEqual([expect.objectContaining({ ID: cli.ID, Hostname: cli.Hostname, ManagerStatus: cli.ManagerStatus, Status: cli.Status })]);
  });

  it('service logs gives stdout and stderr of the tasks, bounded by --tail', async () => {
    const all = await ask('service logs sw-talk --host swarm');
    expect(all.ok).toBe(true);
    const lines = (all.data as { lines: Array<{ stream: string; text: string }> }).lines;
    expect(lines).toEqual(expect.arrayContaining([{ stream: 'stdout', text: 'one' }, { stream: 'stderr', text: 'two' }, { stream: 'stdout', text: 'three' }]));
    const tail = await ask('service logs --tail 1 sw-talk --host swarm');
    expect((tail.data as { lines: unknown[] }).lines).toHaveLength(1);
    expect((await ask('service logs --tail lots sw-talk --host swarm')).error?.code).toBe('usage');
  });

  it('service inspect summarises the spec with environment values redacted', async () => {
    const outcome = await ask('service inspect sw-secret --host swarm');
    expect(outcome.ok).toBe(true);
    expect(outcome.data).toMatchObject({ name: 'sw-secret', mode: 'replicated', replicas: 1, env: ['API_TOKEN=[redacted]', 'MODE=[redacted]'] });
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
  });

  it('stack ls and stack ps find stacks by their namespace label', async () => {
    const ls = await ask('stack ls --host swarm');
    expect(ls.data).toEqual([{ Name: 'shop', Services: '2', Orchestrator: 'Swarm' }]);
    const ps = await ask('stack ps shop --host swarm');
    expect((ps.data as Array<{ Name: string }>).map((t) => t.Name).sort()).toEqual(['shop_back.1', 'shop_front.1']);
    expect((await ask('stack ps nosuchstack --host swarm')).error?.code).toBe('not_found');
  });

  it('unknown services, bad names and replicas out of range are coded errors', async () => {
    expect((await ask('service ps nosuch --host swarm')).error).toMatchObject({ code: 'not_found', message: 'no such service: nosuch' });
    expect((await ask('service inspect ../../swarm --host swarm')).error?.code).toBe('invalid_argument');
    expect((await ask('service scale sw-web=101 --host swarm')).error?.code).toBe('invalid_argument');
    expect((await ask('service scale sw-web --host swarm')).error?.code).toBe('usage');
    expect((await ask('service scale nosuch=2 --host swarm')).error?.code).toBe('not_found');
    expect((await ask('service update sw-web --host swarm')).error?.code).toBe('usage');
    expect((await ask('service update --image UPPER:1 sw-web --host swarm')).error?.code).toBe('invalid_reference');
    // A viewer sees, but does not change.
    expect((await ask('service scale sw-web=2 --host swarm', viewer)).error?.code).toBe('forbidden');
  });

  it('an engine that is no Swarm manager answers not_swarm_manager with the way to make it one', async () => {
    for (const line of ['service ls', 'node ls', 'stack ls', 'service ps web', 'service scale web=2']) {
      const outcome = await ask(`${line} --host default`);
      expect({ line, code: outcome.error?.code }).toEqual({ line, code: 'not_swarm_manager' });
      expect(outcome.error?.hint).toContain('docker swarm init');
    }
    // The terminal binary too (DOCKER_HOST is the plain test engine).
    const r = await dockbot(['exec', '--json', 'service ls']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'not_swarm_manager' } });
  });

  it('scale 1 -> 3: previewed, confirmed, the tasks shown live until 3 run', async () => {
    const updates: Reply[] = [];
    const started = performance.now();
    const { preview, outcome } = await confirmed('service scale sw-web=3 --host swarm', (r) => void updates.push(r));
    const botMs = performance.now() - started;
    expect(preview.data).toMatchObject({ preview: { action: 'scale', service: { name: 'sw-web' }, from: 1, replicas: 3 } });
    expect(outcome.ok, JSON.stringify(outcome.error ?? outcome.data)).toBe(true);
    expect(outcome.data).toMatchObject({ outcome: 'converged', running: 3, wanted: 3 });
    const tasks = (outcome.data as { tasks: Array<{ Name: string; CurrentState: string; History: boolean }> }).tasks.filter((t) => !t.History);
    expect(tasks.map((t) => t.Name)).toEqual(['sw-web.1', 'sw-web.2', 'sw-web.3']);
    expect(tasks.every((t) => t.CurrentState.startsWith('Running'))).toBe(true);
    expect(outcome.reply.title).toBe('Scaled sw-web to 3');
    expect(await runningTasks('sw-web')).toBe(3);
    // Live states, when the swarm took long enough to show any, are task steps.
    for (const u of updates) expect(u.blocks[0]).toMatchObject({ type: 'progress' });

    // The same change straight through dockerode, polling the tasks (the baseline of the figure).
    const scaleDirectly = async (replicas: number) => {
      const now = await inspect('sw-web');
      await direct.getService('sw-web').update({ _query: { version: now.Version.Index }, _body: { ...now.Spec, Mode: { Replicated: { Replicas: replicas } } } });
    };
    await scaleDirectly(1);
    await waitRunning('sw-web', 1);
    const t0 = performance.now();
    await scaleDirectly(3);
    await waitRunning('sw-web', 3);
    const directMs = performance.now() - t0;
    process.stdout.write(`[swarm] scale 1->3 converged: through the bot ${Math.round(botMs)} ms (preview + confirm + watch), dockerode polling ${Math.round(directMs)} ms\n`);
  });

  it('scaling to what it has already is nothing to confirm', async () => {
    const outcome = await ask('service scale sw-web=3 --host swarm');
    expect(outcome).toMatchObject({ ok: true, data: { outcome: 'unchanged' } });
  });

  it('a confirmed change acts only at the version its preview saw', async () => {
    const preview = await ask('service scale sw-web=2 --host swarm');
    const before = await inspect('sw-web');
    // Someone changes the service between preview and Confirm.
    await swarm.docker('service', 'update', '--detach', '--label-add', 'touched=yes', 'sw-web');
    const outcome = await app.dispatcher.act(preview.confirmation!.confirm.id, operator);
    expect(outcome.error?.code).toBe('conflict');
    expect(outcome.error?.message).toContain('changed since the preview');
    const after = await inspect('sw-web');
    expect(after.Spec.Mode.Replicated?.Replicas).toBe(3);
    expect(after.Version.Index).toBeGreaterThan(before.Version.Index);
  });

  it('an update to a missing image fails, the swarm rolls it back, and the bot says so', async () => {
    const updates: Reply[] = [];
    const { preview, outcome } = await confirmed(`service update --image ${MISSING} sw-web --host swarm`, (r) => void updates.push(r));
    expect(preview.data).toMatchObject({ preview: { action: 'update', image: MISSING, failureAction: 'rollback' } });
    expect(outcome.ok).toBe(false);
    expect(outcome.data).toMatchObject({ outcome: 'rolled_back', updateState: 'rollback_completed' });
    expect((outcome.data as { taskError: string }).taskError).toContain('No such image');
    expect(outcome.reply.title).toBe('sw-web: rolled back');
    expect(plainText(outcome.reply)).toContain('failed and the swarm rolled it back');
    expect((await inspect('sw-web')).Spec.TaskTemplate.ContainerSpec.Image).toBe(swarm.busybox);
    // While it ran, the live message showed the tasks and the engine's update state.
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.some((u) => plainText(u).includes('update state: updating') || plainText(u).includes('update state: rollback_started'))).toBe(true);
  }, 120_000);

  it('an update whose failure action is pause stops there; service rollback brings the old image back', async () => {
    const { outcome } = await confirmed(`service update --image ${MISSING} sw-paused --host swarm`);
    expect(outcome.ok).toBe(false);
    expect(outcome.data).toMatchObject({ outcome: 'paused', updateState: 'paused' });
    expect(outcome.reply.title).toBe('sw-paused: paused');
    expect(JSON.stringify(outcome.reply.blocks)).toContain('Roll back');
    const { preview, outcome: back } = await confirmed('service rollback sw-paused --host swarm');
    expect(preview.data).toMatchObject({ preview: { action: 'rollback', from: MISSING, to: swarm.busybox } });
    expect(back.ok, JSON.stringify(back.data)).toBe(true);
    expect(back.data).toMatchObject({ outcome: 'rolled_back', running: 1 });
    expect((await inspect('sw-paused')).Spec.TaskTemplate.ContainerSpec.Image).toBe(swarm.busybox);
  }, 120_000);

  it('the run policy holds for service specs: host network, registry allowlist', async () => {
    const hostnet = await ask(`service update --image ${swarm.busybox}-other sw-hostnet --host swarm`);
    expect(hostnet.error?.code).toBe('forbidden');
    expect(hostnet.error?.message).toContain('--network host');
    expect((await ask('service scale sw-hostnet=2 --host swarm')).error?.code).toBe('forbidden');
    const say = (text: string) => strict.dispatcher.handle({ id: `strict-${++seq}`, text, requester: operator });
    const registry = await say('service update --image docker.io/library/web:2 sw-talk --host swarm');
    expect(registry.error?.code).toBe('forbidden');
    expect(registry.data).toMatchObject({ rules: ['registries'] });
    // Scaling up starts more tasks of a spec whose image is from a registry not on the list.
    expect((await say('service scale sw-talk=2 --host swarm')).error?.code).toBe('forbidden');
    expect((await inspect('sw-talk')).Spec.Mode.Replicated?.Replicas).toBe(1);
  });

  it('fuzzed Swarm command lines get coded answers and change no service', async () => {
    const versions = async () => JSON.stringify(((await direct.listServices()) as Array<{ ID: string; Version: { Index: number } }>).map((s) => [s.ID, s.Version.Index]).sort());
    const before = await versions();
    const swarmCommands = commands.filter((c) => /^(service|node|stack) /.test(c.name));
    expect(swarmCommands).toHaveLength(10);
    // Here the swarm is the default engine: generated lines name no --host.
    const file = join(dir, 'fuzz.yaml');
    writeFileSync(file, `roles:\n  operator: ["slack:${operator.userId}"]\n`);
    const fuzzApp = createApp(loadConfig({ DOCKER_HOST: swarm.dockerHost, DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: join(dir, 'fuzz') }, dir), createLogger('silent', 'stderr'));
    const stats = await runFuzz(fuzzApp.dispatcher, lineGenerator(swarmCommands, 11), 400, [operator, viewer], 30_000);
    expect(stats.failures, JSON.stringify(stats.failures, null, 1)).toEqual([]);
    expect(stats.crashes).toBe(0);
    expect(stats.overDeadline).toBe(0);
    expect(stats.codes.ok ?? 0).toBeGreaterThan(10);
    expect(await versions()).toBe(before);
  }, 120_000);
});
