// Which containers a confirmed command acts on, and how partial failures are reported, against a fake engine.
import type Dockerode from 'dockerode';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  forEachTarget,
  isActiveState,
  isRunning,
  leftAloneNote,
  containerPlan,
  selectTargets,
  type ContainerTarget,
  type EffectRules,
} from '../../src/docker/container-targets.js';
import { DockerHost } from '../../src/docker/host.js';
import { plainText, reply } from '../../src/core/reply.js';
import { readStoredPlan } from '../../src/core/command.js';

const log = pino({ level: 'silent' });
const id = (c: string): string => c.repeat(64);

const info = (cid: string, name: string, state: string) =>
  ({ Id: cid, Name: `/${name}`, Config: { Image: 'busybox' }, State: { Status: state, ExitCode: 0 }, Mounts: [], HostConfig: {} }) as unknown as Dockerode.ContainerInspectInfo;

/** An engine with these containers: inspect by exact id or name, 404 otherwise. */
function fakeHost(containers: Dockerode.ContainerInspectInfo[], fail: Record<string, unknown> = {}): { host: DockerHost; calls: string[] } {
  const calls: string[] = [];
  const notFound = () => Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404, json: { message: 'No such container' } });
  const engine = {
    listContainers: async () => [],
    getContainer: (ref: string) => ({
      inspect: async () => {
        const found = containers.find((c) => c.Id === ref || c.Name === `/${ref}`);
        if (!found) throw notFound();
        return found;
      },
      stop: async () => {
        calls.push(`stop ${ref}`);
        if (fail[ref]) throw fail[ref];
      },
    }),
  };
  return { host: new DockerHost('unix:///fake.sock', engine as unknown as Dockerode), calls };
}

const stopRules: EffectRules = {
  effect: (t: ContainerTarget) => (isRunning(t) ? 'stop' : 'none (not running)'),
  severity: ['none (not running)', 'stop'],
  noop: 'none (not running)',
};

const target = (c: Dockerode.ContainerInspectInfo): ContainerTarget => ({
  ref: c.Name.slice(1),
  id: c.Id,
  name: c.Name.slice(1),
  image: 'busybox',
  state: c.State.Status,
  exitCode: 0,
  anonymousVolumes: [],
  info: c,
});

describe('active states', () => {
  it('running, paused and restarting are active; the others are not', () => {
    for (const s of ['running', 'paused', 'restarting']) expect(isActiveState(s)).toBe(true);
    for (const s of ['created', 'exited', 'dead', 'removing']) expect(isActiveState(s)).toBe(false);
  });
});

