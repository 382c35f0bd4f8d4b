// Everything notifications need, made once per app: the notifier with its subscriptions and
// metrics, the webhook delivery log, and the events watcher (started only by long-running
// processes: a one-shot `dockbot exec` never watches the engine).
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
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
  private watcher: EventsWatcher | undefined;
  private deliveries: DeliveryLog | undefined;
  private readonly probes: HealthProbe[] = [];

  constructor(
    private readonly config: Config,
    private readonly docker: DockerHost,
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
    this.probes.push(engineProbe(() => this.docker.engine.ping()));
  }

  /** The engine events watcher, for long-running processes. */
  async startWatching(): Promise<EventsWatcher> {
    if (this.watcher) return this.watcher;
    const n = this.config.notifications;
    this.watcher = new EventsWatcher({
      engine: () => this.docker.engine,
      notify: (notification) => this.notifier.notify(notification),
      store: new JsonStateFile<WatcherState>(join(this.config.dataDir, 'watcher-state.json')),
      log: this.log.child({ part: 'events' }),
      restartLoop: { count: n.restartLoopCount, windowMs: n.restartLoopMinutes * 60_000 },
    });
    await this.watcher.start();
    return this.watcher;
  }

  async stop(): Promise<void> {
    await this.watcher?.stop();
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
        const seen = this.watcher?.stats.events ?? 0;
        if (seen > lastEvents) metrics.events.inc(seen - lastEvents);
        lastEvents = seen;
      }),
    ];
  }
}
