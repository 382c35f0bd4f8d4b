// start/stop/restart/rm and container prune against the private engine, through the
// dispatcher as chat users with roles: previews, confirmation (who, once, until when),
// --dry-run, and exactly which containers change (checked with the Docker CLI).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import type { Requester } from '../../src/core/command.js';
import { ConfirmationStore } from '../../src/core/confirm.js';
import { Dispatcher, type Outcome } from '../../src/core/dispatcher.js';
import { RolePolicy } from '../../src/core/policy.js';
import { plainText } from '../../src/core/reply.js';
import { mapEngineError } from '../../src/docker/errors.js';
import type { App } from '../../src/main.js';
import { asUser, busybox, chatUser, cleanup, docker, dockbotJson, skipReason, TEST_LABEL, testApp } from '../support/engine.js';
import { actionIds } from '../support/actions.js';

const FILE = 'containers';
const LABEL = `${TEST_LABEL}=${FILE}`;
const ROLES = 'roles:\n  operator: ["slack:UOPS", "slack:UOPS2"]\n  admin: ["slack:UADMIN"]\n';
const operator = chatUser('UOPS');
const otherOperator = chatUser('UOPS2');
const admin = chatUser('UADMIN');
const viewer = chatUser('UVIEW');

interface PreviewData {
  preview: { containers: Array<{ id: string; name: string; state: string; action?: string }>; reclaimableBytes?: number };
  confirm: { token: string; expiresAt: string };
}

async function running(name: string, ...labels: string[]): Promise<string> {
  return (await docker('run', '-d', '--name', name, '-l', LABEL, ...labels.flatMap((l) => ['-l', l]), busybox, 'sleep', '600')).trim();
}
async function exited(name: string, ...labels: string[]): Promise<string> {
  await docker('run', '--name', name, '-l', LABEL, ...labels.flatMap((l) => ['-l', l]), busybox, 'true');
  return (await docker('inspect', '--format', '{{.Id}}', name)).trim();
}
async function created(name: string, ...labels: string[]): Promise<string> {
  return (await docker('create', '--name', name, '-l', LABEL, ...labels.flatMap((l) => ['-l', l]), busybox, 'true')).trim();
}
const state = async (name: string): Promise<string> => (await docker('inspect', '--format', '{{.State.Status}}', name)).trim();
const startedAt = async (name: string): Promise<string> => (await docker('inspect', '--format', '{{.State.StartedAt}}', name)).trim();
const exists = (name: string): Promise<boolean> =>
  docker('inspect', '--type', 'container', name).then(
    () => true,
    () => false,
  );
/** Names of this file's containers, by the Docker CLI. */
const ours = async (): Promise<string[]> => (await docker('ps', '-a', '--filter', `label=${LABEL}`, '--format', '{{.Names}}')).split('\n').filter(Boolean).sort();
const allContainers = async (): Promise<string> => docker('ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.State}}');

function confirmAction(out: Outcome): string {
  expect(out.error?.code).toBe('confirmation_required');
  const actions = out.reply.blocks.flatMap((b) => (b.type === 'actions' ? b.actions.map((a) => a.id) : []));
  const confirm = actions.find((id) => id.startsWith('confirm:'));
  expect(actions).toContain(confirm?.replace('confirm:', 'cancel:'));
  return confirm as string;
}

