// Getting a message to Slack and keeping it current: post, edit in place, or answer through the
// request's response_url when the bot cannot post there. Rate limits (429) are waited out as
// `Retry-After` says; an answer is never dropped without a log line saying so.
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { summary } from './identity.js';
import { RESPONSE_URL_TTL_MS, RESPONSE_URL_USES } from './limits.js';
import type { SlackMessage } from './render.js';

/** Longest wait for a rate limit before giving up on one call. */
const MAX_RETRY_AFTER_S = 120;
const MAX_RATE_LIMIT_RETRIES = 3;

/** Errors that mean "the bot cannot post in this conversation": the response_url still can. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot', 'messages_tab_disabled']);

/** A response_url with its budget: 5 answers within 30 minutes. */
export class ResponseUrl {
  private uses = 0;
  private readonly expiresAt: number;

  constructor(
    readonly url: string,
    now = Date.now(),
  ) {
    this.expiresAt = now + RESPONSE_URL_TTL_MS;
  }

  /** Uses left, keeping `reserve` back (for the final answer). */
  available(reserve = 0, now = Date.now()): boolean {
    return now < this.expiresAt && this.uses + reserve < RESPONSE_URL_USES;
  }

  take(): void {
    this.uses++;
  }
}

/** Where an answer goes: the conversation, the requester, and (slash commands, buttons) a response_url. */
export interface Destination {
  channel: string;
  user: string;
  /** Answer in this thread (mentions and DMs). */
  threadTs?: string;
  responseUrl?: ResponseUrl;
  /** A direct message with the bot: everything there is private already. */
  direct?: boolean;
}

/** A message we posted and may edit. */
export type MessageHandle = { kind: 'message'; channel: string; ts: string } | { kind: 'response'; responseUrl: ResponseUrl; ephemeral: boolean };

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

interface RateLimitedError {
  code: 'slack_webapi_rate_limited_error';
  retryAfter: number;
}

const isRateLimited = (err: unknown): err is RateLimitedError => (err as { code?: string }).code === 'slack_webapi_rate_limited_error';
const slackError = (err: unknown): string | undefined => (err as { data?: { error?: string } }).data?.error;

