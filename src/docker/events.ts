// The engine events watcher: container exits with a non-zero code, OOM kills, unhealthy
// containers, restart loops and image deletes become team notifications — never lost, never
// told twice.
//
// The daemon keeps only its last 256 events, in memory, and loses them on restart; a reader
// that is slow misses events. So the stream is drained at once into our own queue; after a
// drop the watcher resumes with `since` (the bound is inclusive: events already seen are
// skipped by id+action+time), and after every (re)connect it also re-lists the containers and
// compares them with the state it stored, so an exit that happened while nobody watched is
// reported once. Which exits were told is decided per run of a container (its StartedAt), in one
// place for both paths, and stored before the message goes out.
import type { Logger } from 'pino';
import type Dockerode from 'dockerode';
import { code, context, fields, reply, say, table, text } from '../core/reply.js';
import type { Notification, NotifyEvent } from '../notify/notifier.js';
import type { JsonStateFile } from '../store/json-state.js';

/** One line of `GET /events`. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

export interface WatchedContainer {
  name: string;
  /** StartedAt of the run whose end was already handled (reported or deliberately not). */
  handledRun: string | null;
  running: boolean;
  /** When the last run ended in a way that is no news (a clean exit, a requested stop), ms. */
  quietExitAt?: number;
}

export interface WatcherState {
  version: 1;
  /** When this state was first made: exits before it are history, not news. */
  watchingSince: string;
  /** `timeNano` of the last event read: where the next connection resumes. */
  lastEventNano: string | null;
  /** id+action+time of the events read at exactly `lastEventNano` (the inclusive bound replays them). */
  lastEventKeys: string[];
  containers: Record<string, WatchedContainer>;
}

export interface WatcherStats {
  /** Events read from the engine (the two kills of one stop count once). */
  events: number;
  /** Events dropped because the queue was full (the re-list after reconnect covers exits). */
  dropped: number;
  reconnects: number;
  /** Exits found by re-listing, not by an event. */
  reconciled: number;
  alerts: number;
}

export interface WatcherOptions {
  engine: () => Dockerode;
  /** Where alerts go (the notifier). */
  notify: (notification: Notification) => Promise<unknown>;
  store: JsonStateFile<WatcherState>;
  log: Logger;
  /** A storm: more alerts of one kind than this within one window become one summary. */
  individualMax?: number;
  /** The window closes after this much quiet... */
  quietMs?: number;
  /** ...or this long after it opened, whichever comes first (a storm that goes on is told in parts). */
  maxWindowMs?: number;
  restartLoop?: { count: number; windowMs: number };
  /** With several engines: the engine's name, put into every message (and each subject, so cooldowns stay per engine). */
  engineName?: string;
  /** The kills of one stop (SIGTERM, then SIGKILL after the timeout) within this are one. */
  killMergeMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  logLines?: number;
  queueCapacity?: number;
  now?: () => number;
}

type AlertKind = 'die' | 'oom' | 'unhealthy' | 'restart-loop' | 'kill' | 'image-delete';

interface Alert {
  kind: AlertKind;
  id: string;
  name: string;
  labels: Record<string, string>;
  exitCode?: number;
  signals?: string[];
  oomKilled?: boolean;
  image?: string;
  restarts?: number;
  /** When the event reached us (performance.now()), for the latency figure. */
  seenAt: number;
}

const KIND_EVENT: Record<AlertKind, NotifyEvent> = { die: 'die', oom: 'oom', unhealthy: 'unhealthy', 'restart-loop': 'restart-loop', kill: 'kill', 'image-delete': 'image-delete' };
const KEY_MEMORY = 2048;
const RECONCILE_CONCURRENCY = 8;
const CONTAINER_STATE_CAPACITY = 20_000;
const QUIET_EXIT_SLACK_MS = 2000;

export const newWatcherState = (now = new Date()): WatcherState => ({ version: 1, watchingSince: now.toISOString(), lastEventNano: null, lastEventKeys: [], containers: {} });