describe.skipIf(skipReason)('container commands', () => {
  let app: App;

  beforeAll(async () => {
    await cleanup(FILE);
    ({ app } = await testApp(ROLES));
  });
  afterAll(async () => {
    await cleanup(FILE);
  });

  it('stop previews what it will touch, changes nothing until confirmed, then stops', async () => {
    const id = await running('ct-web');
    const out = await asUser(app, operator, 'stop -t 1 ct-web');
    const confirm = confirmAction(out);
    const data = out.data as PreviewData;
    expect(data.preview.containers).toEqual([expect.objectContaining({ id, name: 'ct-web', state: 'running', action: 'stop' })]);
    expect(plainText(out.reply)).toContain('ct-web');
    expect(await state('ct-web')).toBe('running');

    const done = await app.dispatcher.act(confirm, operator);
    expect(done).toMatchObject({ ok: true, command: 'stop', data: { results: [{ name: 'ct-web', result: 'stopped' }] } });
    expect(await state('ct-web')).toBe('exited');
  });

  it('start needs no confirmation; restart does', async () => {
    const started = await asUser(app, operator, 'start ct-web');
    expect(started).toMatchObject({ ok: true, data: { results: [{ name: 'ct-web', result: 'started' }] } });
    expect(await state('ct-web')).toBe('running');

    const before = await startedAt('ct-web');
    const out = await asUser(app, operator, 'restart -t 1 ct-web');
    const confirm = confirmAction(out);
    expect(await startedAt('ct-web')).toBe(before);
    const done = await app.dispatcher.act(confirm, operator);
    expect(done).toMatchObject({ ok: true, command: 'restart' });
    expect(await state('ct-web')).toBe('running');
    expect(await startedAt('ct-web')).not.toBe(before);
  });

  it('rm removes several containers after one confirmation', async () => {
    const a = await exited('ct-rm-a');
    const b = await created('ct-rm-b');
    const out = await asUser(app, operator, 'rm ct-rm-a ct-rm-b');
    const confirm = confirmAction(out);
    const preview = (out.data as PreviewData).preview;
    expect(preview.containers.map((c) => [c.name, c.id, c.state, c.action])).toEqual([
      ['ct-rm-a', a, 'exited', 'remove'],
      ['ct-rm-b', b, 'created', 'remove'],
    ]);
    expect(typeof preview.reclaimableBytes).toBe('number');
    expect(await exists('ct-rm-a')).toBe(true);

    const done = await app.dispatcher.act(confirm, operator);
    expect(done.ok).toBe(true);
    expect(await exists('ct-rm-a')).toBe(false);
    expect(await exists('ct-rm-b')).toBe(false);
  });

  it('rm -v previews and removes the anonymous volumes too', async () => {
    await docker('create', '--name', 'ct-rm-vol', '-l', LABEL, '-v', '/data', busybox, 'true');
    const volume = (await docker('inspect', '--format', '{{range .Mounts}}{{.Name}}{{end}}', 'ct-rm-vol')).trim();
    const out = await asUser(app, operator, 'rm -v ct-rm-vol');
    const confirm = confirmAction(out);
    expect(out.data).toMatchObject({ preview: { volumes: [volume] } });
    expect((await app.dispatcher.act(confirm, operator)).ok).toBe(true);
    expect(await exists('ct-rm-vol')).toBe(false);
    expect((await docker('volume', 'ls', '-q')).split('\n')).not.toContain(volume);
  });

  it('rm of a running container without -f is a conflict offering stop or -f; -f keeps its Docker meaning', async () => {
    const refused = await asUser(app, operator, 'rm ct-web');
    expect(refused.error?.code).toBe('conflict');
    const buttons = actionIds(app.dispatcher, refused.reply);
    expect(buttons).toEqual(['cmd:stop ct-web', 'cmd:rm -f ct-web']);
    expect(await state('ct-web')).toBe('running');

    // -f forces; it does not confirm.
    const out = await asUser(app, operator, 'rm -f ct-web');
    const confirm = confirmAction(out);
    expect((out.data as PreviewData).preview.containers[0]).toMatchObject({ name: 'ct-web', action: 'kill and remove' });
    expect(await state('ct-web')).toBe('running');
    expect((await app.dispatcher.act(confirm, operator)).ok).toBe(true);
    expect(await exists('ct-web')).toBe(false);
  });

  it('an unknown container fails before anything is touched', async () => {
    await exited('ct-typo');
    const out = await asUser(app, operator, 'rm ct-typo ct-no-such-thing', true);
    expect(out.error).toMatchObject({ code: 'not_found', message: 'no such container: ct-no-such-thing' });
    expect(await exists('ct-typo')).toBe(true);
  });

  it('--dry-run returns the plan and changes nothing', async () => {
    await running('ct-dry-run');
    await exited('ct-dry-exited', 'prune=dry');
    const before = await allContainers();
    for (const line of ['stop --dry-run ct-dry-run', 'restart --dry-run ct-dry-run', 'rm --dry-run -f ct-dry-run ct-dry-exited', 'start --dry-run ct-dry-exited']) {
      const out = await asUser(app, operator, line);
      expect(out.ok).toBe(true);
      expect(out.data).toMatchObject({ dryRun: true, plan: { containers: expect.any(Array) } });
    }
    const prune = await asUser(app, operator, 'container prune --dry-run --filter label=prune=dry');
    expect(prune.data).toMatchObject({ dryRun: true, plan: { containers: [{ name: 'ct-dry-exited' }] } });
    expect(await allContainers()).toBe(before);
  });

  it('container prune removes exactly the stopped containers it previewed, and nothing before confirmation', async () => {
    const a = await exited('ct-prune-a', 'prune=yes');
    const b = await created('ct-prune-b', 'prune=yes');
    await exited('ct-prune-keep', 'prune=no');
    await running('ct-prune-running', 'prune=yes');
    const before = await ours();

    const out = await asUser(app, operator, 'container prune --filter label=prune=yes');
    const confirm = confirmAction(out);
    const preview = (out.data as PreviewData).preview;
    expect(preview.containers.map((c) => c.name).sort()).toEqual(['ct-prune-a', 'ct-prune-b']);
    expect(await ours()).toEqual(before);

    const done = await app.dispatcher.act(confirm, operator);
    expect(done.ok).toBe(true);
    expect(((done.data as { deleted: string[] }).deleted ?? []).sort()).toEqual([a, b].sort());
    expect(await ours()).toEqual(before.filter((n) => n !== 'ct-prune-a' && n !== 'ct-prune-b'));
    expect(await state('ct-prune-running')).toBe('running');
    expect(await state('ct-prune-keep')).toBe('exited');
  });

  it('container prune -f confirms by itself in a terminal only; in chat it previews; with nothing to remove there is nothing to confirm', async () => {
    const id = await exited('ct-prune-forced', 'prune=forced');
    // Chat: -f does not skip the preview.
    const chat = await asUser(app, operator, 'container prune -f --filter label=prune=forced');
    confirmAction(chat);
    expect((chat.data as PreviewData).preview.containers.map((c) => c.id)).toEqual([id]);
    expect(await exists('ct-prune-forced')).toBe(true);

    // `dockbot exec`: Docker's meaning, do not prompt.
    const forced = await dockbotJson<{ ok: boolean; data: { deleted: string[] } }>('container prune -f --filter label=prune=forced');
    expect(forced).toMatchObject({ code: 0, body: { ok: true, data: { deleted: [id] } } });
    expect(await exists('ct-prune-forced')).toBe(false);

    const nothing = await asUser(app, operator, 'container prune --filter label=prune=nothing-has-this');
    expect(nothing).toMatchObject({ ok: true, data: { deleted: [] } });
  });

  it('container prune removes only what was previewed: not a container stopped after the preview, not one started since', async () => {
    const previewed = await exited('ct-race-previewed', 'prune=race');
    // Stopped, but starts again (and keeps running) before the Confirm.
    await running('ct-race-restarted', 'prune=race');
    await docker('stop', '-t', '0', 'ct-race-restarted');
    await running('ct-race-late', 'prune=race');
    const out = await asUser(app, operator, 'container prune --filter label=prune=race');
    const confirm = confirmAction(out);
    expect((out.data as PreviewData).preview.containers.map((c) => c.name).sort()).toEqual(['ct-race-previewed', 'ct-race-restarted']);

    // Between the preview and the Confirm: one container stops, a previewed one starts.
    await docker('stop', '-t', '0', 'ct-race-late');
    await docker('start', 'ct-race-restarted');

    const done = await app.dispatcher.act(confirm, operator);
    expect(done).toMatchObject({ ok: true, data: { deleted: [previewed] } });
    const data = done.data as { leftAlone: Array<{ name: string; why: string }> };
    expect(data.leftAlone.map((l) => [l.name, l.why]).sort()).toEqual([
      ['ct-race-late', 'exited now, not in the preview'],
      ['ct-race-restarted', 'running now, exited in the preview'],
    ]);
    expect(plainText(done.reply)).toContain('left alone, changed since the preview: ');
    expect(await exists('ct-race-previewed')).toBe(false);
    expect(await state('ct-race-late')).toBe('exited');
    expect(await state('ct-race-restarted')).toBe('running');
  });

  it('stop, restart and rm act on the containers previewed, by id: not on a namesake created since, not beyond what was shown', async () => {
    const old = await running('ct-same-name');
    const out = await asUser(app, operator, 'stop -t 1 ct-same-name');
    const confirm = confirmAction(out);
    // Removed and created again under the same name before the Confirm.
    await docker('rm', '-f', 'ct-same-name');
    const fresh = await running('ct-same-name');
    const done = await app.dispatcher.act(confirm, operator);
    expect(done).toMatchObject({ ok: true, data: { results: [], leftAlone: [{ id: old, name: 'ct-same-name', why: 'removed since the preview' }] } });
    expect(plainText(done.reply)).toContain('left alone, changed since the preview: ct-same-name (removed since the preview)');
    expect((await docker('inspect', '--format', '{{.Id}} {{.State.Status}}', 'ct-same-name')).trim()).toBe(`${fresh} running`);

    // rm -f previewed as a removal of a stopped container: started since, it is not killed.
    await running('ct-rm-started');
    await docker('stop', '-t', '0', 'ct-rm-started');
    const rmOut = await asUser(app, operator, 'rm -f ct-rm-started');
    const rmConfirm = confirmAction(rmOut);
    expect((rmOut.data as PreviewData).preview.containers[0]).toMatchObject({ action: 'remove' });
    await docker('start', 'ct-rm-started');
    const rmDone = await app.dispatcher.act(rmConfirm, operator);
    expect(rmDone).toMatchObject({ ok: true, data: { results: [], leftAlone: [{ name: 'ct-rm-started', why: 'running now, exited in the preview' }] } });
    expect(await state('ct-rm-started')).toBe('running');

    // restart previewed as a start of a stopped container: running since, it is not stopped.
    await docker('stop', '-t', '0', 'ct-rm-started');
    const restartOut = await asUser(app, operator, 'restart -t 1 ct-rm-started');
    const restartConfirm = confirmAction(restartOut);
    await docker('start', 'ct-rm-started');
    const startedBefore = await startedAt('ct-rm-started');
    const restartDone = await app.dispatcher.act(restartConfirm, operator);
    expect(restartDone).toMatchObject({ ok: true, data: { results: [], leftAlone: [{ name: 'ct-rm-started', why: 'running now, exited in the preview' }] } });
    expect(await startedAt('ct-rm-started')).toBe(startedBefore);

    // stop previewed with nothing running (no confirmation needed) reports a start since the same way.
    await docker('stop', '-t', '0', 'ct-rm-started');
    const nothing = await asUser(app, operator, 'stop ct-rm-started');
    expect(nothing).toMatchObject({ ok: true, data: { results: [{ name: 'ct-rm-started', result: 'was not running' }], leftAlone: [] } });
  });

  it('start and restart apply the run policy to what the container was created with, whoever created it', async () => {
    await docker('create', '--name', 'ct-privileged', '-l', LABEL, '--privileged', busybox, 'sleep', '600');
    await docker('create', '--name', 'ct-host-etc', '-l', LABEL, '-v', '/etc:/host-etc:ro', busybox, 'sleep', '600');
    await docker('create', '--name', 'ct-pid-join', '-l', LABEL, '--pid', 'container:ct-host-etc', busybox, 'sleep', '600');
    // A running privileged container, as restart would find it (this engine cannot run privileged ones: the state is what counts).
    await docker('create', '--name', 'ct-privileged-running', '-l', LABEL, '--privileged', busybox, 'sleep', '600');
    await exited('ct-harmless');
    const before = await allContainers();
    const cases: Array<[string, string, string]> = [
      ['start ct-privileged', 'ct-privileged: --privileged (rule privileged: ', 'nothing was started'],
      ['start --dry-run ct-privileged', 'ct-privileged: --privileged (rule privileged: ', 'nothing was started'],
      ['start ct-harmless ct-host-etc', 'ct-host-etc: -v /etc:/host-etc (rule bind-mounts: ', 'nothing was started'],
      ['start ct-pid-join', 'ct-pid-join: --pid container:', 'nothing was started'],
      ['restart ct-privileged-running', 'ct-privileged-running: --privileged (rule privileged: ', 'nothing was restarted'],
      ['restart ct-harmless ct-privileged', 'ct-privileged: --privileged (rule privileged: ', 'nothing was restarted'],
      ['restart --dry-run ct-privileged', 'ct-privileged: --privileged (rule privileged: ', 'nothing was restarted'],
    ];
    for (const [line, violation, outcome] of cases) {
      // An admin, with the confirmation already given: the policy binds every role all the same.
      const out = await asUser(app, admin, line, true);
      expect({ line, code: out.error?.code }).toEqual({ line, code: 'forbidden' });
      expect(out.error?.message).toContain(violation);
      expect(out.error?.message).toContain(outcome);
      expect(out.error?.hint).toContain('containers created outside dockbot');
    }
    // Nothing started, not even the harmless one named next to a forbidden one.
    expect(await allContainers()).toBe(before);
    expect(await state('ct-privileged')).toBe('created');
    expect(await state('ct-harmless')).toBe('exited');
    const started = await asUser(app, operator, 'start ct-harmless');
    expect(started).toMatchObject({ ok: true, data: { results: [{ name: 'ct-harmless', result: 'started' }] } });
  });

  it('a viewer may do none of it: forbidden, naming the operator role', async () => {
    await running('ct-viewer');
    const before = await allContainers();
    const lines = [
      `run -d -l ${LABEL} ${busybox} sleep 5`,
      'start ct-viewer',
      'stop ct-viewer',
      'restart ct-viewer',
      'rm ct-viewer',
      'rm -f ct-viewer',
      'container prune',
      'container prune -f',
      'stop --dry-run ct-viewer',
    ];
    for (const line of lines) {
      const out = await asUser(app, viewer, line, true);
      const command = line.startsWith('container prune') ? 'container prune' : (line.split(' ')[0] as string);
      expect({ line, error: out.error }).toEqual({
        line,
        error: { code: 'forbidden', message: `\`${command}\` needs the operator role; you are a viewer`, hint: 'an admin can grant it under roles.operator in dockbot.yaml' },
      });
    }
    expect(await allContainers()).toBe(before);
  });

  it('only the requester or an admin may confirm, once; a cancel changes nothing', async () => {
    const out = await asUser(app, operator, 'stop -t 1 ct-viewer');
    const confirm = confirmAction(out);
    const stranger = await app.dispatcher.act(confirm, otherOperator);
    expect(stranger.error).toMatchObject({ code: 'forbidden', message: 'only UOPS or an admin can answer this confirmation' });
    expect(await state('ct-viewer')).toBe('running');

    const byAdmin = await app.dispatcher.act(confirm, admin);
    expect(byAdmin.ok).toBe(true);
    expect(await state('ct-viewer')).toBe('exited');
    await docker('start', 'ct-viewer');

    const twice = await app.dispatcher.act(confirm, operator);
    expect(twice.error).toMatchObject({ code: 'confirmation_invalid', message: 'this request was already confirmed; nothing more was changed' });
    expect(await state('ct-viewer')).toBe('running');

    const again = await asUser(app, operator, 'stop -t 1 ct-viewer');
    const cancelId = confirmAction(again).replace('confirm:', 'cancel:');
    const cancelled = await app.dispatcher.act(cancelId, operator);
    expect(cancelled).toMatchObject({ ok: true, data: { cancelled: true } });
    const late = await app.dispatcher.act(cancelId.replace('cancel:', 'confirm:'), operator);
    expect(late.error?.code).toBe('confirmation_invalid');
    expect(await state('ct-viewer')).toBe('running');
  });

  it('an expired confirmation changes nothing and says why', async () => {
    // The same app, with a clock the test moves: the confirmation store takes one.
    let now = Date.now();
    const ttlMs = app.services.config.confirmTtlMs;
    const dispatcher = new Dispatcher({
      commands,
      services: app.services,
      log: pino({ level: 'silent' }),
      roles: new RolePolicy(app.services.config.roles),
      audit: { record: () => undefined },
      confirmations: new ConfirmationStore(ttlMs, () => now),
      mapError: (err) => mapEngineError(err, app.services.docker.address),
    });
    const requester: Requester = operator;
    const out = await dispatcher.handle({ id: 'expiry-1', text: 'rm -f ct-viewer', requester });
    const confirm = confirmAction(out);
    now += ttlMs + 1;
    const expired = await dispatcher.act(confirm, operator);
    expect(expired.error).toMatchObject({ code: 'confirmation_invalid', message: 'this confirmation expired; nothing was changed' });
    expect(await state('ct-viewer')).toBe('running');
  });

  it('dockbot exec: --yes confirms rm, stop and restart by the containers as they are now', async () => {
    await running('ct-exec-run');
    const stopped = await dockbotJson<{ ok: boolean; data: { results: Array<{ result: string }> } }>('stop -t 1 ct-exec-run', ['--yes']);
    expect(stopped).toMatchObject({ code: 0, body: { ok: true, data: { results: [{ result: 'stopped' }] } } });
    expect(await state('ct-exec-run')).toBe('exited');
    const restarted = await dockbotJson<{ ok: boolean }>('restart -t 1 ct-exec-run', ['--yes']);
    expect(restarted).toMatchObject({ code: 0, body: { ok: true } });
    expect(await state('ct-exec-run')).toBe('running');
  });

  it('dockbot exec: --yes confirms rm; without it nothing changes', async () => {
    await exited('ct-exec');
    const asked = await dockbotJson<{ ok: boolean; error: { code: string }; data: PreviewData }>('rm ct-exec');
    expect(asked.code).toBe(1);
    expect(asked.body.error.code).toBe('confirmation_required');
    expect(asked.body.data.preview.containers[0]).toMatchObject({ name: 'ct-exec' });
    expect(await exists('ct-exec')).toBe(true);

    const confirmed = await dockbotJson<{ ok: boolean }>('rm ct-exec', ['--yes']);
    expect(confirmed.code).toBe(0);
    expect(await exists('ct-exec')).toBe(false);
  });
});
