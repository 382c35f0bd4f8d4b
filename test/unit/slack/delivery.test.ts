// Delivery against the loopback fake: response_url budgets, the fallback when the bot may not
// post, and a final state that survives failed edits.
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ResponseUrl, SlackDelivery } from '../../../src/adapters/slack/delivery.js';
import { RESPONSE_URL_TTL_MS, RESPONSE_URL_USES } from '../../../src/adapters/slack/limits.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';

const message = { text: 'hello', blocks: [] };

describe('Slack delivery', () => {
  let fake: FakeSlack;
  let delivery: SlackDelivery;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    delivery = new SlackDelivery(client, pino({ level: 'silent' }));
  });
  afterAll(async () => fake.stop());
  beforeEach(() => fake.clear());

  it('counts a response_url’s five uses and its thirty minutes', () => {
    const url = new ResponseUrl('http://x/response/1', 0);
    for (let i = 0; i < RESPONSE_URL_USES; i++) {
      expect(url.available(0, 1)).toBe(true);
      url.take();
    }
    expect(url.available(0, 1)).toBe(false);
    expect(new ResponseUrl('http://x/response/2', 0).available(0, RESPONSE_URL_TTL_MS + 1)).toBe(false);
    const reserved = new ResponseUrl('http://x/response/3', 0);
    for (let i = 0; i < RESPONSE_URL_USES - 1; i++) reserved.take();
    expect(reserved.available(1, 1)).toBe(false);
    expect(reserved.available(0, 1)).toBe(true);
  });

  it('answers through the response_url when the bot is not in the channel, within its budget', async () => {
    fake.notInChannel.add('C0PRIV');
    const to = { channel: 'C0PRIV', user: 'U1', responseUrl: new ResponseUrl(fake.responseUrl()) };
    const handles = [];
    for (let i = 0; i < RESPONSE_URL_USES + 1; i++) handles.push(await delivery.send(to, message, false));
    expect(handles.slice(0, RESPONSE_URL_USES).every((h) => h?.kind === 'response')).toBe(true);
    expect(handles.at(-1)).toBeUndefined();
    expect(fake.responses).toHaveLength(RESPONSE_URL_USES);
    expect(fake.responses.every((r) => r.body.response_type === 'in_channel')).toBe(true);
  });

  it('keeps ephemeral answers to the requester: response_url first, else chat.postEphemeral', async () => {
    await delivery.send({ channel: 'C1', user: 'U1', responseUrl: new ResponseUrl(fake.responseUrl()) }, message, true);
    expect(fake.responses.map((r) => r.body.response_type)).toEqual(['ephemeral']);
    await delivery.send({ channel: 'C1', user: 'U1' }, message, true);
    expect(fake.callsOf('chat.postEphemeral').map((c) => c.body.user)).toEqual(['U1']);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('posts the final state anew when the message can no longer be edited', async () => {
    fake.override('chat.update', () => ({ body: { ok: false, error: 'message_not_found' } }));
    const to = { channel: 'C2', user: 'U1' };
    const handle = await delivery.send(to, message, false);
    expect(await delivery.edit(handle!, { text: 'later', blocks: [] })).toBe(false);
    await delivery.final(handle, to, { text: 'final', blocks: [] }, false);
    expect(fake.callsOf('chat.postMessage').map((c) => c.body.text)).toEqual(['hello', 'final']);
  });
});
