// Long work (a pull, a foreground run) shows as ONE message edited in place: the adapter posts
// it on the first update and hands back a handle; later updates edit it; when the command ends
// the dispatcher sends the final state through the same message, even when the last throttled
// edit was skipped. Edits are serialised (never two in flight for a message), at most one per
// `messageIntervalMs` (latest state wins), and within the edit budgets the adapter declares per
// channel and per workspace, shared by every message there. A message that can no longer be
// edited (Discord's interaction token lasts 15 minutes) goes on as a new one.
import { RateLimiter } from 'limiter';
import type { Reply } from './reply.js';

export interface ProgressLimits {
  /** Least time between two edits of one message (the dispatcher never goes below 1000). */
  messageIntervalMs?: number;
  /** Posts and edits a minute in one channel, all messages together. */
  perChannelPerMinute?: number;
  /** Posts and edits a minute in one workspace or guild (Slack's `chat.update` Tier 3: ~50). */
  perWorkspacePerMinute?: number;
  /** How long after its post a message may still be edited; later states are posted anew. */
  editWindowMs?: number;
}

/**
 * What an adapter gives the dispatcher to show progress (`HandleOptions.onProgress`). `H` is the
 * adapter's own handle of a posted message (Slack channel + ts; a Discord interaction). Calls
 * for one request never overlap. A sink that throws is logged; the final reply then goes out
 * the ordinary way (`Outcome.delivered` unset), so nothing is lost.
 */
export interface ProgressSink<H = unknown> {
  readonly limits?: ProgressLimits;
  /** The first state: post a message and return its handle. */
  first(reply: Reply): Promise<H> | H;
  /** A later state: edit the message in place. */
  edit(handle: H, reply: Reply): Promise<void> | void;
  /** The outcome's reply as the message's last state; nothing follows for this handle. */
  final(handle: H, reply: Reply): Promise<void> | void;
}

/** A sink that shows every state the same way (the terminal prints it; tests collect it). */
export function printingSink(show: (reply: Reply) => void, limits?: ProgressLimits): ProgressSink<null> {
  return { ...(limits ? { limits } : {}), first: (r) => (show(r), null), edit: (_h, r) => show(r), final: (_h, r) => show(r) };
}

/** Only the live states, not the final one (what tests of progress count). */
export function liveOnlySink(show: (reply: Reply) => void): ProgressSink<null> {
  return { first: (r) => (show(r), null), edit: (_h, r) => show(r), final: () => undefined };
}

/** Edit budgets shared by all progress messages of a process, by channel and by workspace. */
export class EditBudgets {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly capacity = 10_000) {}

  private limiter(key: string, perMinute: number): RateLimiter {
    let found = this.limiters.get(key);
    if (!found) {
      // Bounded: the channel idle longest is forgotten first (its budget is full again by then).
      while (this.limiters.size >= this.capacity) this.limiters.delete(this.limiters.keys().next().value as string);
      found = new RateLimiter({ tokensPerInterval: perMinute, interval: 'minute' });
      this.limiters.set(key, found);
    }
    return found;
  }

  /** Takes one send from every budget and returns 0, or returns how long to wait and takes none. */
  take(budgets: ReadonlyArray<{ key: string; perMinute: number }>): number {
    const limiters = budgets.map((b) => this.limiter(b.key, b.perMinute));
    const wait = Math.max(0, ...limiters.map((l) => (l.getTokensRemaining() >= 1 ? 0 : l.getWaitTime(1))));
    if (wait > 0) return wait;
    for (const l of limiters) l.tryRemoveTokens(1);
    return 0;
  }
}

export interface ProgressOptions {
  /** Least time between two sends to the message. */
  intervalMs?: number;
  onError?: (err: unknown) => void;
  now?: () => number;
  /** Shared budgets and this request's keys in them (from the sink's limits). */
  budgets?: EditBudgets;
  channelKey?: string;
  workspaceKey?: string;
}

