// Slack in HTTP mode, end to end: signed requests into the real Bolt receiver at /slack/events,
// the real dispatcher against the private engine, Web API calls into a loopback fake.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pushManyLayerImage, throttledRegistry, type ThrottledRegistry } from '../../../bench/pull.js';
import type { RecordedCall } from '../../fakes/slack/fake-slack.js';
import { busybox, cleanup, docker, dockerHost, engine, registry, skipReason, TEST_LABEL, waitForStatus } from '../../support/engine.js';
import { buttonsOf, mentioning, menuOf, messageText, startHarness, type SlackHarness } from './harness.js';

const FILE_LABEL = 'slack-http';
const LABEL = `${TEST_LABEL}=${FILE_LABEL}`;
const PRUNE_LABEL = `${TEST_LABEL}=slack-prune`;
const ROLES = ['roles:', '  admin: ["slack:UADMIN"]', '  operator: ["slack:UOPS", "slack:UOPS2", "slack-group:S0OPS"]', ''].join('\n');

async function exists(name: string): Promise<boolean> {
  return engine()
    .getContainer(name)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

async function stoppedContainer(name: string, label = LABEL, cmd: string[] = ['true']): Promise<void> {
  await docker('run', '--name', name, '-l', label, busybox, ...cmd);
  await waitForStatus(name, 'exited');
}

const posts = (h: SlackHarness, channel?: string): RecordedCall[] => h.fake.callsOf('chat.postMessage').filter((c) => !channel || c.body.channel === channel);

describe.skipIf(skipReason)('Slack over HTTP', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    await cleanup(FILE_LABEL);
    await cleanup('slack-prune');
    h = await startHarness({
      dockerHost,
      yaml: ROLES,
      before: (fake) => {
        fake.users.set('UOPS', { id: 'UOPS', displayName: 'Ops Person' });
        fake.users.set('UOPS2', { id: 'UOPS2', displayName: 'Other Operator' });
        fake.groups = [{ id: 'S0OPS', handle: 'ops', users: ['UGROUPIE'] }];
      },
    });
    await stoppedContainer('slack-ps-exited');
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup(FILE_LABEL);
    await cleanup('slack-prune');
  });
  beforeEach(() => h.fake.clear());

  it('answers a signed `/docker ps -a` with the engine’s containers, in the channel', async () => {
    const { answer } = await h.slash('ps -a', 'UVIEW');
    expect(answer.status).toBe(200);
    const post = await h.fake.waitFor(() => posts(h, 'C0GENERAL').find(mentioning('slack-ps-exited')));
    const names = (await docker('ps', '-a', '--format', '{{.Names}}')).split('\n').filter(Boolean);
    for (const name of names) expect(messageText(post.body)).toContain(name);
    expect(post.body.unfurl_links).toBe('false');
  });

  it('refuses a bad signature and a stale timestamp with 401, and runs nothing', async () => {
    const bad = await h.slash('ps -a', 'UVIEW', {}, { secret: 'not-the-secret' });
    const stale = await h.slash('ps -a', 'UVIEW', {}, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(bad.answer.status).toBe(401);
    expect(stale.answer.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fake.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    expect(h.fake.responses).toEqual([]);
    const audit = readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8');
    expect(audit).not.toContain(bad.responseUrl);
  });

  it('refuses a viewer’s prune, only to the viewer, and removes nothing', async () => {
    const { responseUrl } = await h.slash(`container prune --filter label=${LABEL}`, 'UVIEW');
    const id = responseUrl.split('/').pop();
    const answer = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === id));
    expect(answer.body.response_type).toBe('ephemeral');
    expect(messageText(answer.body)).toContain('needs the operator role');
    expect(posts(h)).toEqual([]);
    expect(await exists('slack-ps-exited')).toBe(true);
  });

  it('previews an operator’s prune; Confirm by someone else is refused, by the requester prunes exactly what it showed', async () => {
    await stoppedContainer('slack-prune-a', PRUNE_LABEL);
    await stoppedContainer('slack-prune-b', PRUNE_LABEL);
    const { responseUrl } = await h.slash(`container prune --filter label=${PRUNE_LABEL}`, 'UOPS');
    const previewId = responseUrl.split('/').pop();
    const preview = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === previewId));
    expect(preview.body.response_type).toBe('ephemeral');
    expect(messageText(preview.body)).toContain('slack-prune-a');
    expect(messageText(preview.body)).toContain('slack-prune-b');
    const buttons = buttonsOf(preview.body);
    expect(Object.keys(buttons)).toEqual(['Confirm', 'Cancel']);
    const confirm = buttons.Confirm as string;
    expect(confirm.length).toBeLessThanOrEqual(64);
    const confirmButton = ((preview.body.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>).find((b) => b.type === 'actions')?.elements ?? [])[0];
    expect(confirmButton).toMatchObject({ style: 'danger', confirm: { style: 'danger' } });

    // Stopped after the preview: not part of what was confirmed.
    await stoppedContainer('slack-prune-late', PRUNE_LABEL);

    const stranger = await h.press(confirm, 'UOPS2', { ephemeral: true });
    const refusal = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === stranger.responseUrl.split('/').pop()));
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(refusal.body.replace_original).toBe(false);
    expect(messageText(refusal.body)).toContain('only Ops Person or an admin');
    expect(await exists('slack-prune-a')).toBe(true);
    expect(await exists('slack-prune-b')).toBe(true);

    const owner = await h.press(confirm, 'UOPS', { ephemeral: true });
    const replaced = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === owner.responseUrl.split('/').pop()));
    expect(replaced.body.replace_original).toBe(true);
    expect(messageText(replaced.body)).toContain('Confirmed by Ops Person');
    expect(buttonsOf(replaced.body)).toEqual({});
    const result = await h.fake.waitFor(() => posts(h, 'C0GENERAL').find(mentioning('slack-prune-a')));
    expect(messageText(result.body)).toContain('slack-prune-b');
    expect(await exists('slack-prune-a')).toBe(false);
    expect(await exists('slack-prune-b')).toBe(false);
    expect(await exists('slack-prune-late')).toBe(true);

    const audit = readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const confirmed = audit.filter((r) => r.command === 'container prune' && r.outcome === 'ok');
    expect(confirmed.at(-1)).toMatchObject({ user: 'UOPS (Ops Person)', confirmedBy: 'UOPS (Ops Person)', platform: 'slack' });
    expect(audit.some((r) => r.user === 'UOPS2 (Other Operator)' && r.outcome === 'forbidden')).toBe(true);
  });

  it('Cancel leaves everything as it was and says who cancelled', async () => {
    await stoppedContainer('slack-prune-kept', PRUNE_LABEL);
    const { responseUrl } = await h.slash(`container prune --filter label=${PRUNE_LABEL}`, 'UOPS');
    const preview = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseUrl.split('/').pop()));
    const pressed = await h.press(buttonsOf(preview.body).Cancel as string, 'UOPS', { ephemeral: true });
    const replaced = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === pressed.responseUrl.split('/').pop()));
    expect(replaced.body.replace_original).toBe(true);
    expect(messageText(replaced.body)).toContain('nothing was changed');
    expect(messageText(replaced.body)).toContain('Cancelled by Ops Person');
    expect(buttonsOf(replaced.body)).toEqual({});
    expect(await exists('slack-prune-kept')).toBe(true);
    expect(posts(h)).toEqual([]);
  });

  it('runs a suggested next step as whoever presses it', async () => {
    const { responseUrl } = await h.slash('stop slack-no-such-container', 'UOPS');
    const error = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseUrl.split('/').pop()));
    expect(error.body.response_type).toBe('ephemeral');
    const list = buttonsOf(error.body)['List containers'] as string;
    expect(list.length).toBeLessThanOrEqual(64);
    await h.press(list, 'UOTHER');
    const post = await h.fake.waitFor(() => posts(h, 'C0GENERAL').find(mentioning('slack-ps-exited')));
    expect(messageText(post.body)).toContain('slack-ps-exited');
    const audit = readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.at(-1)).toMatchObject({ user: 'UOTHER', command: 'ps', line: 'ps -a', outcome: 'ok' });
  });

  it('offers Logs, Restart and Stop on each row of `ps`, run as whoever chooses them', async () => {
    await h.slash('ps -a', 'UVIEW');
    const post = await h.fake.waitFor(() => posts(h, 'C0GENERAL').find(mentioning('slack-ps-exited')));
    const menu = menuOf(post.body);
    expect(Object.keys(menu)).toEqual(expect.arrayContaining(['Logs · slack-ps-exited', 'Restart · slack-ps-exited', 'Stop · slack-ps-exited']));
    for (const id of Object.values(menu)) expect(id.length).toBeLessThanOrEqual(64);

    // A viewer may read logs but not stop: the stop is refused to them alone, and nothing changes.
    const stop = await h.press('ps-row-actions', 'UVIEW', { selected: menu['Stop · slack-ps-exited'] as string });
    const refusal = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === stop.responseUrl.split('/').pop()));
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(messageText(refusal.body)).toContain('needs the operator role');
    await h.press('ps-row-actions', 'UOTHER', { selected: menu['Logs · slack-ps-exited'] as string });
    await h.fake.waitFor(() => {
      const audit = readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8');
      return audit.includes('"line":"logs --tail 100 slack-ps-exited"') && audit.includes('"user":"UOTHER"');
    });
    const audit = readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.find((r) => r.line === 'logs --tail 100 slack-ps-exited')).toMatchObject({ user: 'UOTHER', command: 'logs', outcome: 'ok' });
    expect(audit.find((r) => r.line === 'stop slack-ps-exited')).toMatchObject({ user: 'UVIEW', outcome: 'forbidden' });
  });

  it('lets an operator by user group do what operators may', async () => {
    await stoppedContainer('slack-prune-group', PRUNE_LABEL);
    const { responseUrl } = await h.slash(`container prune --filter label=${PRUNE_LABEL}`, 'UGROUPIE');
    const answer = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseUrl.split('/').pop()));
    expect(messageText(answer.body)).not.toContain('needs the operator role');
    expect(Object.keys(buttonsOf(answer.body))).toEqual(['Confirm', 'Cancel']);
    expect(h.fake.callsOf('usergroups.list').length).toBeLessThanOrEqual(1);
  });

  it('honours a 429 with Retry-After: the post goes out after the wait, once', async () => {
    h.fake.override('chat.postMessage', () => ({ status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } }), 1);
    await h.slash('ps -a', 'UVIEW');
    const delivered = await h.fake.waitFor(() => posts(h).length >= 2 && posts(h));
    const [limited, retried] = delivered as [RecordedCall, RecordedCall];
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(950);
    await new Promise((r) => setTimeout(r, 300));
    expect(posts(h)).toHaveLength(2);
  });

  it('answers through response_url when the bot is not in the channel', async () => {
    h.fake.notInChannel.add('C0PRIVATE');
    const { responseUrl } = await h.slash('ps -a', 'UVIEW', { channelId: 'C0PRIVATE' });
    const answer = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseUrl.split('/').pop()));
    expect(answer.body.response_type).toBe('in_channel');
    expect(messageText(answer.body)).toContain('slack-ps-exited');
    expect(posts(h, 'C0PRIVATE')).toHaveLength(1);
  });

  it('answers a mention with a question from the FAQ, in the thread', async () => {
    const question = 'what does docker pull do?';
    const direct = await h.app.dispatcher.handle({ id: 'direct-ask', text: `ask ${question}`, requester: { platform: 'slack', userId: 'UVIEW' } });
    const answer = await h.event({ type: 'app_mention', text: `<@UBOT0000> ${question}`, userId: 'UVIEW', channelId: 'C0GENERAL', ts: '1700000200.000100' });
    expect(answer.status).toBe(200);
    const post = await h.fake.waitFor(() => posts(h, 'C0GENERAL')[0]);
    expect(post.body.thread_ts).toBe('1700000200.000100');
    const cited = (direct.data as { source?: { heading?: string } | null }).source?.heading;
    expect(direct.ok).toBe(true);
    expect(cited).toBeTruthy();
    expect(messageText(post.body)).toContain(cited as string);
  });

  it('runs a command sent in a DM and answers in its thread', async () => {
    await h.event({ type: 'message', text: 'ps -a', userId: 'UVIEW', channelId: 'D0DIRECT', channelType: 'im', ts: '1700000300.000100' });
    const post = await h.fake.waitFor(() => posts(h, 'D0DIRECT')[0]);
    expect(post.body.thread_ts).toBe('1700000300.000100');
    expect(messageText(post.body)).toContain('slack-ps-exited');
  });

  it('runs a redelivered event once', async () => {
    const event = { type: 'message' as const, text: 'ps -a', userId: 'UVIEW', channelId: 'D0TWICE', channelType: 'im' as const, ts: '1700000500.000100', eventId: 'Ev0TWICE' };
    expect((await h.event(event)).status).toBe(200);
    expect((await h.event(event)).status).toBe(200);
    await h.fake.waitFor(() => posts(h, 'D0TWICE')[0]);
    await new Promise((r) => setTimeout(r, 500));
    expect(posts(h, 'D0TWICE')).toHaveLength(1);
  });

  it('renders hostile values escaped: no ping, no link, no formatting', async () => {
    await docker('create', '--name', 'slack_hostile_', '-l', LABEL, busybox, 'echo', '<!channel>', '*bold*', '<@U0BOSS>', '<https://evil.example|click>', '&amp;');
    await h.slash('ps -a --no-trunc', 'UVIEW');
    const post = await h.fake.waitFor(() => posts(h).find(mentioning('slack_hostile_')));
    const shown = JSON.stringify(post.body.blocks) + String(post.body.text);
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).toContain('&lt;@U0BOSS&gt;');
    expect(shown).toContain('&amp;amp;');
    expect(shown).not.toMatch(/<!channel>|<@U0BOSS>|<https:/);
  });

  it('streams pull progress as chat.update edits of one message, throttled, ending with the final state', async () => {
    if (!registry) return expect.fail('the loopback registry is needed for the pull test');
    const image = `${registry}/dockbot-test/slack-pull:1`;
    await pushManyLayerImage(dockerHost, busybox, image, 4, 384 * 1024, LABEL);
    let proxy: ThrottledRegistry | undefined;
    try {
      proxy = await throttledRegistry(registry, 256 * 1024);
      const pulled = `${proxy.address}/dockbot-test/slack-pull:1`;
      await h.slash(`pull ${pulled}`, 'UOPS');
      const updates = await h.fake.waitFor(() => {
        const u = h.fake.callsOf('chat.update');
        return u.length > 0 && /Pulled|Downloaded newer image|Status/.test(messageText((u.at(-1) as RecordedCall).body)) && u;
      }, 60_000);
      const first = posts(h, 'C0GENERAL');
      expect(first).toHaveLength(1);
      const posted = (first[0] as RecordedCall).answer?.body as { ts: string };
      for (const u of updates) expect(u.body).toMatchObject({ channel: 'C0GENERAL', ts: posted.ts });
      expect(updates.length).toBeGreaterThanOrEqual(2);
      const times = [(first[0] as RecordedCall).at, ...updates.map((u) => u.at)];
      // Sent at least a second apart; arrivals here jitter by how long each call spent on the way.
      const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(700);
      expect(((times.at(-1) as number) - (times[0] as number)) / gaps.length).toBeGreaterThanOrEqual(950);
      const last = messageText((updates.at(-1) as RecordedCall).body);
      expect(last).toContain('100%');
      await docker('rmi', pulled).catch(() => undefined);
    } finally {
      await proxy?.close();
    }
  }, 90_000);

  it('still delivers the final state when every edit fails', async () => {
    if (!registry) return expect.fail('the loopback registry is needed for the pull test');
    const image = `${registry}/dockbot-test/slack-pull-edits:1`;
    await pushManyLayerImage(dockerHost, busybox, image, 3, 384 * 1024, LABEL);
    const proxy = await throttledRegistry(registry, 256 * 1024);
    try {
      h.fake.override('chat.update', () => ({ body: { ok: false, error: 'message_not_found' } }));
      const pulled = `${proxy.address}/dockbot-test/slack-pull-edits:1`;
      await h.slash(`pull ${pulled}`, 'UOPS');
      const final = await h.fake.waitFor(() => posts(h, 'C0GENERAL').length >= 2 && posts(h, 'C0GENERAL').at(-1), 60_000);
      expect(h.fake.callsOf('chat.update').length).toBeGreaterThanOrEqual(1);
      expect(messageText(final.body)).toContain('100%');
      await docker('rmi', pulled).catch(() => undefined);
    } finally {
      await proxy.close();
    }
  }, 90_000);
});
