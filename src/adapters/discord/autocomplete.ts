// Autocomplete cannot be deferred and must answer within 3 s: names come from a short-lived
// cache of the engine's lists, at most 25, filtered by what was typed.
import type Dockerode from 'dockerode';

export type CompletionKind = 'container' | 'image';

export const MAX_CHOICES = 25;
/** Discord's limit on a choice's name and value. */
const CHOICE_MAX = 100;

/** Where names come from: the engine's container and image lists. */
export interface NameSource {
  names(kind: CompletionKind): Promise<string[]>;
}

/** Container names (and short ids) and image references (and short ids) of one engine. */
export function engineNames(engine: () => Dockerode): NameSource {
  return {
    async names(kind) {
      if (kind === 'container') {
        const list = await engine().listContainers({ all: true });
        return list.flatMap((c) => [...(c.Names ?? []).map((n) => n.replace(/^\//, '')), c.Id.slice(0, 12)]);
      }
      const list = await engine().listImages();
      return list.flatMap((i) => [...(i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), i.Id.replace(/^sha256:/, '').slice(0, 12)]);
    },
  };
}

export class Completer {
  private readonly cache = new Map<CompletionKind, { at: number; names: Promise<string[]> }>();

  constructor(
    private readonly source: NameSource,
    private readonly ttlMs = 5000,
    /** Past this, the answer goes out empty rather than late (Discord drops late answers). */
    private readonly deadlineMs = 2000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Names that start with what was typed first, then names that contain it; at most 25. */
  async complete(kind: CompletionKind, typed: string): Promise<string[]> {
    return matching(await this.withDeadline(this.names(kind)), typed);
  }

  private names(kind: CompletionKind): Promise<string[]> {
    const hit = this.cache.get(kind);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.names;
    const names = this.source.names(kind);
    this.cache.set(kind, { at: this.now(), names });
    // A failed listing is not kept: the next keystroke asks again.
    names.catch(() => this.cache.delete(kind));
    return names;
  }

  private async withDeadline(names: Promise<string[]>): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), this.deadlineMs)));
    try {
      return await Promise.race([names.catch(() => []), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Names that start with what was typed first, then names that contain it; at most 25, each one Discord accepts. */
export function matching(names: readonly string[], typed: string): string[] {
  const needle = typed.trim().toLowerCase();
  const fits = names.filter((n) => n.length >= 1 && n.length <= CHOICE_MAX);
  const starts = fits.filter((n) => n.toLowerCase().startsWith(needle));
  const contains = fits.filter((n) => !n.toLowerCase().startsWith(needle) && n.toLowerCase().includes(needle));
  return [...new Set([...starts.sort(), ...contains.sort()])].slice(0, MAX_CHOICES);
}

/** One completer per engine, made on first use: names for `host:NAME` come from that engine. */
export function completersByEngine(engineOf: (name: string) => Dockerode | undefined): (name: string) => Completer | undefined {
  const made = new Map<string, Completer>();
  return (name) => {
    if (!engineOf(name)) return undefined;
    let completer = made.get(name);
    if (!completer) made.set(name, (completer = new Completer(engineNames(() => engineOf(name) as Dockerode))));
    return completer;
  };
}