export class EventsWatcher {
  readonly stats: WatcherStats = { events: 0, dropped: 0, reconnects: 0, reconciled: 0, alerts: 0 };
  /** The events stream is open (for /healthz). */
  connected = false;
  /** The engine's being unreachable was logged: until it answers again, retries stay quiet. */
  private downReported = false;
  private state: WatcherState = newWatcherState();
  private stopped = true;
  private stream: NodeJS.ReadableStream | undefined;
  private readonly queue: EngineEvent[] = [];
  private pumping: Promise<void> | undefined;
  private readonly recentKeys = new Set<string>();
  private readonly exitChains = new Map<string, Promise<void>>();
  private readonly pendingKills = new Map<string, { signals: string[]; at: number; seenAt: number; timer: NodeJS.Timeout; name: string; labels: Record<string, string> }>();
  private readonly deaths = new Map<string, number[]>();
  private readonly loopingUntil = new Map<string, number>();
  private window: { alerts: Alert[]; opened: number; timer: NodeJS.Timeout | undefined; holds: number } | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoff: number;
  private readonly o: Required<Omit<WatcherOptions, 'engine' | 'notify' | 'store' | 'log' | 'engineName'>>;
  /** Resolves when a (re)connection has finished its re-list (tests and benchmarks wait on it). */
  private reconciled: Promise<void> = Promise.resolve();
  /** Work in flight (exits being inspected, notifications being sent), for `idle()`. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: WatcherOptions) {
    this.o = {
      individualMax: options.individualMax ?? 3,
      quietMs: options.quietMs ?? 500,
      maxWindowMs: options.maxWindowMs ?? 10_000,
      restartLoop: options.restartLoop ?? { count: 3, windowMs: 5 * 60_000 },
      killMergeMs: options.killMergeMs ?? 15_000,
      reconnectDelayMs: options.reconnectDelayMs ?? { min: 500, max: 15_000 },
      logLines: options.logLines ?? 10,
      queueCapacity: options.queueCapacity ?? 100_000,
      now: options.now ?? Date.now,
    };
    this.backoff = this.o.reconnectDelayMs.min;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const stored = await this.options.store.load();
    if (stored?.version === 1) {
      this.state = stored;
    } else {
      // First start: what already exited is history. Take the current view as the baseline.
      this.state = newWatcherState(new Date(this.o.now()));
    }
    for (const key of this.state.lastEventKeys) this.recentKeys.add(key);
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.closeStream();
    for (const kill of this.pendingKills.values()) clearTimeout(kill.timer);
    this.pendingKills.clear();
    if (this.window?.timer) clearTimeout(this.window.timer);
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    // What the window holds is told now, not lost with the process.
    await this.idle();
    if (this.window) this.track(this.closeWindow());
    await this.idle();
    await this.options.store.save(this.state);
  }

  /** Resolves when everything read so far has been handled and sent (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.reconciled;
      await this.pumping;
      await Promise.all([...this.inFlight]);
      if (!this.pumping && this.inFlight.size === 0 && this.queue.length === 0) return;
    }
  }

  /** Closes the window now instead of waiting for quiet (shutdown, tests). */
  async flushWindow(): Promise<void> {
    await this.idle();
    if (this.window) this.track(this.closeWindow());
    await this.idle();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.catch((err: unknown) => {
      this.options.log.error({ err }, 'events watcher step failed');
    }) as Promise<unknown>;
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return p;
  }

