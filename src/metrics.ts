// `/healthz` and `/metrics` as route handlers for the shared HTTP server on PORT.
// Health: the engine answers a ping within a deadline and every chat connection says it is up;
// otherwise 503 with the reasons. Metrics: prom-client, one registry per app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { AuditEntry, AuditSink } from './core/audit.js';
import type { Notification, NotifierStats, NotifyEvent } from './notify/notifier.js';

export interface Route {
  methods: string[];
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** Something whose health `/healthz` reports: the engine, the Slack socket, the Discord gateway. */
export interface HealthProbe {
  name: string;
  /** false: a failure is reported in its check (and `degraded`) but does not turn the answer 503. Default true. */
  critical?: boolean;
  /** Resolves with a reason when unhealthy, undefined when fine. */
  check(): Promise<string | undefined> | string | undefined;
}

const PROBE_DEADLINE_MS = 2000;

// prom-client takes ~0.15 s to load: only long-running processes, which serve /metrics, pay for it.
const requireCommonJs = createRequire(import.meta.url);

export class Metrics implements AuditSink {
  readonly registry: Registry;
  readonly commands: Counter;
  readonly latency: Histogram;
  readonly events: Counter;
  readonly notifications: Counter;
  readonly builds: Histogram;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const prom = requireCommonJs('prom-client') as typeof import('prom-client');
    const registers = [(this.registry = new prom.Registry())];
    this.commands = new prom.Counter({ name: 'dockbot_commands_total', help: 'Commands handled, by command and outcome', labelNames: ['command', 'outcome'], registers });
    this.latency = new prom.Histogram({
      name: 'dockbot_command_duration_seconds',
      help: 'Time from request to answer, by command',
      labelNames: ['command'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    });
    this.events = new prom.Counter({ name: 'dockbot_engine_events_total', help: 'Engine events read by the watcher', registers });
    this.notifications = new prom.Counter({ name: 'dockbot_notifications_total', help: 'Notification copies, by event and result (sent, suppressed, failed, undeliverable)', labelNames: ['event', 'result'], registers });
    this.builds = new prom.Histogram({
      name: 'dockbot_build_duration_seconds',
      help: 'Durations of finished builds (from chat and webhooks), by status',
      labelNames: ['status'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    if (options.defaultMetrics !== false) prom.collectDefaultMetrics({ register: this.registry, prefix: 'dockbot_' });
  }

  /** Fed from the audit trail: every command, also denied and failed ones, is one record. */
  record(entry: AuditEntry): void {
    const command = entry.command ?? 'unknown';
    this.commands.inc({ command, outcome: entry.outcome });
    this.latency.observe({ command }, entry.durationMs / 1000);
  }

  /** From the notifier: one call per copy. */
  delivery(event: NotifyEvent, result: keyof NotifierStats): void {
    this.notifications.inc({ event, result });
  }

  /** From the notifier: one call per notification (build results carry their duration). */
  notified(n: Notification): void {
    const data = n.data as { status?: string; durationSeconds?: number } | undefined;
    if (n.event === 'build' && data?.status && data.status !== 'started' && typeof data.durationSeconds === 'number') this.builds.observe({ status: data.status }, data.durationSeconds);
  }
}

export function metricsRoute(metrics: Metrics, extra: () => void = () => undefined): Route {
  return {
    methods: ['GET'],
    path: '/metrics',
    async handler(_req, res) {
      extra();
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
    },
  };
}

export function healthRoute(probes: () => readonly HealthProbe[]): Route {
  return {
    methods: ['GET'],
    path: '/healthz',
    async handler(_req, res) {
      const results = await Promise.all(
        probes().map(async (p) => {
          const reason = await withDeadline(Promise.resolve().then(() => p.check()), PROBE_DEADLINE_MS).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
          return { name: p.name, ok: reason === undefined, ...(p.critical === false ? { critical: false } : {}), ...(reason === undefined ? {} : { reason }) };
        }),
      );
      const ok = results.every((r) => r.ok || r.critical === false);
      const degraded = results.some((r) => !r.ok && r.critical === false);
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ ok, ...(degraded ? { degraded } : {}), checks: results }) + '\n');
    },
  };
}

/** The engine is healthy when it answers `GET /_ping` in time. */
export function engineProbe(ping: () => Promise<unknown>, name = 'engine'): HealthProbe {
  return {
    name,
    async check() {
      try {
        await ping();
        return undefined;
      } catch (err) {
        return `the engine does not answer: ${(err as { code?: string }).code ?? (err as Error).message}`;
      }
    },
  };
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
