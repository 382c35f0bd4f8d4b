// Slack in Socket Mode: the real Bolt SocketModeReceiver connects to the URL a fake
// `apps.connections.open` hands out, gets envelopes over `ws` and acknowledges each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPayload, eventPayload, slashCommandFields } from '../../fakes/slack/signed.js';
import { busybox, cleanup, docker, dockerHost, engine, skipReason, TEST_LABEL, waitForStatus } from '../../support/engine.js';
import { buttonsOf, mentioning, messageText, startHarness, type SlackHarness } from './harness.js';

const FILE_LABEL = 'slack-socket';

describe.skipIf(skipReason)('Slack over Socket Mode', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    await cleanup(FILE_LABEL);
    await cleanup(`${FILE_LABEL}-prune`);
    await docker('create', '--name', 'slack-socket-ct', '-l', `${TEST_LABEL}=${FILE_LABEL}`, busybox, 'true');
    h = await startHarness({ dockerHost, socketMode: true, yaml: 'roles:\n  operator: ["slack:UOPS"]\n' });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup(FILE_LABEL);
    await cleanup(`${FILE_LABEL}-prune`);
  });

  it('connects through apps.connections.open with the app token', () => {
    const open = h.fake.callsOf('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.headers.authorization).toBe('Bearer xapp-test-0000');
    expect(h.fake.socketCount).toBe(1);
    expect(h.slack.mode).toBe('socket');
  });

  it('acknowledges a `/docker ps -a` envelope and posts the containers', async () => {
    const responseUrl = h.fake.responseUrl();
    const started = performance.now();
    const ack = await h.fake.sendEnvelope('slash_commands', slashCommandFields({ text: 'ps -a', userId: 'UVIEW', responseUrl }));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(typeof ack.envelope_id).toBe('string');
    const post = await h.fake.waitFor(() => h.fake.callsOf('chat.postMessage').find(mentioning('slack-socket-ct')));
    expect(post.body.channel).toBe('C0GENERAL');
  });

  it('acknowledges an events_api envelope and answers a DM command in its thread', async () => {
    const ack = await h.fake.sendEnvelope('events_api', eventPayload({ type: 'message', text: 'ps -a', userId: 'UVIEW', channelId: 'D0SOCKET', channelType: 'im', ts: '1700000400.000001' }));
    expect(typeof ack.envelope_id).toBe('string');
    const post = await h.fake.waitFor(() => h.fake.callsOf('chat.postMessage').find((c) => c.body.channel === 'D0SOCKET'));
    expect(post.body.thread_ts).toBe('1700000400.000001');
    expect(messageText(post.body)).toContain('slack-socket-ct');
  });

  it('takes a Confirm press as an interactive envelope and prunes what the preview showed', async () => {
    const label = `${TEST_LABEL}=${FILE_LABEL}-prune`;
    await docker('run', '--name', 'slack-socket-prune', '-l', label, busybox, 'true');
    await waitForStatus('slack-socket-prune', 'exited');
    const responseUrl = h.fake.responseUrl();
    await h.fake.sendEnvelope('slash_commands', slashCommandFields({ text: `container prune --filter label=${label}`, userId: 'UOPS', responseUrl }));
    const preview = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseUrl.split('/').pop()));
    expect(messageText(preview.body)).toContain('slack-socket-prune');
    const pressUrl = h.fake.responseUrl();
    const ack = await h.fake.sendEnvelope('interactive', buttonPayload({ actionId: buttonsOf(preview.body).Confirm as string, userId: 'UOPS', responseUrl: pressUrl, ephemeral: true }));
    expect(typeof ack.envelope_id).toBe('string');
    await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === pressUrl.split('/').pop()));
    const gone = await engine()
      .getContainer('slack-socket-prune')
      .inspect()
      .then(
        () => false,
        () => true,
      );
    expect(gone).toBe(true);
  });
});