  // --- the connection ---------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const since = this.state.lastEventNano;
    try {
      // `since` to the nanosecond: the engine takes "seconds.nanoseconds" (the typings say number).
      const query = { ...(since ? { since: nanoToSince(since) } : {}), filters: { type: ['container', 'image'] } } as unknown as Dockerode.GetEventsOptions;
      const stream = await this.options.engine().getEvents(query);
      if (this.stopped) {
        (stream as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      this.stream = stream;
      this.connected = true;
      this.downReported = false;
      this.backoff = this.o.reconnectDelayMs.min;
      let buffer = '';
      stream.on('data', (chunk: Buffer) => {
        // Drained at once: parsing is all that happens here; the work is queued.
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          this.enqueue(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
        }
        if (buffer.length > 1024 * 1024) buffer = ''; // no event is this long
      });
      const dropped = (err?: unknown): void => {
        if (this.stream !== stream) return;
        this.stream = undefined;
        this.connected = false;
        if (err) this.options.log.warn({ err }, 'engine events stream failed');
        else this.options.log.info('engine events stream ended');
        this.scheduleReconnect();
      };
      stream.on('end', () => dropped());
      stream.on('close', () => dropped());
      stream.on('error', (err) => dropped(err));
      // Events are flowing into the queue; now compare what is there with what we last saw.
      this.reconciled = this.reconcile().catch((err: unknown) => {
        this.options.log.warn({ err }, 'could not re-list containers after connecting');
      });
      await this.reconciled;
    } catch (err) {
      this.connected = false;
      // An engine that is down is a state, not a fault of ours: said once, without a stack; retried quietly.
      const reason = err instanceof Error ? err.message : String(err);
      if (this.downReported) this.options.log.debug({ reason }, 'engine events: still cannot connect');
      else this.options.log.warn({ reason }, 'engine events: cannot connect; trying again');
      this.downReported = true;
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.o.reconnectDelayMs.max);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.stats.reconnects++;
      void this.connect();
    }, delay);
  }

  private closeStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.connected = false;
    (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }

  // --- the queue --------------------------------------------------------------------------

  private enqueue(line: string): void {
    if (!line.trim()) return;
    let event: EngineEvent;
    try {
      event = JSON.parse(line) as EngineEvent;
    } catch {
      return;
    }
    if (this.queue.length >= this.o.queueCapacity) {
      this.stats.dropped++;
      return;
    }
    (event as EngineEvent & { seenAt: number }).seenAt = performance.now();
    this.queue.push(event);
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  private async pump(): Promise<void> {
    while (this.queue.length) {
      // Synchronous per batch; yields between batches so the stream keeps draining.
      const batch = this.queue.splice(0, 500);
      for (const event of batch) this.handle(event);
      await new Promise((r) => setImmediate(r));
    }
    this.persistSoon();
  }

  private persistTimer: NodeJS.Timeout | undefined;
  private persistSoon(): void {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.track(this.options.store.save(this.state));
    }, 200);
  }

  private handle(event: EngineEvent): void {
    const nano = event.timeNano !== undefined ? String(event.timeNano) : event.time !== undefined ? `${event.time}000000000` : null;
    const id = event.Actor?.ID ?? event.id ?? '';
    const action = event.Action ?? event.status ?? '';
    if (nano) {
      const key = `${id}|${action}|${nano}`;
      if (this.recentKeys.has(key)) return; // replayed by `since`
      this.recentKeys.add(key);
      if (this.recentKeys.size > KEY_MEMORY) this.recentKeys.delete(this.recentKeys.values().next().value as string);
      if (nano !== this.state.lastEventNano) {
        if (this.state.lastEventNano === null || BigInt(nano) > BigInt(this.state.lastEventNano)) {
          this.state.lastEventNano = nano;
          this.state.lastEventKeys = [key];
        }
      } else {
        this.state.lastEventKeys.push(key);
      }
    }
    const seenAt = (event as EngineEvent & { seenAt?: number }).seenAt ?? performance.now();
    const attributes = event.Actor?.Attributes ?? {};
    const name = attributes.name ?? id.slice(0, 12);
    const labels = labelsOf(attributes);
    if (event.Type === 'image') {
      this.stats.events++;
      if (action === 'delete') this.add({ kind: 'image-delete', id, name: attributes.name ?? id, labels: {}, seenAt });
      return;
    }
    if (event.Type !== 'container' || !id) return;
    switch (action) {
      case 'kill': {
        const pending = this.pendingKills.get(id);
        const signal = attributes.signal ?? '?';
        if (pending && this.o.now() - pending.at < this.o.killMergeMs) {
          pending.signals.push(signal); // the second kill of the same stop
          return;
        }
        this.stats.events++;
        const timer = setTimeout(() => this.releaseKill(id), this.o.killMergeMs);
        this.pendingKills.set(id, { signals: [signal], at: this.o.now(), seenAt, timer, name, labels });
        return;
      }
      case 'start':
        this.stats.events++;
        this.container(id, name).running = true;
        return;
      case 'die': {
        this.stats.events++;
        const exitCode = Number(attributes.exitCode ?? NaN);
        const kill = this.pendingKills.get(id);
        const stopped = kill !== undefined;
        if (kill) this.releaseKill(id);
        const known = this.container(id, name);
        known.running = false;
        if (stopped || !(exitCode > 0)) {
          // A requested stop, or a clean exit: nothing to tell. Its time is kept so a re-list
          // finds this end handled without asking the engine now.
          known.quietExitAt = eventMs(event);
          return;
        }
        const release = this.hold();
        this.track(this.settleExit(id, { kind: 'die', id, name, labels, exitCode, seenAt }).finally(release));
        return;
      }
      case 'oom':
        this.stats.events++;
        this.add({ kind: 'oom', id, name, labels, seenAt });
        return;
      case 'destroy':
        this.stats.events++;
        delete this.state.containers[id];
        this.deaths.delete(id);
        this.loopingUntil.delete(id);
        return;
      default:
        if (action.startsWith('health_status')) {
          this.stats.events++;
          if (/unhealthy/.test(action)) this.add({ kind: 'unhealthy', id, name, labels, seenAt });
          return;
        }
        this.stats.events++;
    }
  }

  private releaseKill(id: string): void {
    const kill = this.pendingKills.get(id);
    if (!kill) return;
    clearTimeout(kill.timer);
    this.pendingKills.delete(id);
    this.add({ kind: 'kill', id, name: kill.name, labels: kill.labels, signals: kill.signals, seenAt: kill.seenAt });
  }

  private container(id: string, name: string): WatchedContainer {
    let c = this.state.containers[id];
    if (!c) {
      const ids = Object.keys(this.state.containers);
      if (ids.length >= CONTAINER_STATE_CAPACITY) delete this.state.containers[ids[0] as string];
      c = this.state.containers[id] = { name, handledRun: null, running: false };
    }
    c.name = name;
    return c;
  }

  // --- exits: one decision per run, for events and re-lists alike --------------------------

  /**
   * Decides about the end of the container's latest run: told once (alert), or settled
   * silently (alert null). Serialised per container; the decision is stored before the alert
   * goes out, so a replayed event or a re-list finds it made.
   */
  private settleExit(id: string, alert: Alert | null, reconciling = false): Promise<void> {
    const previous = this.exitChains.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      let info: Dockerode.ContainerInspectInfo | undefined;
      try {
        info = await this.options.engine().getContainer(id).inspect();
      } catch {
        info = undefined; // removed already (--rm): the event is all there is
      }
      const c = this.container(id, info ? info.Name.replace(/^\//, '') : (alert?.name ?? id.slice(0, 12)));
      const run = info?.State.StartedAt ?? null;
      if (info?.State.Running) {
        // Restarted already (a restart policy): the run that ended is gone from the engine, and a
        // re-list never reports a running container, so the event alone decides.
        if (!alert) return;
      } else if (run !== null) {
        if (c.handledRun === run) return; // told already (a replayed event, or the re-list got there first)
        c.handledRun = run;
      }
      if (!alert) return;
      if (info && !info.State.Running) {
        alert.exitCode = info.State.ExitCode;
        alert.oomKilled = info.State.OOMKilled;
      }
      await this.options.store.save(this.state);
      if (reconciling) this.stats.reconciled++;
      this.noteDeath(alert);
    });
    this.exitChains.set(id, next);
    void next.finally(() => {
      if (this.exitChains.get(id) === next) this.exitChains.delete(id);
    });
    return next;
  }

  /** Restart loops: the N-th death within the window is one message, then quiet while it goes on. */
  private noteDeath(alert: Alert): void {
    const now = this.o.now();
    const { count, windowMs } = this.o.restartLoop;
    const times = (this.deaths.get(alert.id) ?? []).filter((t) => now - t < windowMs);
    times.push(now);
    this.deaths.set(alert.id, times);
    const quietUntil = this.loopingUntil.get(alert.id);
    if (quietUntil !== undefined && now < quietUntil) {
      this.loopingUntil.set(alert.id, now + windowMs);
      return;
    }
    if (times.length >= count) {
      this.loopingUntil.set(alert.id, now + windowMs);
      this.add({ ...alert, kind: 'restart-loop', restarts: times.length });
      return;
    }
    this.add(alert);
  }

  /** Re-lists the containers and settles every exit the stored state has not seen. */
  private async reconcile(): Promise<void> {
    const engine = this.options.engine();
    const list = await engine.listContainers({ all: true });
    const since = Date.parse(this.state.watchingSince);
    const exited = list.filter((c) => c.State !== 'running' && c.State !== 'created' && c.State !== 'restarting');
    for (const c of list) {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, '');
      if (c.State === 'running') this.container(c.Id, name).running = true;
    }
    // Inspect exited containers a few at a time: one reconnect must not flood the engine.
    const work = exited.slice();
    await Promise.all(
      Array.from({ length: RECONCILE_CONCURRENCY }, async () => {
        for (let c = work.shift(); c; c = work.shift()) {
          const id = c.Id;
          let info: Dockerode.ContainerInspectInfo;
          try {
            info = await engine.getContainer(id).inspect();
          } catch {
            continue;
          }
          const known = this.state.containers[id];
          const run = info.State.StartedAt;
          if (known?.handledRun === run) continue;
          const finished = Date.parse(info.State.FinishedAt);
          // Seen as a clean exit or a stop when it happened (the die event's time is FinishedAt's, to the millisecond or so).
          if (known?.quietExitAt !== undefined && Math.abs(finished - known.quietExitAt) < QUIET_EXIT_SLACK_MS) {
            known.handledRun = run;
            continue;
          }
          const name = info.Name.replace(/^\//, '');
          const news = info.State.ExitCode > 0 && Number.isFinite(finished) && finished >= since && run !== '0001-01-01T00:00:00Z';
          await this.settleExit(id, news ? { kind: 'die', id, name, labels: info.Config.Labels ?? {}, exitCode: info.State.ExitCode, seenAt: performance.now() } : null, true);
          this.container(id, name).running = false;
        }
      }),
    );
    await this.options.store.save(this.state);
  }

  // --- storms: alerts of a window, coalesced ----------------------------------------------

  private add(alert: Alert): void {
    this.openWindow().alerts.push(alert);
    this.scheduleClose();
  }

  /**
   * An exit being looked up (inspect) belongs to the window of its event: the window stays
   * open until it is settled, so a storm is not cut into pieces by how fast the engine answers.
   */
  private hold(): () => void {
    const window = this.openWindow();
    window.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      window.holds--;
      if (this.window === window) this.scheduleClose();
    };
  }

  private openWindow(): NonNullable<EventsWatcher['window']> {
    this.window ??= { alerts: [], opened: performance.now(), timer: undefined, holds: 0 };
    return this.window;
  }

  private scheduleClose(): void {
    const window = this.window;
    if (!window) return;
    if (window.timer) clearTimeout(window.timer);
    const now = performance.now();
    const cap = Math.max(0, window.opened + this.o.maxWindowMs - now);
    const wait = window.holds > 0 ? cap : Math.min(this.o.quietMs, cap);
    window.timer = setTimeout(() => this.track(this.closeWindow()), wait);
  }

  private async closeWindow(): Promise<void> {
    const window = this.window;
    this.window = undefined;
    if (!window) return;
    if (window.timer) clearTimeout(window.timer);
    const byKind = new Map<AlertKind, Alert[]>();
    for (const a of window.alerts) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
    const sends: Array<Promise<unknown>> = [];
    for (const [kind, alerts] of byKind) {
      if (alerts.length > this.o.individualMax) {
        sends.push(this.send(summary(kind, alerts), alerts));
        continue;
      }
      for (const a of alerts) sends.push(this.describe(a).then((n) => this.send(n, [a])));
    }
    await Promise.all(sends);
  }

  private async send(notification: Notification, alerts: Alert[]): Promise<void> {
    this.stats.alerts++;
    const data = { ...(notification.data as object), seenAt: alerts.map((a) => a.seenAt) };
    await this.options.notify(this.options.engineName ? onEngine(notification, data, this.options.engineName) : { ...notification, data });
  }

  /** One alert as a message; a non-zero exit comes with the container's last log lines. */
  private async describe(a: Alert): Promise<Notification> {
    const base = { subject: a.kind === 'restart-loop' ? `${a.id}:restart-loop` : a.id, name: a.name, labels: a.labels };
    const event = KIND_EVENT[a.kind];
    switch (a.kind) {
      case 'die': {
        const lines = await this.lastLines(a.id);
        return {
          ...base,
          event,
          data: { kind: a.kind, count: 1, containers: [a.name], exitCode: a.exitCode },
          reply: reply(
            [
              fields([
                ['Container', a.name],
                ['Exit code', String(a.exitCode ?? '?')],
                ...(a.oomKilled ? ([['Reason', 'out of memory (OOM killed)']] as Array<[string, string]>) : []),
              ]),
              ...(lines.length ? [code(lines.join('\n'))] : [context('no log lines (the container is gone or wrote nothing)')]),
            ],
            { title: `Container ${a.name} exited with code ${a.exitCode ?? '?'}`, tone: 'error' },
          ),
        };
      }
      case 'restart-loop':
        return {
          ...base,
          event,
          data: { kind: a.kind, count: 1, containers: [a.name], restarts: a.restarts },
          reply: reply([text(say`${a.name} died ${a.restarts} times within ${Math.round(this.o.restartLoop.windowMs / 60_000)} min (last exit code ${a.exitCode ?? '?'}); quiet about it until it settles.`)], {
            title: `Container ${a.name} is in a restart loop`,
            tone: 'error',
          }),
        };
      case 'oom':
        return { ...base, event, data: { kind: a.kind, count: 1, containers: [a.name] }, reply: reply([text(say`A process in ${a.name} was killed: out of memory.`)], { title: `Container ${a.name} ran out of memory`, tone: 'error' }) };
      case 'unhealthy':
        return { ...base, event, data: { kind: a.kind, count: 1, containers: [a.name] }, reply: reply([text(say`${a.name} failed its health check.`)], { title: `Container ${a.name} is unhealthy`, tone: 'warn' }) };
      case 'kill':
        return {
          ...base,
          event,
          data: { kind: a.kind, count: 1, containers: [a.name], signals: a.signals },
          reply: reply([text(say`${a.name} was sent ${(a.signals ?? []).join(' then ')}.`)], { title: `Container ${a.name} was stopped`, tone: 'info' }),
        };
      case 'image-delete':
        return { ...base, event, data: { kind: a.kind, count: 1, images: [a.name] }, reply: reply([text(say`Image ${a.name} was deleted.`)], { title: 'Image deleted', tone: 'info' }) };
    }
  }

  private async lastLines(id: string): Promise<string[]> {
    try {
      const raw = (await this.options.engine().getContainer(id).logs({ stdout: true, stderr: true, tail: this.o.logLines, follow: false })) as unknown as Buffer;
      return demuxLines(raw).slice(-this.o.logLines);
    } catch {
      return [];
    }
  }
}

