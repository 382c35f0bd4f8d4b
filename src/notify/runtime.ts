// Everything notifications need, made once per app: the notifier with its subscriptions and
// metrics, the webhook delivery log, and the events watcher (started only by long-running
// processes: a one-shot `dockbot exec` never watches the engine).
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_ENGINE_NAME, type Config } from '../config.js';
import type { AuditSink } from '../core/audit.js';
import { EventsWatcher, type WatcherState } from '../docker/events.js';
import type { DockerHost } from '../docker/host.js';
import { engineProbe, healthRoute, Metrics, metricsRoute, type HealthProbe, type Route } from '../metrics.js';
import { DeliveryLog } from '../store/deliveries.js';
import { JsonStateFile } from '../store/json-state.js';
import { SubscriptionStore } from '../store/subscriptions.js';
import { Notifier } from './notifier.js';
import { webhookRoutes } from './webhooks.js';

export class NotificationsRuntime {
  private metricsOf: Metrics | undefined;
  /** Feeds the metrics from the audit trail once they exist (long-running processes). */
  readonly auditSink: AuditSink = { record: (entry) => this.metricsOf?.record(entry) };
  readonly subscriptions: SubscriptionStore;
  readonly notifier: Notifier;
  /** One watcher per configured engine: its own connection, reconnects and stored state. */
  private readonly watchers = new Map<string, EventsWatcher>();
  private watching: Promise<Map<string, EventsWatcher>> | undefined;
  private deliveries: DeliveryLog | undefined;
  private readonly probes: HealthProbe[] = [];

  constructor(
    private readonly config: Config,
    /** Every configured engine, and which one is the default. */
    private readonly engines: { hosts: ReadonlyArray<{ name: string; host: DockerHost }>; defaultName: string },
    private readonly log: Logger,
  ) {
    this.subscriptions = new SubscriptionStore(join(config.dataDir, 'subscriptions.jsonl'));
    this.notifier = new Notifier({
      channels: config.notifications.channels,
      cooldownMs: config.notifications.cooldownSeconds * 1000,
      log: log.child({ part: 'notify' }),
      subscriptions: this.subscriptions,
      onDelivery: (event, result) => this.metricsOf?.delivery(event, result),
      onNotify: (n) => this.metricsOf?.notified(n),
    });
    // /healthz: 503 only when the default engine does not answer. Commands that name no engine,
    // builds and the bot's own start-up depend on that one; another engine being down fails only
    // the requests sent to it, so it is reported (`ok: false` in its check, `degraded`) without
    // making an orchestrator restart a bot that is serving everything else.
    const several = engines.hosts.length > 1;
    for (const { name, host } of engines.hosts) {
      const probe = engineProbe(() => host.engine.ping(), several ? `engine:${name}` : 'engine');
      this.probes.push(name === engines.defaultName ? probe : { ...probe, critical: false });
    }
  }

  /** The engine events watchers (one per engine), for long-running processes. */
  startWatching(): Promise<Map<string, EventsWatcher>> {
    return (this.watching ??= this.watchAll());
  }

  private async watchAll(): Promise<Map<string, EventsWatcher>> {
    const n = this.config.notifications;
    const several = this.engines.hosts.length > 1;
    for (const { name, host } of this.engines.hosts) {
      this.watchers.set(
        name,
        new EventsWatcher({
          engine: () => host.engine,
          notify: (notification) => this.notifier.notify(notification),
          store: new JsonStateFile<WatcherState>(join(this.config.dataDir, watcherStateFile(name))),
          log: this.log.child({ part: 'events', engine: name }),
          restartLoop: { count: n.restartLoopCount, windowMs: n.restartLoopMinutes * 60_000 },
          ...(several ? { engineName: name } : {}),
        }),
      );
    }
    // Started side by side: an engine that is slow to answer delays no other's watcher.
    await Promise.all([...this.watchers.values()].map((w) => w.start()));
    return this.watchers;
  }

  async stop(): Promise<void> {
    await this.watching?.catch(() => undefined);
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
  }

  /** Adapters add theirs (`slack`: the socket or the HTTP app is up). */
  addHealthProbe(probe: HealthProbe): void {
    this.probes.push(probe);
  }

  /** Counting starts here: a long-running process calls it (routes() does). */
  get metrics(): Metrics {
    return (this.metricsOf ??= new Metrics());
  }

  /** The routes to mount on the shared HTTP server on PORT: webhooks, /healthz, /metrics. */
  routes(): Route[] {
    this.deliveries ??= new DeliveryLog(join(this.config.dataDir, 'webhook-deliveries.jsonl'));
    let lastEvents = 0;
    const metrics = this.metrics;
    return [
      ...webhookRoutes({ secret: this.config.webhookSecret, deliveries: this.deliveries, notify: (n) => this.notifier.notify(n), log: this.log.child({ part: 'webhooks' }) }),
      healthRoute(() => this.probes),
      metricsRoute(metrics, () => {
        // The watcher counts; the counter follows it at scrape time.
        const seen = [...this.watchers.values()].reduce((sum, w) => sum + w.stats.events, 0);
        if (seen > lastEvents) metrics.events.inc(seen - lastEvents);
        lastEvents = seen;
      }),
    ];
  }
}

/** Each engine's watcher state in a file of its own; the `default` engine keeps the name it always had. */
export const watcherStateFile = (engine: string): string => (engine === DEFAULT_ENGINE_NAME ? 'watcher-state.json' : `watcher-state.${engine}.json`);
