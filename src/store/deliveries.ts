// Webhook delivery ids already posted, so a repeated delivery is posted once — also after a
// restart. JSON lines, appended; only the newest `capacity` ids are kept (the file is rewritten
// when it has grown to twice that).
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readJsonLine } from './json-lines.js';

export class DeliveryLog {
  private readonly seen = new Set<string>();
  private lines = 0;

  constructor(
    readonly path: string,
    private readonly capacity = 10_000,
  ) {
    try {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const delivery = readJsonLine<{ id: string }>(line);
        if (!delivery) continue;
        this.remember(delivery.id);
        this.lines++;
      }
    } catch {
      // no deliveries yet
    }
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** True when `id` is new (and is now recorded); false for a repeat. Synchronous: no two requests race. */
  claim(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.remember(id);
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, JSON.stringify({ id, at: new Date().toISOString() }) + '\n', { mode: 0o600 });
    if (++this.lines > this.capacity * 2) this.compact();
    return true;
  }

  private remember(id: string): void {
    this.seen.delete(id);
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
  }

  private compact(): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, [...this.seen].map((id) => JSON.stringify({ id })).join('\n') + '\n', { mode: 0o600 });
    renameSync(temp, this.path);
    this.lines = this.seen.size;
  }
}