/** The lines of a (multiplexed or TTY) logs body, terminal colours and control characters removed. */
export function demuxLines(raw: Buffer): string[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  const multiplexed = raw.length >= 8 && raw[0]! <= 2 && raw[1] === 0 && raw[2] === 0 && raw[3] === 0;
  if (multiplexed) {
    while (offset + 8 <= raw.length) {
      const size = raw.readUInt32BE(offset + 4);
      chunks.push(raw.subarray(offset + 8, offset + 8 + size));
      offset += 8 + size;
    }
  } else {
    chunks.push(raw);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]/g, '')
    .split('\n')
    .map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l))
    .filter((l) => l.trim() !== '');
}

/** A message about one engine of several: its name in the title, a footer and `data.engine`. */
function onEngine(n: Notification, data: object, engine: string): Notification {
  return {
    ...n,
    ...(n.subject === undefined ? {} : { subject: `${engine}/${n.subject}` }),
    data: { ...data, engine },
    reply: { ...n.reply, ...(n.reply.title ? { title: `${n.reply.title} (engine ${engine})` } : {}), blocks: [...n.reply.blocks, context(`engine: ${engine}`)] },
  };
}

const SUMMARY_NAMES = 15;

/** A storm as one message: the count, the first names, "… and N more". */
function summary(kind: AlertKind, alerts: Alert[]): Notification {
  const names = alerts.map((a) => a.name);
  const what: Record<AlertKind, string> = {
    die: 'containers exited with a non-zero code',
    'restart-loop': 'containers are in restart loops',
    oom: 'containers ran out of memory',
    unhealthy: 'containers became unhealthy',
    kill: 'containers were stopped',
    'image-delete': 'images were deleted',
  };
  const rows = alerts.slice(0, SUMMARY_NAMES).map((a) => [a.name, a.exitCode === undefined ? '' : String(a.exitCode)]);
  const codes = [...new Set(alerts.map((a) => a.exitCode).filter((c) => c !== undefined))];
  return {
    event: KIND_EVENT[kind],
    data: { kind, count: alerts.length, containers: names.slice(0, 100), exitCodes: codes },
    reply: reply(
      [
        table(kind === 'image-delete' ? ['IMAGE', ''] : ['CONTAINER', 'EXIT CODE'], rows),
        ...(alerts.length > SUMMARY_NAMES ? [context(`… and ${alerts.length - SUMMARY_NAMES} more`)] : []),
      ],
      { title: `${alerts.length} ${what[kind]}`, tone: kind === 'kill' || kind === 'image-delete' ? 'info' : 'error' },
    ),
  };
}

const labelsOf = (attributes: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!['name', 'image', 'exitCode', 'signal', 'execDuration'].includes(k)) out[k] = v;
  return out;
};

const eventMs = (e: EngineEvent): number => (e.timeNano !== undefined ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000);

/** `timeNano` as the `since` Docker takes: seconds.nanoseconds. */
export function nanoToSince(nano: string): string {
  const padded = nano.padStart(10, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}
