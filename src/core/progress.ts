// Live updates to one message: serialised (never two edits in flight) and throttled
// (at most one per interval, latest state wins), whatever rate the producer emits at.
import type { Reply } from './reply.js';

export type ProgressSink = (update: Reply) => Promise<void> | void;

export class ProgressChannel {
  private pending: Reply | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private lastSentAt = -Infinity;
  private closed = false;
  /** Updates actually handed to the sink (for benchmarks and tests). */
  sent = 0;

  constructor(
    private readonly sink: ProgressSink,
    private readonly intervalMs = 1000,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(update: Reply): void {
    if (this.closed) return;
    this.pending = update;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    // Timers may fire a little early; never let two sends come closer than the interval.
    const early = this.lastSentAt + this.intervalMs - this.now();
    if (early > 0) {
      this.timer = setTimeout(() => this.flush(), early);
      return;
    }
    const update = this.pending;
    this.pending = undefined;
    if (!update || this.closed) return;
    this.lastSentAt = this.now();
    this.sent++;
    this.inFlight = this.inFlight.then(() => this.sink(update)).catch(this.onError);
  }

  /** Drop what is still queued (the final reply supersedes it) and wait for edits in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.inFlight;
  }
}
