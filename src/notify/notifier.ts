// Team notifications, platform-neutral: builds, webhooks and engine events produce a
// Notification; the notifier picks the channels (notifications.channels plus matching
// subscriptions), applies the cooldown and hands each channel's copy to the adapter of its
// platform. Adapters implement one thing: "post this Reply to channel X".
import type { Logger } from 'pino';
import type { Reply } from '../core/reply.js';

/** What a notification is about; subscriptions name these. */
export const NOTIFY_EVENTS = ['build', 'die', 'oom', 'unhealthy', 'restart-loop', 'kill', 'image-delete'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
/**
 * What `notifications.channels` get. Stops (`kill`) happen on every deploy: only channels that
 * subscribe to them hear about them.
 */
export const CHANNEL_EVENTS: readonly NotifyEvent[] = NOTIFY_EVENTS.filter((e) => e !== 'kill');

export interface Notification {
  event: NotifyEvent;
  reply: Reply;
  /**
   * The container (or image) it is about: one message per subject and channel within the
   * cooldown. Unset for builds and summaries: those always go out.
   */
  subject?: string;
  /** Name and labels of the subject, for subscription filters (`name=web`, `label=team=a`). */
  name?: string;
  labels?: Record<string, string>;
  /** Machine-readable detail (counts of a storm summary, the build id, ...). */
  data?: unknown;
}

/** What every adapter implements to receive notifications. */
export interface NotificationTarget {
  /** The platform prefix of the channel addresses it serves: `slack`, `discord`, `shell`. */
  readonly platform: string;
  post(channelId: string, reply: Reply, notification: Notification): Promise<void>;
}

/** Extra channels for a notification (subscriptions), as `<platform>:<channel>` addresses. */
export interface ChannelSource {
  channelsFor(notification: Notification): Promise<string[]> | string[];
}

export interface NotifierStats {
  sent: number;
  suppressed: number;
  failed: number;
  undeliverable: number;
}

export interface NotifierOptions {
  channels: readonly string[];
  cooldownMs: number;
  log: Logger;
  subscriptions?: ChannelSource;
  now?: () => number;
  /** Called for every copy: sent, suppressed by the cooldown, failed, or for a platform nobody serves. */
  onDelivery?: (event: NotifyEvent, result: keyof NotifierStats) => void;
  /** Called once per notification, before it goes out (metrics read build durations here). */
  onNotify?: (notification: Notification) => void;
  /** Waits between the tries of a failed post (the platform may be back a moment later). */
  retryDelaysMs?: readonly number[];
}

export interface DeliveryReport {
  sent: string[];
  suppressed: string[];
  failed: string[];
}

/** Cooldown entries kept at most (oldest forgotten first): a storm cannot grow memory. */
const COOLDOWN_CAPACITY = 50_000;

export class Notifier {
  private readonly targets = new Map<string, NotificationTarget>();
  private readonly lastSent = new Map<string, number>();
  private readonly now: () => number;
  readonly stats: NotifierStats = { sent: 0, suppressed: 0, failed: 0, undeliverable: 0 };

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
  }

  /** An adapter that came up; the previous one of its platform is replaced. */
  register(target: NotificationTarget): () => void {
    this.targets.set(target.platform, target);
    return () => {
      if (this.targets.get(target.platform) === target) this.targets.delete(target.platform);
    };
  }

  /** Where it would go: the configured channels plus the subscribed ones, each once. */
  async channelsFor(notification: Notification): Promise<string[]> {
    const extra = (await this.options.subscriptions?.channelsFor(notification)) ?? [];
    const configured = CHANNEL_EVENTS.includes(notification.event) ? this.options.channels : [];
    return [...new Set([...configured, ...extra])];
  }

  async notify(notification: Notification): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: [], suppressed: [], failed: [] };
    this.options.onNotify?.(notification);
    let channels: string[];
    try {
      channels = await this.channelsFor(notification);
    } catch (err) {
      this.options.log.error({ err }, 'subscriptions could not be read; sending to the configured channels only');
      channels = CHANNEL_EVENTS.includes(notification.event) ? [...this.options.channels] : [];
    }
    await Promise.all(
      channels.map(async (address) => {
        const colon = address.indexOf(':');
        const platform = address.slice(0, colon);
        const channel = address.slice(colon + 1);
        const target = this.targets.get(platform);
        if (!target) {
          this.count(notification.event, 'undeliverable');
          this.options.log.debug({ channel: address }, 'no adapter for this channel is running');
          return;
        }
        if (notification.subject !== undefined) {
          const key = `${address}\u0000${notification.subject}`;
          const last = this.lastSent.get(key);
          if (last !== undefined && this.now() - last < this.options.cooldownMs) {
            report.suppressed.push(address);
            this.count(notification.event, 'suppressed');
            return;
          }
          this.remember(key);
        }
        if (await this.deliver(target, channel, notification)) {
          report.sent.push(address);
          this.count(notification.event, 'sent');
        } else {
          report.failed.push(address);
          this.count(notification.event, 'failed');
        }
      }),
    );
    return report;
  }

  private async deliver(target: NotificationTarget, channel: string, notification: Notification): Promise<boolean> {
    const delays = this.options.retryDelaysMs ?? [1000, 5000];
    for (let attempt = 0; ; attempt++) {
      try {
        await target.post(channel, notification.reply, notification);
        return true;
      } catch (err) {
        if (attempt >= delays.length) {
          this.options.log.error({ err, platform: target.platform, channel, event: notification.event }, 'notification not delivered');
          return false;
        }
        this.options.log.warn({ err, platform: target.platform, channel }, 'notification failed; trying again');
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    }
  }

  private remember(key: string): void {
    this.lastSent.delete(key);
    this.lastSent.set(key, this.now());
    if (this.lastSent.size > COOLDOWN_CAPACITY) this.lastSent.delete(this.lastSent.keys().next().value as string);
  }

  private count(event: NotifyEvent, result: keyof NotifierStats): void {
    this.stats[result]++;
    this.options.onDelivery?.(event, result);
  }
}
