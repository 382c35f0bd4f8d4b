// Requests as Slack sends them over HTTP: signed `v0:ts:body` with HMAC-SHA256 of the signing secret.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { TEAM_ID } from './fake-slack.js';

export interface SignedOptions {
  /** Seconds since the epoch to sign with (default: now). */
  timestamp?: number;
  /** Sign with this secret instead (a bad signature). */
  secret?: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
  /** Milliseconds from sending to the full answer. */
  ms: number;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body).toString(), ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function signedPost(url: string, secret: string, body: string, contentType: string, options: SignedOptions = {}): Promise<HttpAnswer> {
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  return post(url, body, {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sign(options.secret ?? secret, ts, body),
  });
}

export interface SlashFields {
  text: string;
  userId: string;
  channelId?: string;
  responseUrl: string;
  command?: string;
}

export const slashCommandFields = (f: SlashFields): Record<string, string> => ({
  token: 'unused',
  team_id: TEAM_ID,
  team_domain: 'test',
  channel_id: f.channelId ?? 'C0GENERAL',
  channel_name: 'general',
  user_id: f.userId,
  user_name: f.userId.toLowerCase(),
  command: f.command ?? '/docker',
  text: f.text,
  api_app_id: 'A0TEST',
  response_url: f.responseUrl,
  trigger_id: `trigger.${Date.now()}`,
});

export function slashCommand(url: string, secret: string, f: SlashFields, options?: SignedOptions): Promise<HttpAnswer> {
  return signedPost(url, secret, new URLSearchParams(slashCommandFields(f)).toString(), 'application/x-www-form-urlencoded', options);
}

export interface ButtonFields {
  actionId: string;
  userId: string;
  channelId?: string;
  messageTs?: string;
  responseUrl: string;
  value?: string;
  /** The buttons were on an ephemeral message (only the requester saw it). */
  ephemeral?: boolean;
  /** A menu choice instead of a button: the chosen option's value. */
  selected?: string;
}

export const buttonPayload = (f: ButtonFields): Record<string, unknown> => ({
  type: 'block_actions',
  team: { id: TEAM_ID, domain: 'test' },
  user: { id: f.userId, username: f.userId.toLowerCase(), team_id: TEAM_ID },
  api_app_id: 'A0TEST',
  token: 'unused',
  container: { type: 'message', message_ts: f.messageTs ?? '1700000000.000001', channel_id: f.channelId ?? 'C0GENERAL', is_ephemeral: f.ephemeral ?? false },
  trigger_id: `trigger.${Date.now()}`,
  channel: { id: f.channelId ?? 'C0GENERAL', name: 'general' },
  message: { type: 'message', ts: f.messageTs ?? '1700000000.000001', text: '', blocks: [] },
  response_url: f.responseUrl,
  actions: [
    f.selected === undefined
      ? { type: 'button', action_id: f.actionId, block_id: 'b', value: f.value ?? f.actionId, action_ts: String(Date.now() / 1000) }
      : { type: 'static_select', action_id: f.actionId, block_id: 'b', selected_option: { text: { type: 'plain_text', text: 'choice' }, value: f.selected }, action_ts: String(Date.now() / 1000) },
  ],
});

export function pressButton(url: string, secret: string, f: ButtonFields, options?: SignedOptions): Promise<HttpAnswer> {
  const body = new URLSearchParams({ payload: JSON.stringify(buttonPayload(f)) }).toString();
  return signedPost(url, secret, body, 'application/x-www-form-urlencoded', options);
}

export interface MessageEventFields {
  type: 'app_mention' | 'message';
  text: string;
  userId: string;
  channelId: string;
  channelType?: 'channel' | 'im';
  ts?: string;
  /** Slack's id of the event (a redelivery carries the same). */
  eventId?: string;
}

let eventSeq = 0;
export const eventPayload = (f: MessageEventFields): Record<string, unknown> => {
  const ts = f.ts ?? `1700000100.${String(++eventSeq).padStart(6, '0')}`;
  return {
    token: 'unused',
    team_id: TEAM_ID,
    api_app_id: 'A0TEST',
    type: 'event_callback',
    event_id: f.eventId ?? `Ev${Date.now()}${eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: f.type, user: f.userId, text: f.text, ts, channel: f.channelId, channel_type: f.channelType ?? (f.type === 'message' ? 'im' : 'channel'), event_ts: ts },
    authorizations: [{ team_id: TEAM_ID, user_id: 'UBOT0000', is_bot: true }],
  };
};

export function sendEvent(url: string, secret: string, f: MessageEventFields, options?: SignedOptions): Promise<HttpAnswer> {
  return signedPost(url, secret, JSON.stringify(eventPayload(f)), 'application/json', options);
}
