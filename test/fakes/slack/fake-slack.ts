// A loopback stand-in for Slack: the Web API (records every call, answers like Slack), response_url
// endpoints, and Socket Mode (`apps.connections.open` hands out a `ws` URL on the same server).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  method: string;
  /** Form or JSON body, parsed; nested JSON strings (blocks) parsed too. */
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** performance.now() when it arrived. */
  at: number;
  /** What the fake answered (the `ts` of a posted message, an error). */
  answer?: FakeAnswer;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** Answers one call; return undefined to fall through to the default answer. */
export type Override = (call: RecordedCall) => FakeAnswer | undefined;

export interface FakeUser {
  id: string;
  displayName?: string;
  realName?: string;
}

export interface FakeUserGroup {
  id: string;
  handle: string;
  users: string[];
}

export const BOT_USER_ID = 'UBOT0000';
export const BOT_ID = 'BBOT0000';
export const TEAM_ID = 'T0TEST';
export const ALL_SCOPES = 'commands,chat:write,app_mentions:read,im:history,usergroups:read,users:read';

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  /** Bodies POSTed to response_url endpoints, by the id in the URL. */
  readonly responses: Array<{ id: string; body: Record<string, unknown>; at: number }> = [];
  users = new Map<string, FakeUser>();
  groups: FakeUserGroup[] = [];
  scopes = ALL_SCOPES;
  /** Channels the bot is not a member of: posting there fails with not_in_channel. */
  notInChannel = new Set<string>();
  /** Called with every Web API call and response_url answer as it arrives (benchmarks wait on these). */
  readonly listeners = new Set<(call: RecordedCall | { method: 'response_url'; id: string; body: Record<string, unknown>; at: number }) => void>();
  private readonly overrides: Array<{ method: string; answer: Override; times: number }> = [];
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private sockets: WebSocket[] = [];
  private readonly envelopeAcks = new Map<string, (ack: Record<string, unknown>) => void>();
  private tsSeq = 0;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What SLACK_API_URL is set to. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A fresh response_url, as Slack puts in slash commands and button presses. */
  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${randomBytes(6).toString('hex')}`;
  }

  /** Answer the next `times` calls of `method` with `answer` (it may decline by returning undefined). */
  override(method: string, answer: Override, times = Infinity): void {
    this.overrides.push({ method, answer, times });
  }

  clear(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.overrides.length = 0;
    this.notInChannel.clear();
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Wait until `check` returns something truthy (polling the recordings). */
  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 10_000, what = 'the expected Slack call'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; calls so far: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // ---- Socket Mode ----

  get socketCount(): number {
    return this.sockets.filter((s) => s.readyState === s.OPEN).length;
  }

  /** Send one envelope over the open socket; resolves with the app's acknowledgement. */
  sendEnvelope(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const ws = this.sockets.find((s) => s.readyState === s.OPEN);
    if (!ws) return Promise.reject(new Error('no Socket Mode connection is open'));
    const envelopeId = randomBytes(8).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope ${envelopeId} was not acknowledged`)), timeoutMs);
      this.envelopeAcks.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    });
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const id = message.envelope_id;
      if (typeof id === 'string') {
        this.envelopeAcks.get(id)?.(message);
        this.envelopeAcks.delete(id);
      }
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TEST' } }));
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    const body = parseBody(raw, req.headers['content-type'] ?? '');
    if (url.startsWith('/response/')) {
      const answer = { id: url.slice('/response/'.length), body, at: performance.now() };
      this.responses.push(answer);
      send(res, { body: { ok: true } });
      for (const l of this.listeners) l({ method: 'response_url', ...answer });
      return;
    }
    const method = url.replace(/^\/api\//, '').split('?')[0] as string;
    const call: RecordedCall = { method, body, headers: req.headers, at: performance.now() };
    this.calls.push(call);
    for (const o of this.overrides) {
      if (o.method !== method || o.times <= 0) continue;
      const answer = o.answer(call);
      if (answer) {
        o.times--;
        call.answer = answer;
        send(res, answer);
        for (const l of this.listeners) l(call);
        return;
      }
    }
    call.answer = this.defaultAnswer(call);
    send(res, call.answer);
    for (const l of this.listeners) l(call);
  }

  private nextTs(): string {
    return `1700000000.${String(++this.tsSeq).padStart(6, '0')}`;
  }

  private defaultAnswer(call: RecordedCall): FakeAnswer {
    const b = call.body;
    const channel = String(b.channel ?? '');
    switch (call.method) {
      case 'auth.test':
        return { headers: { 'x-oauth-scopes': this.scopes }, body: { ok: true, url: 'https://test.slack.com/', team: 'test', user: 'dockbot', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID } };
      case 'chat.postMessage':
        if (this.notInChannel.has(channel)) return { body: { ok: false, error: 'not_in_channel' } };
        return { body: { ok: true, channel, ts: this.nextTs(), message: { text: b.text, blocks: b.blocks } } };
      case 'chat.update':
        return { body: { ok: true, channel, ts: b.ts, text: b.text } };
      case 'chat.postEphemeral':
        if (this.notInChannel.has(channel)) return { body: { ok: false, error: 'not_in_channel' } };
        return { body: { ok: true, message_ts: this.nextTs() } };
      case 'usergroups.list':
        return { body: { ok: true, usergroups: this.groups.map((g) => ({ id: g.id, handle: g.handle, users: g.users, team_id: TEAM_ID })) } };
      case 'users.info': {
        const user = this.users.get(String(b.user));
        if (!user) return { body: { ok: false, error: 'user_not_found' } };
        return { body: { ok: true, user: { id: user.id, name: user.id.toLowerCase(), real_name: user.realName ?? '', profile: { display_name: user.displayName ?? '', real_name: user.realName ?? '' } } } };
      }
      case 'apps.connections.open':
        return { body: { ok: true, url: `ws://127.0.0.1:${this.port}/socket` } };
      default:
        return { body: { ok: false, error: 'unknown_method' } };
    }
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  if (contentType.includes('application/json')) body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  else body = Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'attachments']) {
    const v = body[key];
    if (typeof v === 'string' && v.startsWith('[')) body[key] = JSON.parse(v) as unknown;
  }
  return body;
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}
