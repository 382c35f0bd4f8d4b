// Slack in Socket Mode: the real Bolt SocketModeReceiver connects to the URL a fake
// `apps.connections.open` hands out, gets envelopes over `ws` and acknowledges each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommandFields, eventPayload } from '../../fakes/slack/signed.js';
import { busybox, cleanup, docker, dockerHost, skipReason, TEST_LABEL } from '../../support/engine.js';
import { mentioning, messageText, startHarness, type SlackHarness } from './harness.js';

const FILE_LABEL = 'slack-socket';

describe.skipIf(skipReason)('Slack over Socket Mode', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    await cleanup(FILE_LABEL);
    await docker('create', '--name', 'slack-socket-ct', '-l', `${TEST_LABEL}=${FILE_LABEL}`, busybox, 'true');
    h = await startHarness({ dockerHost, socketMode: true });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup(FILE_LABEL);
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
});
