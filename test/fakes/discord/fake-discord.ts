// A loopback Discord for the real discord.js client: REST under /api/v10 and a gateway on the
// same port. It speaks the parts of the protocol the bot uses — HELLO, IDENTIFY -> READY,
// heartbeats, RESUME with replay, op 7 — and records every REST call, so tests can say what
// reached Discord and when.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RestCall {
  method: string;
  /** Path after /api/v10, with %40original kept as sent. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  at: number;
  authorization: string | undefined;
}

/** A canned answer for the next matching call (a 429, a 500, a 401...). */
export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface GatewayEvent {
  s: number;
  t: string;
  d: unknown;
}

export interface FakeUser {
  id: string;
  username: string;
}

export interface SlashOptionValue {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: SlashOptionValue[];
}

export interface InteractionPlace {
  user: FakeUser;
  /** Member role ids (guild interactions); ignored in a DM. */
  roles?: string[];
  /** Omit for a DM. */
  guildId?: string | null;
  channelId?: string;
}

let snowflakeSeq = 0n;
/** Increasing ids in Discord's shape (a 64-bit number as text). */
export const snowflake = (): string => String((BigInt(Date.now() - 1420070400000) << 22n) + ++snowflakeSeq);

export class FakeDiscord {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly botUser: FakeUser = { id: this.applicationId, username: 'dockbot' };
  readonly calls: RestCall[] = [];
  /** Registered commands: "global" or the guild id -> the list as Discord stores it. */
  readonly commands = new Map<string, Array<Record<string, unknown>>>();
  readonly faults: Fault[] = [];
  /** Every op the client sent, in order (2 IDENTIFY, 6 RESUME, 1 heartbeat ...). */
  readonly received: Array<{ op: number; d: unknown }> = [];
  heartbeatIntervalMs = 1000;

  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private seq = 0;
  private sessionId = '';
  private readonly history: GatewayEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private baseUrl = '';
  private messageSeq = 0;

