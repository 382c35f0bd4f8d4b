// `notify add|list|rm` through the dispatcher: per channel, kept in the data directory so they
// survive a restart of the bot, and used by the notifier to route (with filters); plus the
// notifier's cooldown per container and channel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { reply } from '../../../src/core/reply.js';
import { createApp, type App } from '../../../src/main.js';
import { Notifier } from '../../../src/notify/notifier.js';
import { RecordingTarget } from '../../support/notify.js';

const ROLES = 'roles:\n  operator: ["slack:UOPS"]\nnotifications:\n  channels: ["slack:CBUILDS"]\n';

function app(dataDir: string): App {
  const file = join(dataDir, 'dockbot.yaml');
  writeFileSync(file, ROLES);
  return createApp(loadConfig({ DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: dataDir }, dataDir), pino({ level: 'silent' }));
}

let seq = 0;
const say = (a: App, text: string, userId = 'UOPS', channelId = 'CDEV') => a.dispatcher.handle({ id: `sub-${++seq}`, text, requester: { platform: 'slack', userId, channelId } });

describe('subscriptions', () => {
  it('survive a restart and route matching notifications to their channel', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-subs-'));
    const first = app(dataDir);
    const added = await say(first, 'notify add die,oom --filter label=team=web');
    expect(added.ok).toBe(true);
    const id = (added.data as { subscription: { id: string } }).subscription.id;
    expect((await say(first, 'notify add restart-loop')).ok).toBe(true);

    // A new process on the same data directory: the bot restarted.
    const second = app(dataDir);
    const listed = await say(second, 'notify list', 'UVIEWER');
    expect(listed.ok).toBe(true);
    expect((listed.data as { subscriptions: Array<{ id: string; events: string[] }> }).subscriptions.map((s) => s.events.join(','))).toEqual(['die,oom', 'restart-loop']);
    // Another channel sees none of them.
    expect((await say(second, 'notify list', 'UOPS', 'COTHER')).data).toMatchObject({ subscriptions: [] });

    const team = new RecordingTarget('slack');
    second.services.notifier.register(team);
    const die = (labels: Record<string, string>) => ({ event: 'die' as const, subject: `c-${JSON.stringify(labels)}`, name: 'web-1', labels, reply: reply([]) });
    await second.services.notifier.notify(die({ team: 'web' }));
    await second.services.notifier.notify(die({ team: 'db' }));
    expect(team.posted.map((p) => p.channel)).toEqual(['CBUILDS', 'CDEV', 'CBUILDS']);

    // Removing it in one process is seen by the other (the running bot).
    expect((await say(first, `notify rm ${id}`)).ok).toBe(true);
    team.posted.splice(0);
    await second.services.notifier.notify(die({ team: 'web', again: '1' }));
    expect(team.posted.map((p) => p.channel)).toEqual(['CBUILDS']);
  });

  it('refuses unknown events, bad filters, viewers and other channels’ ids', async () => {
    const a = app(mkdtempSync(join(tmpdir(), 'dockbot-subs-')));
    expect((await say(a, 'notify add explode')).error?.code).toBe('usage');
    expect((await say(a, 'notify add die --filter colour=red')).error?.code).toBe('usage');
    expect((await say(a, 'notify add die', 'UVIEWER')).error?.code).toBe('forbidden');
    const id = ((await say(a, 'notify add die')).data as { subscription: { id: string } }).subscription.id;
    expect((await say(a, `notify rm ${id}`, 'UOPS', 'COTHER')).error?.code).toBe('not_found');
  });
});

describe('Notifier', () => {
  it('keeps one message per container and channel within the cooldown, and counts what it held back', async () => {
    let now = 1_000_000;
    const notifier = new Notifier({ channels: ['slack:A', 'discord:1'], cooldownMs: 60_000, log: pino({ level: 'silent' }), now: () => now });
    const slack = new RecordingTarget('slack');
    notifier.register(slack);
    const n = { event: 'die' as const, subject: 'abc', reply: reply([]) };
    expect(await notifier.notify(n)).toEqual({ sent: ['slack:A'], suppressed: [], failed: [] });
    now += 30_000;
    expect((await notifier.notify(n)).suppressed).toEqual(['slack:A']);
    expect((await notifier.notify({ ...n, subject: 'other' })).sent).toEqual(['slack:A']);
    now += 31_000;
    expect((await notifier.notify(n)).sent).toEqual(['slack:A']);
    // Builds have no subject: never held back. Discord runs no adapter here: undeliverable, counted.
    await notifier.notify({ event: 'build', reply: reply([]) });
    await notifier.notify({ event: 'build', reply: reply([]) });
    expect(notifier.stats).toEqual({ sent: 5, suppressed: 1, failed: 0, undeliverable: 6 });
  });

  it('tries a failing post again, then reports it failed', async () => {
    const notifier = new Notifier({ channels: ['slack:A'], cooldownMs: 0, log: pino({ level: 'silent' }), retryDelaysMs: [1, 1] });
    let calls = 0;
    notifier.register({
      platform: 'slack',
      post: async () => {
        if (calls++ < 1) throw new Error('down');
      },
    });
    expect((await notifier.notify({ event: 'build', reply: reply([]) })).sent).toEqual(['slack:A']);
    notifier.register({ platform: 'slack', post: () => Promise.reject(new Error('down')) });
    expect((await notifier.notify({ event: 'build', reply: reply([]) })).failed).toEqual(['slack:A']);
  });
});

describe('the terminal', () => {
  it('subscribes as shell:terminal and prints what is addressed to it', async () => {
    const { PassThrough } = await import('node:stream');
    const { terminalTarget } = await import('../../../src/adapters/shell/notifications.js');
    const { shellRequester } = await import('../../../src/adapters/shell/repl.js');
    const a = app(mkdtempSync(join(tmpdir(), 'dockbot-subs-')));
    const added = await a.dispatcher.handle({ id: 'term-1', text: 'notify add build', requester: shellRequester() });
    expect(added.data).toMatchObject({ subscription: { channel: 'shell:terminal', events: ['build'] } });
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c: Buffer) => (printed += c.toString()));
    a.services.notifier.register(terminalTarget(out));
    const { buildNotice } = await import('../../../src/notify/build-notices.js');
    expect((await a.services.notifier.notify(buildNotice({ id: 'b', status: 'succeeded', image: 'demo:v1', source: 'ci' }))).sent).toContain('shell:terminal');
    expect(printed).toContain('Build succeeded: demo:v1');
  });
});