/** The longest a final state waits for the edit budget before it goes anyway. */
const FINAL_WAIT_LIMIT_MS = 5000;

export class ProgressChannel<H = unknown> {
  private pending: Reply | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private lastSentAt = -Infinity;
  private closed = false;
  private handle: { value: H; postedAt: number } | undefined;
  private readonly intervalMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly now: () => number;
  /** Updates actually handed to the sink (for benchmarks and tests). */
  sent = 0;

  constructor(
    private readonly sink: ProgressSink<H>,
    private readonly options: ProgressOptions = {},
  ) {
    this.intervalMs = Math.max(options.intervalMs ?? 1000, sink.limits?.messageIntervalMs ?? 0);
    this.onError = options.onError ?? (() => undefined);
    this.now = options.now ?? (() => performance.now());
  }

  push(update: Reply): void {
    if (this.closed) return;
    this.pending = update;
    if (!this.timer) this.schedule(Math.max(0, this.lastSentAt + this.intervalMs - this.now()));
  }

  private schedule(wait: number): void {
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private budgetWait(): number {
    const { budgets, channelKey, workspaceKey } = this.options;
    const limits = this.sink.limits;
    if (!budgets || !limits) return 0;
    const wanted = [
      ...(channelKey && limits.perChannelPerMinute ? [{ key: channelKey, perMinute: limits.perChannelPerMinute }] : []),
      ...(workspaceKey && limits.perWorkspacePerMinute ? [{ key: workspaceKey, perMinute: limits.perWorkspacePerMinute }] : []),
    ];
    return wanted.length ? budgets.take(wanted) : 0;
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.pending || this.closed) return;
    // Timers may fire a little early; never let two sends come closer than the interval. Only
    // when the message may be edited is a send taken from the channel and workspace budgets.
    const wait = Math.max(this.lastSentAt + this.intervalMs - this.now(), 0) || this.budgetWait();
    if (wait > 0) return this.schedule(wait);
    const update = this.pending;
    this.pending = undefined;
    this.lastSentAt = this.now();
    this.sent++;
    this.inFlight = this.inFlight.then(() => this.send(update, false)).catch(this.onError);
  }

  /** Posts the first state, edits later ones, or posts anew once the message is out of its edit window. */
  private async send(update: Reply, final: boolean): Promise<void> {
    const window = this.sink.limits?.editWindowMs;
    const expired = this.handle !== undefined && window !== undefined && this.now() - this.handle.postedAt >= window;
    if (this.handle === undefined || expired) {
      const postedAt = this.now();
      this.handle = { value: await this.sink.first(update), postedAt };
      // A final state posted as a new message is final already.
      return;
    }
    if (final) await this.sink.final(this.handle.value, update);
    else await this.sink.edit(this.handle.value, update);
  }

  /** Drop what is still queued and wait for sends in flight; nothing more is sent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.inFlight;
  }

  /**
   * Ends the message with `final` (queued states are dropped: the final one supersedes them).
   * Returns the handle of the message showing it, or undefined when no message was posted or
   * the last send failed: then the caller posts `final` the ordinary way.
   */
  async finish(final: Reply): Promise<{ handle: H } | undefined> {
    await this.close();
    if (this.handle === undefined) return undefined;
    const sinceLast = this.lastSentAt + this.intervalMs - this.now();
    if (sinceLast > 0) await new Promise((r) => setTimeout(r, sinceLast));
    const started = this.now();
    for (let wait = this.budgetWait(); wait > 0 && this.now() - started < FINAL_WAIT_LIMIT_MS; wait = this.budgetWait()) {
      await new Promise((r) => setTimeout(r, Math.min(wait, FINAL_WAIT_LIMIT_MS)));
    }
    try {
      this.lastSentAt = this.now();
      this.sent++;
      await this.send(final, true);
      return { handle: this.handle.value };
    } catch (err) {
      this.onError(err);
      return undefined;
    }
  }
}