describe('selectTargets', () => {
  it('confirmed from a preview: the previewed ids, not what the names resolve to now', async () => {
    // `web` was removed and created again after the preview: the new one has another id.
    const fresh = info(id('b'), 'web', 'running');
    const { host } = fakeHost([fresh, info(id('c'), 'db', 'running')]);
    const preview = {
      containers: [
        { id: id('a'), name: 'web', state: 'running', action: 'stop' },
        { id: id('c'), name: 'db', state: 'running', action: 'stop' },
      ],
    };
    let resolved = false;
    const selection = await selectTargets(
      host,
      { by: 'preview', plan: preview },
      async () => {
        resolved = true;
        return [target(fresh)];
      },
      stopRules,
    );
    expect(resolved).toBe(false);
    expect(selection.act.map((t) => t.id)).toEqual([id('c')]);
    expect(selection.leftAlone).toEqual([{ id: id('a'), name: 'web', state: 'removed', previewedState: 'running', why: 'removed since the preview' }]);
  });

  it('leaves alone what would now get more than the preview showed; a no-op stays a no-op without an engine call', async () => {
    const { host } = fakeHost([info(id('a'), 'started', 'running'), info(id('b'), 'idle', 'exited'), info(id('c'), 'stopped', 'exited')]);
    const preview = {
      containers: [
        { id: id('a'), name: 'started', state: 'exited', action: 'none (not running)' },
        { id: id('b'), name: 'idle', state: 'exited', action: 'none (not running)' },
        { id: id('c'), name: 'stopped', state: 'running', action: 'stop' },
      ],
    };
    const selection = await selectTargets(host, { by: 'preview', plan: preview }, async () => [], stopRules);
    expect(selection.act.map((t) => t.name)).toEqual(['stopped']);
    expect(selection.unchanged.map((t) => t.name)).toEqual(['idle']);
    expect(selection.leftAlone).toEqual([{ id: id('a'), name: 'started', state: 'running', previewedState: 'exited', why: 'running now, exited in the preview' }]);
  });

  it('--yes acts on the named containers as they are now; unconfirmed acts on nothing that needs confirming', async () => {
    const running = info(id('a'), 'web', 'running');
    const { host } = fakeHost([running]);
    const named = async () => [target(running)];
    expect((await selectTargets(host, { by: 'flag' }, named, stopRules)).act).toHaveLength(1);
    const unconfirmed = await selectTargets(host, { by: 'empty', plan: { containers: [] } }, named, stopRules);
    expect(unconfirmed.act).toEqual([]);
    expect(unconfirmed.leftAlone).toEqual([{ id: id('a'), name: 'web', state: 'running', why: 'running now, not in the preview' }]);
  });

  it('a preview it cannot read changes nothing', async () => {
    const { host } = fakeHost([]);
    for (const bad of [null, {}, { containers: [{ name: 'x' }] }]) {
      // The dispatcher reads a stored plan with this one check before any selection.
      const select = async () => selectTargets(host, { by: 'preview', plan: readStoredPlan(containerPlan, bad) }, async () => [], stopRules);
      await expect(select()).rejects.toMatchObject({
        code: 'confirmation_invalid',
      });
    }
    expect(() => readStoredPlan(containerPlan, { containers: [] })).not.toThrow();
  });

  it('says what was left alone in one way for every command', () => {
    const note = leftAloneNote([
      { id: id('a'), name: 'web', state: 'running', previewedState: 'exited', why: 'running now, exited in the preview' },
      { id: id('b'), name: 'db', state: 'removed', why: 'removed since the preview' },
    ]);
    expect(plainText(reply(note))).toBe(
      'left alone, changed since the preview: web (running now, exited in the preview), db (removed since the preview); run the command again to see what it would do now',
    );
    expect(leftAloneNote([])).toEqual([]);
  });
});

describe('forEachTarget', () => {
  const a = info(id('a'), 'a', 'running');
  const b = info(id('b'), 'b', 'running');
  const stop = async (c: Dockerode.Container): Promise<string> => {
    await c.stop();
    return 'stopped';
  };

  it('an unexplained failure after others were done: a UserError listing what was done and what failed', async () => {
    const { host, calls } = fakeHost([a, b], { [id('b')]: new TypeError('boom') });
    const err = await forEachTarget(host, [target(a), target(b)], 'stop', stop, log).catch((e: unknown) => e);
    expect(calls.sort()).toEqual([`stop ${id('a')}`, `stop ${id('b')}`]);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({
      code: 'internal',
      message: 'could not stop 1 of 2 containers (b: failed unexpectedly (the details are in the bot log)); done: a',
      data: { done: [{ id: id('a'), name: 'a', result: 'stopped' }], failed: [{ id: id('b'), name: 'b' }] },
    });
  });

  it('an engine failure next to a success keeps the engine error code', async () => {
    const gone = Object.assign(new Error('(HTTP code 500) server error - oops'), { statusCode: 500, json: { message: 'oops' } });
    const { host } = fakeHost([a, b], { [id('b')]: gone });
    const err = await forEachTarget(host, [target(a), target(b)], 'stop', stop, log).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'engine_error', data: { done: [{ name: 'a' }], failed: [{ name: 'b', result: 'the engine failed: oops' }] } });
  });

  it('an unexplained failure with nothing done is the bug it is (internal, logged by the dispatcher)', async () => {
    const bug = new TypeError('boom');
    const { host } = fakeHost([a], { [id('a')]: bug });
    await expect(forEachTarget(host, [target(a)], 'stop', stop, log)).rejects.toBe(bug);
  });
});
