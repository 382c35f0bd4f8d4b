// Subscriptions from chat (`notify add|list|rm`): which channel hears which events, optionally
// only for some containers. Kept as JSON lines of changes (add, rm) replayed on read, so a
// subscription made in one process (`dockbot exec`) is seen by the running bot, and both
// survive restarts. Reads re-parse only when the file changed.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Notification, NotifyEvent } from '../notify/notifier.js';
import { readJsonLine } from './json-lines.js';

export interface SubscriptionFilter {
  /** `label`: KEY or KEY=VALUE; `name`: the container name (exact). */
  kind: 'label' | 'name';
  value: string;
}

export interface Subscription {
  id: string;
  /** `<platform>:<channel id>` */
  channel: string;
  events: NotifyEvent[];
  filters: SubscriptionFilter[];
  by: string;
  at: string;
}

type Change = ({ op: 'add' } & Subscription) | { op: 'rm'; id: string; by: string; at: string };

export class SubscriptionStore {
  private cache: { mtimeMs: number; size: number; subscriptions: Map<string, Subscription> } | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async list(channel?: string): Promise<Subscription[]> {
    const all = [...(await this.load()).values()];
    return channel === undefined ? all : all.filter((s) => s.channel === channel);
  }

  async add(s: Omit<Subscription, 'id' | 'at'>): Promise<Subscription> {
    const subscription: Subscription = { ...s, id: `s${randomBytes(3).toString('hex')}`, at: new Date().toISOString() };
    await this.append({ op: 'add', ...subscription });
    return subscription;
  }

  /** The removed subscription, or undefined when there is none with this id. */
  async remove(id: string, by: string): Promise<Subscription | undefined> {
    const found = (await this.load()).get(id);
    if (!found) return undefined;
    await this.append({ op: 'rm', id, by, at: new Date().toISOString() });
    return found;
  }

  /** The channels whose subscriptions match (the notifier's extra channels). */
  async channelsFor(n: Notification): Promise<string[]> {
    const out: string[] = [];
    for (const s of (await this.load()).values()) if (matches(s, n)) out.push(s.channel);
    return out;
  }

  private append(change: Change): Promise<void> {
    const write = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, JSON.stringify(change) + '\n', { mode: 0o600 });
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  private async load(): Promise<Map<string, Subscription>> {
    await this.tail;
    const info = await stat(this.path).catch(() => undefined);
    if (!info) return new Map();
    if (this.cache && this.cache.mtimeMs === info.mtimeMs && this.cache.size === info.size) return this.cache.subscriptions;
    const subscriptions = new Map<string, Subscription>();
    for (const line of (await readFile(this.path, 'utf8')).split('\n')) {
      const change = readJsonLine<Change>(line);
      if (!change) continue;
      if (change.op === 'add') {
        const { op: _op, ...s } = change;
        subscriptions.set(s.id, s);
      } else if (change.op === 'rm') subscriptions.delete(change.id);
    }
    this.cache = { mtimeMs: info.mtimeMs, size: info.size, subscriptions };
    return subscriptions;
  }
}

export function matches(s: Subscription, n: Notification): boolean {
  if (!s.events.includes(n.event)) return false;
  return s.filters.every((f) => {
    if (f.kind === 'name') return n.name === f.value;
    const eq = f.value.indexOf('=');
    const labels = n.labels ?? {};
    return eq < 0 ? f.value in labels : labels[f.value.slice(0, eq)] === f.value.slice(eq + 1);
  });
}
