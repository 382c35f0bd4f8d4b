// The events watcher with two private engines: each engine is watched on its own connection, a
// failed exit on each is one notification naming its engine, an engine that stops does not stop
// the other's notifications (and after it is back its exits are told once), each engine's state
// is kept in a file of its own, and /healthz says which engine is down without failing for it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Dockerode from 'dockerode';
import { loadConfig } from '../../src/config.js';
import { plainText } from '../../src/core/reply.js';
import { createLogger } from '../../src/log.js';
import { createApp, type App } from '../../src/main.js';
import { RecordingTarget, type Posted } from '../support/notify.js';
import { restartableEngine, type RestartableEngine } from '../support/restartable-engine.js';
import { busybox, dockerHost, engine, skipReason, TEST_LABEL } from '../support/engine.js';

const LABEL = 'events-engines';

async function exitWith(e: Dockerode, image: string, name: string, code: number): Promise<void> {
  const c = await e.createContainer({ name, Image: image, Cmd: ['sh', '-c', `echo failing on purpose; exit ${code}`], Labels: { [TEST_LABEL]: LABEL } });
  await c.start();
}

const exitsNamed = (posted: Posted[], name: string): Posted[] => posted.filter((p) => p.notification.event === 'die' && (p.notification.data as { containers?: string[] }).containers?.includes(name));

describe.skipIf(skipReason)('events watcher on every engine', () => {
  let second: RestartableEngine;
  let app: App;
  let team: RecordingTarget;
  let dir: string;
  let server: Server;
  let healthUrl: string;

  beforeAll(async () => {
    second = await restartableEngine({ fromHost: dockerHost, image: busybox });
    dir = mkdtempSync(join(tmpdir(), 'dockbot-events-engines-'));
    const config = join(dir, 'dockbot.yaml');
    const context = mkdtempSync(join(tmpdir(), 'dockbot-events-engines-context-'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${busybox}\nLABEL ${TEST_LABEL}=${LABEL}\nRUN true\n`);
    writeFileSync(config, `engines:\n  second: { host: "${second.dockerHost}", timeoutSeconds: 5 }\nbuilds:\n  contexts:\n    small: ${context}\nnotifications:\n  channels: ["slack:CEVENTS"]\n`);
    app = createApp(loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_CONFIG: config, DOCKBOT_DATA_DIR: join(dir, 'data') }, dir), createLogger('silent', 'stderr'));
    team = new RecordingTarget('slack');
    app.notifications.notifier.register(team);
    const routes = app.notifications.routes();
    const health = routes.find((r) => r.path === '/healthz')!;
    server = createServer((req, res) => void health.handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    await app.notifications.startWatching();
  }, 180_000);

  afterAll(async () => {
    await app?.notifications.stop();
    await new Promise((r) => server?.close(r));
    const e = engine();
    const left = await e.listContainers({ all: true, filters: JSON.stringify({ label: [`${TEST_LABEL}=${LABEL}`] }) });
    await Promise.all(left.map((c) => e.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await second?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a container exiting 1 on each engine: one notification each, naming its engine', async () => {
    await exitWith(engine(), busybox, 'ee-first', 1);
    await exitWith(second.engine, busybox, 'ee-second', 1);
    await team.until((p) => exitsNamed(p, 'ee-first').length >= 1 && exitsNamed(p, 'ee-second').length >= 1);
    await new Promise((r) => setTimeout(r, 1500)); // a second message would come within the window
    const first = exitsNamed(team.posted, 'ee-first');
    const other = exitsNamed(team.posted, 'ee-second');
    expect(first).toHaveLength(1);
    expect(other).toHaveLength(1);
    expect(first[0]?.notification.data).toMatchObject({ engine: 'default' });
    expect(other[0]?.notification.data).toMatchObject({ engine: 'second' });
    expect(first[0]?.reply.title).toBe('Container ee-first exited with code 1 (engine default)');
    expect(plainText(other[0]!.reply)).toMatch(/ee-second exited with code 1 \(engine second\)[\s\S]*failing on purpose[\s\S]*engine: second/);
    // Each engine's state in a file of its own.
    expect(existsSync(join(dir, 'data', 'watcher-state.json'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'watcher-state.second.json'))).toBe(true);
  });

  it('one engine stopped: the other engine exits are still told, /healthz says which is down; back up, nothing told twice', async () => {
    expect(await (await fetch(healthUrl)).json()).toMatchObject({ ok: true });
    // A container that exits while its engine is down (live-restore keeps it running meanwhile).
    const late = await second.engine.createContainer({ name: 'ee-while-down', Image: busybox, Cmd: ['sh', '-c', 'sleep 4; exit 5'], Labels: { [TEST_LABEL]: LABEL } });
    await late.start();
    await second.stop();

    await exitWith(engine(), busybox, 'ee-first-again', 1);
    await team.until((p) => exitsNamed(p, 'ee-first-again').length >= 1);

    const down = await fetch(healthUrl);
    // The default engine answers: the bot is healthy, degraded, with the engine that does not.
    expect(down.status).toBe(200);
    const body = (await down.json()) as { ok: boolean; degraded?: boolean; checks: Array<{ name: string; ok: boolean; critical?: boolean; reason?: string }> };
    expect(body).toMatchObject({ ok: true, degraded: true });
    expect(body.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'engine:default', ok: true }),
        expect.objectContaining({ name: 'engine:second', ok: false, critical: false, reason: expect.stringMatching(/does not answer/) }),
      ]),
    );

    await new Promise((r) => setTimeout(r, 5000)); // ee-while-down exits while nobody watches
    await second.start();
    // After reconnecting, the re-list finds the exit that happened meanwhile: told once.
    await team.until((p) => exitsNamed(p, 'ee-while-down').length >= 1, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(exitsNamed(team.posted, 'ee-while-down')).toHaveLength(1);
    expect(exitsNamed(team.posted, 'ee-while-down')[0]?.notification.data).toMatchObject({ engine: 'second', exitCode: 5 });
    expect(exitsNamed(team.posted, 'ee-first-again')).toHaveLength(1);
    expect(exitsNamed(team.posted, 'ee-first')).toHaveLength(1);
    expect(exitsNamed(team.posted, 'ee-second')).toHaveLength(1);
    expect((await fetch(healthUrl)).status).toBe(200);
  }, 120_000);

  it('a build on one engine of several tells the team which engine built it', async () => {
    const outcome = await app.dispatcher.handle({ id: 'ee-build', text: 'build --host second -t dockbot-test/ee-built:1 small', requester: { platform: 'shell', userId: 'ee', trustedRole: 'admin' } });
    expect(outcome).toMatchObject({ ok: true, engine: 'second' });
    await team.until((p) => p.some((x) => x.reply.title === 'Build succeeded: dockbot-test/ee-built:1'));
    const notice = team.posted.find((x) => x.reply.title === 'Build succeeded: dockbot-test/ee-built:1')!;
    expect(notice.notification.data).toMatchObject({ engine: 'second' });
    expect(plainText(notice.reply)).toMatch(/Engine: second/);
    await second.engine.getImage('dockbot-test/ee-built:1').remove().catch(() => undefined);
  }, 60_000);
});
