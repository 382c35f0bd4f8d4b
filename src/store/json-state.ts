// Small state documents (the events watcher's last view of the engine) kept as one JSON file,
// replaced atomically: written to a temporary file, then renamed over the old one, so a crash of
// the process leaves the old state or the new one, never half of either. (No fsync: it would
// cost milliseconds per save under a storm and only helps against power loss.) Saves are coalesced:
// callers may save after every change; at most one write is in flight and the last state wins.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class JsonStateFile<T> {
  private latest: T | undefined;
  private dirty = false;
  private writing: Promise<void> | undefined;

  constructor(readonly path: string) {}

  /** The stored state, or undefined when there is none (first start) or it cannot be read. */
  async load(): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** Resolves once `state` (or a later one) is on disk. */
  save(state: T): Promise<void> {
    this.latest = state;
    this.dirty = true;
    return this.flush();
  }

  flush(): Promise<void> {
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const body = JSON.stringify(this.latest);
      await mkdir(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, body, { mode: 0o600 });
      await rename(temp, this.path);
    }
  }
}
