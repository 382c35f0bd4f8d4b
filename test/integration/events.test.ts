// The engine events watcher on the private engine: one message per failed exit, none for a
// requested stop (its two kills are one), storms coalesced, restart loops told once, image
// deletes; and on an engine that is stopped and started again while containers exit, each exit
// is reported exactly once — also across a restart of the watcher itself.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { plainText } from '../../src/core/reply.js';
import { EventsWatcher, type WatcherState } from '../../src/docker/events.js';
import { engineProbe, healthRoute } from '../../src/metrics.js';
import { Notifier, type Notification } from '../../src/notify/notifier.js';
import { JsonStateFile } from '../../src/store/json-state.js';
import { RecordingTarget } from '../support/notify.js';
import { restartableEngine, type RestartableEngine } from '../support/restartable-engine.js';
import { busybox, docker, dockerHost, engine, skipReason, TEST_LABEL } from '../support/engine.js';

const LABEL = 'events';
const log = pino({ level: 'silent' });

interface Rig {
  watcher: EventsWatcher;
  team: RecordingTarget;
  stateFile: string;
}

function rig(e: () => Dockerode, options: { stateFile?: string; kills?: string[]; quietMs?: number; maxWindowMs?: number } = {}): Rig {
  const team = new RecordingTarget('slack');
  const notifier = new Notifier({
    channels: ['slack:CEVENTS'],
    cooldownMs: 60_000,
    log,
    subscriptions: { channelsFor: (n: Notification) => (n.event === 'kill' ? (options.kills ?? []) : []) },
  });
  notifier.register(team);
  const stateFile = options.stateFile ?? join(mkdtempSync(join(tmpdir(), 'dockbot-watch-')), 'watcher.json');
  const watcher = new EventsWatcher({
    engine: e,
    notify: (n) => notifier.notify(n),
    store: new JsonStateFile<WatcherState>(stateFile),
    log,
    reconnectDelayMs: { min: 200, max: 1000 },
    ...(options.quietMs ? { quietMs: options.quietMs } : {}),
    ...(options.maxWindowMs ? { maxWindowMs: options.maxWindowMs } : {}),
  });
  return { watcher, team, stateFile };
}

const countOf = (posted: RecordingTarget['posted']): number => posted.reduce((sum, p) => sum + ((p.notification.data as { count?: number }).count ?? 0), 0);
const exitsOf = (team: RecordingTarget): RecordingTarget['posted'] => team.posted.filter((p) => p.notification.event === 'die');

async function createBusybox(e: Dockerode, name: string, cmd: string, extra: Partial<Dockerode.ContainerCreateOptions> = {}): Promise<Dockerode.Container> {
  return e.createContainer({ name, Image: busybox, Cmd: ['sh', '-c', cmd], Labels: { [TEST_LABEL]: LABEL }, ...extra });
}

async function settle(w: EventsWatcher, ms = 800): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await w.flushWindow();
}

