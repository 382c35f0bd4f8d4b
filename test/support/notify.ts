// A notification target that records what it is asked to post, as an adapter would receive it.
import type { Reply } from '../../src/core/reply.js';
import type { Notification, NotificationTarget } from '../../src/notify/notifier.js';

export interface Posted {
  channel: string;
  reply: Reply;
  notification: Notification;
  at: number;
}

export class RecordingTarget implements NotificationTarget {
  readonly posted: Posted[] = [];
  private waiters: Array<() => void> = [];

  constructor(readonly platform = 'slack') {}

  async post(channel: string, reply: Reply, notification: Notification): Promise<void> {
    this.posted.push({ channel, reply, notification, at: performance.now() });
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `predicate` holds for what was posted, or fails after `timeoutMs`. */
  async until(predicate: (posted: Posted[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.posted)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; posted so far: ${JSON.stringify(this.posted.map((p) => p.reply.title))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