  constructor(token = 'fake-bot-token') {
    this.token = token;
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- gateway -------------------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    this.socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
    ws.on('message', (raw) => {
      const { op, d } = JSON.parse(String(raw)) as { op: number; d: unknown };
      this.received.push({ op, d });
      if (op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (op === 2) this.ready(ws, d as { token: string });
      if (op === 6) this.resume(ws, d as { token: string; session_id: string; seq: number | null });
      this.wake();
    });
  }

  private ready(ws: WebSocket, identify: { token: string }): void {
    if (identify.token !== this.token) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    this.sessionId = snowflake();
    this.history.length = 0;
    this.seq = 0;
    this.sendEvent(ws, 'READY', {
      v: 10,
      user: { ...this.botUser, discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 },
      guilds: [],
      session_id: this.sessionId,
      resume_gateway_url: `${this.baseUrl.replace('http', 'ws')}/resume`,
      application: { id: this.applicationId, flags: 0 },
    });
  }

  /** Replays what the client missed, as Discord does, then RESUMED. */
  private resume(ws: WebSocket, d: { token: string; session_id: string; seq: number | null }): void {
    if (d.token !== this.token || d.session_id !== this.sessionId) {
      ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    for (const event of this.history) if (event.s > (d.seq ?? 0)) ws.send(JSON.stringify({ op: 0, ...event }));
    this.sendEvent(ws, 'RESUMED', null);
  }

  private sendEvent(ws: WebSocket | undefined, t: string, d: unknown): void {
    const event = { s: ++this.seq, t, d };
    this.history.push(event);
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op: 0, ...event }));
  }

  /** A gateway dispatch; if the socket is down, it is kept for the replay on RESUME. */
  dispatch(t: string, d: unknown): void {
    this.sendEvent(this.socket, t, d);
  }

  /** Op 7: Discord asks the client to reconnect and resume. */
  requestReconnect(): void {
    this.socket?.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  /** The connection drops without a close frame. */
  dropConnection(): void {
    this.socket?.terminate();
  }

  /** Resolves once the client sent this op `count` times in all. */
  async waitForOp(op: number, count = 1, timeoutMs = 15_000): Promise<void> {
    await this.waitFor(() => this.received.filter((r) => r.op === op).length >= count, timeoutMs, `gateway op ${op} x${count}`);
  }

  // ---- interactions --------------------------------------------------------------------

  private base(type: number, place: InteractionPlace): Record<string, unknown> {
    const guildId = place.guildId === undefined ? 'G1' : place.guildId;
    const channelId = place.channelId ?? (guildId ? '300000000000000001' : '300000000000000099');
    const user = { ...place.user, discriminator: '0', global_name: place.user.username, avatar: null };
    return {
      id: snowflake(),
      application_id: this.applicationId,
      type,
      token: `itok-${snowflake()}`,
      version: 1,
      channel_id: channelId,
      channel: { id: channelId, type: guildId ? 0 : 1, ...(guildId ? { guild_id: guildId, name: 'ops' } : {}) },
      ...(guildId
        ? {
            guild_id: guildId,
            member: { user, roles: place.roles ?? [], permissions: '0', joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, premium_since: null, pending: false },
            guild_locale: 'en-US',
            authorizing_integration_owners: { '0': guildId },
            context: 0,
          }
        : { user, authorizing_integration_owners: { '1': place.user.id }, context: 1 }),
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      attachment_size_limit: 8388608,
    };
  }

  /** `/docker <path> name:value ...` as Discord would deliver it. Returns the interaction. */
  slash(path: string, options: Array<Omit<SlashOptionValue, 'type'> & { type?: number }>, place: InteractionPlace, kind: 2 | 4 = 2): Record<string, unknown> {
    const leaf = options.map((o) => ({ type: o.type ?? (typeof o.value === 'boolean' ? 5 : typeof o.value === 'number' ? 10 : 3), ...o }));
    // `ps`, `image rm` under /docker; `/swarm node ls` names its command.
    const named = /^\/(\S+) (.*)$/.exec(path);
    const root = named ? (named[1] as string) : 'docker';
    const words = (named ? (named[2] as string) : path).split(' ');
    const sub = { type: 1, name: words[words.length - 1] as string, options: leaf };
    const tree = words.length === 2 ? [{ type: 2, name: words[0] as string, options: [sub] }] : [sub];
    const interaction = { ...this.base(kind, place), data: { id: `cmd-${root}`, name: root, type: 1, options: tree } };
    this.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  /** A message someone wrote (for mentions and DMs): in a DM when `place.guildId` is null. */
  say(content: string, place: InteractionPlace): Record<string, unknown> {
    const guildId = place.guildId === undefined ? 'G1' : place.guildId;
    const author = { ...place.user, discriminator: '0', global_name: place.user.username, avatar: null };
    const mentioned = content.includes(`<@${this.botUser.id}>`) ? [{ ...this.botUser, discriminator: '0', avatar: null, bot: true }] : [];
    const message = {
      ...this.message({ content, author, mentions: mentioned }),
      channel_id: place.channelId ?? (guildId ? '300000000000000001' : '300000000000000099'),
      channel_type: guildId ? 0 : 1,
      ...(guildId ? { guild_id: guildId, member: { roles: place.roles ?? [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 } } : {}),
    };
    this.dispatch('MESSAGE_CREATE', message);
    return message;
  }

  /** A pressed button on a message the bot sent. */
  press(customId: string, place: InteractionPlace, ephemeral = false): Record<string, unknown> {
    const message = this.message({ content: '', components: [] }, ephemeral);
    const interaction = { ...this.base(3, place), message, data: { custom_id: customId, component_type: 2 } };
    this.dispatch('INTERACTION_CREATE', interaction);
    return interaction;
  }

  private message(body: Record<string, unknown>, ephemeral = false): Record<string, unknown> {
    return {
      id: `m-${++this.messageSeq}-${snowflake()}`,
      channel_id: '300000000000000001',
      type: 0,
      author: { ...this.botUser, discriminator: '0', avatar: null, bot: true },
      content: '',
      embeds: [],
      components: [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: ephemeral ? 64 : 0,
      ...body,
    };
  }

  // ---- REST ----------------------------------------------------------------------------

  /** Calls to one interaction's token or callback, in order. */
  callsFor(interaction: Record<string, unknown>): RestCall[] {
    const token = String(interaction.token);
    return this.calls.filter((c) => c.path.includes(`/${token}`));
  }

  async waitFor(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const call: RestCall = { method: req.method ?? 'GET', path, query: url.searchParams, body, at: performance.now(), authorization: req.headers.authorization };
    this.calls.push(call);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, payload === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
      this.wake();
    };

    const fault = this.faults.findIndex((f) => f.method === call.method && f.path.test(path));
    if (fault >= 0) {
      const f = this.faults.splice(fault, 1)[0] as Fault;
      send(f.status, f.body ?? { message: 'fault', code: 0 }, f.headers);
      return;
    }
    // Interaction callbacks and webhooks authenticate by their token; the rest by the bot token.
    const byToken = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    if (!byToken && req.headers.authorization !== `Bot ${this.token}`) {
      send(401, { message: '401: Unauthorized', code: 0 });
      return;
    }

    let m: RegExpExecArray | null;
    if (call.method === 'GET' && path === '/gateway/bot') {
      send(200, {
        url: this.baseUrl.replace('http', 'ws'),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    } else if (call.method === 'POST' && /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(path)) {
      if (url.searchParams.get('with_response') === 'true') send(200, { interaction: { id: path.split('/')[2], type: 2 }, resource: { type: (body as { type: number }).type } });
      else send(204);
    } else if ((m = /^\/webhooks\/[^/]+\/[^/]+\/messages\/([^/]+)$/.exec(path)) && call.method === 'PATCH') {
      send(200, this.message(body as Record<string, unknown>));
    } else if (/^\/webhooks\/[^/]+\/[^/]+$/.test(path) && call.method === 'POST') {
      send(200, this.message(body as Record<string, unknown>));
    } else if ((m = /^\/channels\/([^/]+)\/messages$/.exec(path)) && call.method === 'POST') {
      send(200, { ...this.message(body as Record<string, unknown>), channel_id: m[1] });
    } else if ((m = /^\/applications\/([^/]+)(?:\/guilds\/([^/]+))?\/commands$/.exec(path))) {
      const key = m[2] ?? 'global';
      if (call.method === 'GET') send(200, this.commands.get(key) ?? []);
      else if (call.method === 'PUT') {
        // Stored as Discord returns them: with ids, versions and the defaults filled in.
        const stored = (body as Array<Record<string, unknown>>).map((c) => ({
          id: snowflake(),
          application_id: this.applicationId,
          version: snowflake(),
          default_member_permissions: null,
          type: 1,
          nsfw: false,
          integration_types: [0],
          contexts: null,
          ...c,
          ...(m?.[2] ? { guild_id: m[2] } : {}),
        }));
        this.commands.set(key, stored);
        send(200, stored);
      } else send(405, { message: 'Method Not Allowed', code: 0 });
    } else {
      send(404, { message: 'Unknown route', code: 0 });
    }
  }
}
