// The audit trail on disk: one JSON line per command, appended. An append-only file rather
// than SQLite because Node 20 has no built-in SQLite and a native addon would need a compiler
// on every host; appends of whole lines survive crashes and restarts, and the file is
// readable with grep and jq by whoever investigates.
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEntry, AuditSink } from '../core/audit.js';
import { readJsonLine } from './json-lines.js';

export interface AuditQuery {
  limit: number;
  user?: string;
}

export interface AuditReader {
  recent(query: AuditQuery): Promise<AuditEntry[]>;
}

export class AuditFile implements AuditSink, AuditReader {
  /** Appends are chained so lines never interleave. */
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  record(entry: AuditEntry): Promise<void> {
    // The directory is made on first write: a bad DOCKBOT_DATA_DIR shows up as a logged audit failure, not a crash.
    const write = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, JSON.stringify(entry) + '\n', { mode: 0o600 });
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  /** The newest matching entries, newest first. */
  async recent({ limit, user }: AuditQuery): Promise<AuditEntry[]> {
    await this.tail;
    const exists = await stat(this.path).then(
      () => true,
      () => false,
    );
    if (!exists) return [];
    const kept: AuditEntry[] = [];
    const lines = createInterface({ input: createReadStream(this.path, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const entry = readJsonLine<AuditEntry>(line);
      if (!entry) continue;
      if (user && !entry.user.toLowerCase().includes(user.toLowerCase())) continue;
      kept.push(entry);
      if (kept.length > limit) kept.shift();
    }
    return kept.reverse();
  }
}