export class SlackDelivery {
  /** Per Web API method: no call before this time (a 429 holds every call of the method). */
  private readonly heldUntil = new Map<string, number>();

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Post a new message; undefined when it could not be delivered (logged). */
  async send(to: Destination, message: SlackMessage, ephemeral: boolean): Promise<MessageHandle | undefined> {
    if (ephemeral && !to.direct) return this.sendEphemeral(to, message);
    try {
      const res = (await this.call('chat.postMessage', () =>
        this.client.chat.postMessage({ channel: to.channel, thread_ts: to.threadTs, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
      )) as { ts?: string; channel?: string };
      return { kind: 'message', channel: res.channel ?? to.channel, ts: res.ts as string };
    } catch (err) {
      if (!CANNOT_POST.has(slackError(err) ?? '')) return this.lost(err, to, 'chat.postMessage');
      // Not a member (private channel, someone else's DM): the command's response_url can still answer.
      return this.viaResponseUrl(to, message, false, err);
    }
  }

  /** Replace a message we posted. Returns false when the edit did not go out (logged). */
  async edit(handle: MessageHandle, message: SlackMessage, reserve = 1): Promise<boolean> {
    try {
      if (handle.kind === 'message') {
        await this.call('chat.update', () => this.client.chat.update({ channel: handle.channel, ts: handle.ts, text: message.text, blocks: message.blocks }));
        return true;
      }
      if (!handle.responseUrl.available(reserve)) return false;
      await this.respond(handle.responseUrl, { ...message, replace_original: true, response_type: handle.ephemeral ? 'ephemeral' : 'in_channel' });
      return true;
    } catch (err) {
      this.log.warn({ err: summary(err) }, 'editing a Slack message failed');
      return false;
    }
  }

  /**
   * The final state of a message: an edit when it can be made, else a new message, so the
   * outcome arrives even when edits failed along the way.
   */
  async final(handle: MessageHandle | undefined, to: Destination, message: SlackMessage, ephemeral: boolean): Promise<MessageHandle | undefined> {
    if (handle && (await this.edit(handle, message, 0))) return handle;
    return this.send(to, message, ephemeral);
  }

  /** Answer a button press in place: replace the message that carried the buttons. */
  async replacePressed(responseUrl: ResponseUrl, message: SlackMessage): Promise<boolean> {
    if (!responseUrl.available()) return false;
    try {
      await this.respond(responseUrl, { ...message, replace_original: true });
      return true;
    } catch (err) {
      this.log.warn({ err: summary(err) }, 'updating the pressed message failed');
      return false;
    }
  }

  private async sendEphemeral(to: Destination, message: SlackMessage): Promise<MessageHandle | undefined> {
    // The response_url needs no channel membership: the surest way to reach only the requester.
    if (to.responseUrl?.available(1)) return this.viaResponseUrl(to, message, true);
    try {
      await this.call('chat.postEphemeral', () =>
        this.client.chat.postEphemeral({ channel: to.channel, user: to.user, thread_ts: to.threadTs, text: message.text, blocks: message.blocks }),
      );
      // Ephemeral messages posted this way cannot be edited: a later state comes as a new one.
      return undefined;
    } catch (err) {
      if (to.responseUrl?.available() && CANNOT_POST.has(slackError(err) ?? '')) return this.viaResponseUrl(to, message, true, err);
      return this.lost(err, to, 'chat.postEphemeral');
    }
  }

  private async viaResponseUrl(to: Destination, message: SlackMessage, ephemeral: boolean, cause?: unknown): Promise<MessageHandle | undefined> {
    const responseUrl = to.responseUrl;
    if (!responseUrl?.available()) return this.lost(cause ?? new Error('no response_url uses left'), to, 'response_url');
    try {
      await this.respond(responseUrl, { ...message, response_type: ephemeral ? 'ephemeral' : 'in_channel', replace_original: false });
      return { kind: 'response', responseUrl, ephemeral };
    } catch (err) {
      return this.lost(err, to, 'response_url');
    }
  }

  private lost(err: unknown, to: Destination, via: string): undefined {
    this.log.error({ err: summary(err), channel: to.channel, user: to.user, via }, 'a Slack answer could not be delivered');
    return undefined;
  }

  /** POST to a response_url (JSON), waiting out a 429 like the Web API calls. */
  private async respond(responseUrl: ResponseUrl, body: Record<string, unknown>): Promise<void> {
    responseUrl.take();
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(responseUrl.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        await this.sleep(retryAfterMs(res.headers.get('retry-after')));
        continue;
      }
      const answer = await res.text();
      if (!res.ok) throw new Error(`response_url answered ${res.status}: ${answer.slice(0, 200)}`);
      return;
    }
  }

  /** One Web API call, held while its method is rate limited and retried after `Retry-After`. */
  private async call<T>(method: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const wait = (this.heldUntil.get(method) ?? 0) - Date.now();
      if (wait > 0) await this.sleep(wait);
      try {
        return await send();
      } catch (err) {
        if (!isRateLimited(err) || attempt >= MAX_RATE_LIMIT_RETRIES) throw err;
        const ms = Math.min(Math.max(err.retryAfter, 1), MAX_RETRY_AFTER_S) * 1000;
        this.heldUntil.set(method, Math.max(this.heldUntil.get(method) ?? 0, Date.now() + ms));
        this.log.warn({ method, retryAfterSeconds: ms / 1000 }, 'Slack rate limit: the call goes out later');
      }
    }
  }
}

function retryAfterMs(header: string | null): number {
  const seconds = Number.parseInt(header ?? '', 10);
  return (Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_RETRY_AFTER_S) : 1) * 1000;
}