describe.skipIf(skipReason)('events watcher', () => {
  let current: Rig | undefined;

  afterEach(async () => {
    await current?.watcher.stop();
    current = undefined;
    const e = engine();
    const left = await e.listContainers({ all: true, filters: JSON.stringify({ label: [`${TEST_LABEL}=${LABEL}`] }) });
    await Promise.all(left.map((c) => e.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  });

  it('a container exiting 1 produces exactly one notification, with its last log lines', async () => {
    current = rig(engine);
    await current.watcher.start();
    const c = await createBusybox(engine(), 'ev-exit1', 'echo starting; echo something broke >&2; exit 1');
    await c.start();
    await current.team.until((p) => exitsOf({ posted: p } as RecordingTarget).length >= 1);
    await settle(current.watcher, 1500);
    const exits = exitsOf(current.team);
    expect(exits).toHaveLength(1);
    expect(exits[0]?.channel).toBe('CEVENTS');
    const shown = plainText(exits[0]!.reply);
    expect(shown).toMatch(/ev-exit1 exited with code 1/);
    expect(shown).toContain('something broke');
  });

  it('a requested stop is no failure, and its two kill events are one', async () => {
    current = rig(engine, { kills: ['slack:CKILLS'] });
    await current.watcher.start();
    // PID 1 ignores SIGTERM here, so `stop -t 1` sends SIGTERM and then SIGKILL.
    const c = await createBusybox(engine(), 'ev-stop', 'sleep 300');
    await c.start();
    await c.stop({ t: 1 });
    await settle(current.watcher, 1500);
    expect(exitsOf(current.team)).toEqual([]);
    const kills = current.team.posted.filter((p) => p.notification.event === 'kill');
    expect(kills).toHaveLength(1);
    expect(kills[0]?.channel).toBe('CKILLS');
    expect((kills[0]?.notification.data as { signals: string[] }).signals).toHaveLength(2);
  });

  it('200 containers exiting within a second: at most three messages, counts adding up to 200', async () => {
    // On a busy 2-core machine the engine takes many seconds to report 200 exits that happen
    // within one: the window is widened so the test measures coalescing, not the machine.
    current = rig(engine, { quietMs: 2000, maxWindowMs: 60_000 });
    const e = engine();
    // All wait for one file, then exit together.
    const trigger = mkdtempSync(join(tmpdir(), 'dockbot-storm-'));
    const containers: Dockerode.Container[] = [];
    for (let i = 0; i < 200; i += 20) {
      containers.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            createBusybox(e, `ev-storm-${i + j}`, 'while [ ! -e /trigger/go ]; do sleep 0.5; done; exit 2', { HostConfig: { Binds: [`${trigger}:/trigger:ro`] } }),
          ),
        )),
      );
    }
    for (let i = 0; i < containers.length; i += 20) await Promise.all(containers.slice(i, i + 20).map((c) => c.start()));
    await current.watcher.start();
    writeFileSync(join(trigger, 'go'), '');
    await current.team.until((p) => countOf(p.filter((x) => x.notification.event === 'die')) >= 200, 60_000);
    await settle(current.watcher, 1500);
    const exits = exitsOf(current.team);
    expect(exits.length).toBeLessThanOrEqual(3);
    expect(countOf(exits)).toBe(200);
  }, 240_000);

  it('a restart loop is one message, then quiet', async () => {
    current = rig(engine);
    await current.watcher.start();
    const c = await createBusybox(engine(), 'ev-loop', 'exit 7', { HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 6 } } });
    await c.start();
    const deadline = Date.now() + 30_000;
    while ((await c.inspect()).RestartCount < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await settle(current.watcher, 1500);
    const about = current.team.posted.filter((p) => p.notification.name === 'ev-loop');
    expect(about.filter((p) => p.notification.event === 'restart-loop')).toHaveLength(1);
    // Before the loop is recognised: the first exit (later ones fall in the cooldown).
    expect(about.filter((p) => p.notification.event === 'die')).toHaveLength(1);
  });

  it('tells the team when an image is deleted', async () => {
    current = rig(engine);
    await current.watcher.start();
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-img-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${busybox}\nLABEL ${TEST_LABEL}=${LABEL}\nRUN echo $RANDOM > /r\n`);
    await docker('build', '-q', '-t', 'dockbot-test/ev-delete:1', dir);
    const id = (await docker('image', 'inspect', '--format', '{{.Id}}', 'dockbot-test/ev-delete:1')).trim();
    await docker('rmi', 'dockbot-test/ev-delete:1');
    await current.team.until((p) => p.some((x) => x.notification.event === 'image-delete'));
    await settle(current.watcher, 800);
    const deletes = current.team.posted.filter((p) => p.notification.event === 'image-delete');
    expect(deletes.length).toBeGreaterThanOrEqual(1);
    expect(deletes.map((p) => plainText(p.reply)).join('\n')).toContain(id);
  });

  describe('an engine that stops and starts again', () => {
    let restartable: RestartableEngine;

    let server: Server | undefined;
    let healthUrl = '';
    const healthz = async (): Promise<{ status: number; body: { ok: boolean; checks: unknown[] } }> => {
      const res = await fetch(healthUrl);
      return { status: res.status, body: (await res.json()) as { ok: boolean; checks: unknown[] } };
    };

    beforeAll(async () => {
      restartable = await restartableEngine({ fromHost: dockerHost, image: busybox });
      // /healthz as the shared HTTP server mounts it, on a plain node:http server.
      const route = healthRoute(() => [engineProbe(() => restartable.engine.ping())]);
      server = createServer((req, res) => void route.handler(req, res));
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
      healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    }, 120_000);

    afterAll(async () => {
      await new Promise((r) => (server ? server.close(r) : r(null)));
      await restartable?.destroy();
    });

    it('reports each exit exactly once, whether seen as an event or found by re-listing', async () => {
      const e = restartable.engine;
      const first = rig(() => e);
      current = first;
      await first.watcher.start();
      // One exit the watcher sees as it happens...
      const seen = await createBusybox(e, 'ev-seen', 'exit 5');
      // ...and three that happen while the engine is down (live-restore keeps them running).
      const unseen = await Promise.all([1, 2, 3].map((i) => createBusybox(e, `ev-unseen-${i}`, `sleep 4; exit ${10 + i}`)));
      await seen.start();
      await Promise.all(unseen.map((c) => c.start()));
      await first.team.until((p) => p.some((x) => x.notification.name === 'ev-seen'));
      expect(await healthz()).toMatchObject({ status: 200, body: { ok: true } });
      await restartable.stop();
      for (const until = Date.now() + 5000; first.watcher.connected && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      expect(first.watcher.connected).toBe(false);
      const down = await healthz();
      expect(down.status).toBe(503);
      expect(down.body.checks).toEqual([expect.objectContaining({ name: 'engine', ok: false, reason: expect.stringMatching(/the engine does not answer/) })]);
      await new Promise((r) => setTimeout(r, 6000)); // the three exit meanwhile
      await restartable.start();
      await first.team.until((p) => countOf(p.filter((x) => x.notification.event === 'die')) >= 4, 30_000);
      await settle(first.watcher, 1500);
      expect(first.watcher.connected).toBe(true);
      expect((await healthz()).status).toBe(200);
      const told = exitsOf(first.team).flatMap((p) => (p.notification.data as { containers: string[] }).containers);
      expect(told.sort()).toEqual(['ev-seen', 'ev-unseen-1', 'ev-unseen-2', 'ev-unseen-3']);
      expect(first.watcher.stats.reconciled).toBe(3);

      // The bot restarts: the stored state says all four were told; nothing is told twice.
      await first.watcher.stop();
      const second = rig(() => e, { stateFile: first.stateFile });
      current = second;
      await second.watcher.start();
      await settle(second.watcher, 1000);
      expect(second.team.posted).toEqual([]);
      // And it still watches: a new exit after the restart is told.
      const later = await createBusybox(e, 'ev-after', 'exit 9');
      await later.start();
      await second.team.until((p) => p.some((x) => x.notification.name === 'ev-after'));
      await settle(second.watcher, 800);
      expect(exitsOf(second.team).map((p) => p.notification.name)).toEqual(['ev-after']);
    }, 120_000);
  });
});
