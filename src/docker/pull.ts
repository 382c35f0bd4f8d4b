// Pulling an image with live progress: the Engine's JSON progress stream folded into the
// lines `docker pull` prints ("99ad4e3ced4d: Pull complete") and one overall percent, shown
// in a single updating reply. Used by `pull` and by `run` when the image is missing.
import type { Logger } from 'pino';
import type { CommandContext } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { code, context, fields, reply, text, type Block, type ProgressStep, type Reply } from '../core/reply.js';
import { engineMessage, mapEngineError } from './errors.js';
import { humanSize, shortId } from './format.js';
import { nameOnly, withTag, type ImageReference } from './reference.js';
import { isTag, listTags, registryBaseUrl, suggestTags } from './registry.js';

/** One item of the Engine's `POST /images/create` stream. */
export interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

type LayerPhase = 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'complete' | 'exists';

interface Layer {
  phase: LayerPhase;
  /** Compressed size, known once the download starts. */
  size?: number;
  downloaded: number;
  extracted: number;
}

interface Line {
  id: string;
  status: string;
}

const PHASES: Record<string, LayerPhase> = {
  'Pulling fs layer': 'waiting',
  Waiting: 'waiting',
  Downloading: 'downloading',
  'Verifying Checksum': 'downloaded',
  'Download complete': 'downloaded',
  Extracting: 'extracting',
  'Pull complete': 'complete',
  'Already exists': 'exists',
};

/** How far along a layer is, 0..1: downloading is the first half, extracting the second. */
function layerFraction(layer: Layer): number {
  const share = (done: number): number => (layer.size ? Math.min(done / layer.size, 1) : 0);
  switch (layer.phase) {
    case 'waiting':
      return 0;
    case 'downloading':
      return 0.5 * share(layer.downloaded);
    case 'downloaded':
      return 0.5;
    case 'extracting':
      return 0.5 + 0.5 * share(layer.extracted);
    case 'complete':
    case 'exists':
      return 1;
  }
}

/**
 * Folds pull events into what `docker pull` shows: one line per id, updated in place, plus the
 * lines without an id (digest, status). Feed it with `apply`; read it at any time.
 */
export class PullProgress {
  private readonly lines = new Map<string, Line>();
  private readonly layers = new Map<string, Layer>();
  private readonly notes: string[] = [];
  private highestPercent = 0;
  /** `Digest: sha256:...` lines, one per tag pulled. */
  readonly digests: string[] = [];
  /** Tags in the order the engine started them (`1: Pulling from library/busybox`). */
  readonly tags: string[] = [];
  /** The engine's final `Status: ...` line, once it came. */
  statusLine: string | undefined;
  /** The first error item of the stream: the pull failed. */
  error: string | undefined;

  /** Applies one event; returns true when what `lines()`/`percent()` show changed. */
  apply(event: PullEvent): boolean {
    if (event.error !== undefined || event.errorDetail !== undefined) {
      this.error ??= event.errorDetail?.message || event.error || 'the engine reported an unknown error';
      return true;
    }
    const status = event.status ?? '';
    if (!event.id) {
      const digest = /^Digest: (\S+)/.exec(status);
      if (digest) this.digests.push(digest[1] as string);
      else if (status.startsWith('Status: ')) this.statusLine = status;
      if (status) this.notes.push(status);
      return status !== '';
    }
    if (status.startsWith('Pulling from ')) {
      if (!this.tags.includes(event.id)) this.tags.push(event.id);
    } else {
      this.trackLayer(event.id, status, event.progressDetail);
    }
    const shown = statusText(status, event.progressDetail);
    const previous = this.lines.get(event.id);
    if (previous?.status === shown) return false;
    this.lines.set(event.id, { id: event.id, status: shown });
    return true;
  }

  private trackLayer(id: string, status: string, detail: PullEvent['progressDetail']): void {
    const phase = PHASES[status];
    if (!phase) return; // "Retrying in 5 seconds" and the like keep the layer where it was.
    const layer = this.layers.get(id) ?? { phase, downloaded: 0, extracted: 0 };
    layer.phase = phase;
    if (detail?.total && detail.total > 0 && (phase === 'downloading' || layer.size === undefined)) layer.size = detail.total;
    if (phase === 'downloading') layer.downloaded = detail?.current ?? layer.downloaded;
    if (phase === 'extracting') layer.extracted = detail?.current ?? layer.extracted;
    this.layers.set(id, layer);
  }

  /** The lines as `docker pull` prints them, in the order their ids first appeared. */
  steps(): ProgressStep[] {
    return [...this.lines.values()].map((l) => ({ label: l.id, status: l.status }));
  }

  /** Lines without an id, in order: `Digest: ...`, `Status: ...`. */
  messages(): readonly string[] {
    return this.notes;
  }

  /**
   * Overall percent, weighted by layer size; a layer whose size is not known yet counts as the
   * average known one. Layers that already existed need no work and do not count. Never goes
   * back, and reaches 100 only once the engine reported its final status.
   */
  percent(): number {
    const working = [...this.layers.values()].filter((l) => l.phase !== 'exists');
    let value: number;
    if (working.length === 0) {
      value = this.statusLine ? 100 : 0;
    } else {
      const known = working.filter((l) => l.size !== undefined).map((l) => l.size as number);
      const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
      let done = 0;
      let total = 0;
      for (const layer of working) {
        const weight = layer.size ?? fallback;
        done += weight * layerFraction(layer);
        total += weight;
      }
      value = Math.floor((100 * done) / total);
      if (value === 100 && !this.statusLine) value = 99;
    }
    this.highestPercent = Math.max(this.highestPercent, value);
    return this.highestPercent;
  }

  /** Layer counts and the compressed bytes downloaded in this pull. */
  summary(): { layers: number; downloaded: number; alreadyExisted: number; downloadedBytes: number } {
    const all = [...this.layers.values()];
    const fetched = all.filter((l) => l.phase !== 'exists');
    return {
      layers: all.length,
      downloaded: fetched.filter((l) => l.phase === 'complete').length,
      alreadyExisted: all.length - fetched.length,
      downloadedBytes: fetched.reduce((sum, l) => sum + (l.phase === 'waiting' ? 0 : l.phase === 'downloading' ? l.downloaded : (l.size ?? 0)), 0),
    };
  }
}

/** "Downloading 45% (1.2MB/2.6MB)" for byte progress; the engine's status word otherwise. */
function statusText(status: string, detail: PullEvent['progressDetail']): string {
  const total = detail?.total;
  const current = detail?.current;
  if (!total || total <= 0 || current === undefined) return status;
  const percent = Math.min(100, Math.floor((100 * current) / total));
  return `${status} ${percent}% (${humanSize(current)}/${humanSize(total)})`;
}

export interface PullOptions {
  /** `-a`: every tag of the repository (the reference must have neither tag nor digest). */
  allTags?: boolean;
  /** `--platform os[/arch[/variant]]` for multi-platform images. */
  platform?: string;
  /** Send no progress updates (`pull -q`). */
  quiet?: boolean;
  /** Title of the progress reply; default "Pulling <reference>". */
  title?: string;
}

export interface PullResult {
  /** What was pulled, written in full: `docker.io/library/busybox:1` (no tag with `-a`). */
  reference: string;
  /** The same as people usually write it: `busybox:1`. */
  familiar: string;
  /** Manifest digest of the (last) tag pulled. */
  digest: string | null;
  /** `name@digest` as `docker image inspect` lists it in RepoDigests. */
  repoDigest: string | null;
  /** Local image ID; null for `-a`. */
  id: string | null;
  status: 'downloaded' | 'up_to_date';
  /** The engine's last line, e.g. "Status: Downloaded newer image for busybox:1". */
  statusLine: string;
  /** With `-a`: each tag and its digest, in the order pulled. */
  tags: Array<{ tag: string; digest: string | null }>;
  layers: number;
  layersDownloaded: number;
  layersAlreadyExisted: number;
  downloadedBytes: number;
  durationMs: number;
  /** The per-layer lines of the end state, for the final reply. */
  steps: ProgressStep[];
}

/** What pullImage needs from a command context (tests and benchmarks can build just this). */
export type PullContext = Pick<CommandContext, 'services' | 'progress'> & { log?: Logger };

/**
 * Pulls `reference` (tag or digest; `:latest` when it has neither, unless `allTags`) and shows
 * progress through `ctx.progress` as one updating reply: a line per layer and an overall percent.
 * Updates are throttled by the dispatcher's progress channel, so call it freely.
 *
 * Resolves when the engine reports its final status. Failures are thrown as UserError: a
 * missing tag or repository is `not_found` with what the registry does have (via its API),
 * an error item in the stream is a failure like any other, a full disk is `no_space`.
 */
export async function pullImage(ctx: PullContext, reference: ImageReference, options: PullOptions = {}): Promise<PullResult> {
  const started = performance.now();
  const target = engineTarget(reference, options.allTags ?? false);
  const title = options.title ?? `Pulling ${target.familiar}`;
  const engine = ctx.services.docker.engine;
  const progress = new PullProgress();

  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.createImage({
      fromImage: target.fromImage,
      ...(target.tag === undefined ? {} : { tag: target.tag }),
      ...(options.platform ? { platform: options.platform } : {}),
    });
  } catch (err) {
    throw await pullFailure(err, reference, ctx);
  }

  await consume(stream, (event) => {
    const changed = progress.apply(event);
    if (changed && !options.quiet && progress.error === undefined) ctx.progress(progressReply(title, progress));
  });

  if (progress.error !== undefined) throw await pullFailure(progress.error, reference, ctx);
  if (!progress.statusLine) {
    throw new UserError('engine_error', `the engine stopped reporting before the pull of ${target.display} finished`, {
      hint: 'try again; `info` shows the engine state',
    });
  }

  const digest = progress.digests.at(-1) ?? null;
  const id = options.allTags ? null : await localImageId(ctx, target.display);
  const summary = progress.summary();
  return {
    reference: target.display,
    familiar: target.familiar,
    digest,
    repoDigest: digest ? `${nameOnly(reference).normalized}@${digest}` : null,
    id,
    status: /up to date/i.test(progress.statusLine) ? 'up_to_date' : 'downloaded',
    statusLine: progress.statusLine,
    tags: progress.tags.map((tag, i) => ({ tag, digest: progress.digests[i] ?? null })),
    layers: summary.layers,
    layersDownloaded: summary.downloaded,
    layersAlreadyExisted: summary.alreadyExisted,
    downloadedBytes: summary.downloadedBytes,
    durationMs: Math.round(performance.now() - started),
    steps: progress.steps(),
  };
}

/** The live reply: per-layer lines and the percent; the lines without an id below. */
export function progressReply(title: string, progress: PullProgress): Reply {
  const blocks: Block[] = [{ type: 'progress', steps: progress.steps(), percent: progress.percent() }];
  const notes = progress.messages();
  if (notes.length) blocks.push(context(notes.join('\n')));
  return reply(blocks, { title, tone: 'info' });
}

/** The final reply of a successful pull. */
export function pulledReply(result: PullResult): Reply {
  const blocks: Block[] = [text(result.statusLine)];
  if (result.steps.length) blocks.push({ type: 'progress', steps: result.steps, percent: 100 });
  const facts: Array<[string, string]> = [];
  if (result.tags.length > 1) facts.push(['Tags', result.tags.map((t) => t.tag).join(', ')]);
  if (result.digest) facts.push(['Digest', result.digest]);
  if (result.id) facts.push(['Image ID', shortId(result.id)]);
  if (result.layers) {
    facts.push(['Layers', `${result.layersDownloaded} downloaded (${humanSize(result.downloadedBytes)}), ${result.layersAlreadyExisted} already present`]);
  }
  if (facts.length) blocks.push(fields(facts));
  blocks.push(code(result.reference));
  return reply(blocks, { title: result.status === 'up_to_date' ? `${result.familiar} is up to date` : `Pulled ${result.familiar}`, tone: 'ok' });
}

interface EngineTarget {
  fromImage: string;
  /** Tag or digest; undefined pulls every tag. */
  tag?: string;
  /** The reference as the final line shows it: written in full. */
  display: string;
  /** The same as people usually write it, for titles. */
  familiar: string;
}

export function engineTarget(reference: ImageReference, allTags: boolean): EngineTarget {
  if (allTags) {
    if (reference.tag !== undefined || reference.digest !== undefined) {
      throw new UserError('usage', 'tag can\'t be used with --all-tags/-a', { hint: `pull -a ${reference.familiarName}` });
    }
    return { fromImage: reference.name, display: reference.name, familiar: reference.familiarName };
  }
  // With both a tag and a digest the digest decides, as the engine does.
  if (reference.digest !== undefined) {
    const suffix = `@${reference.digest}`;
    return { fromImage: reference.name, tag: reference.digest, display: reference.name + suffix, familiar: reference.familiarName + suffix };
  }
  const suffix = `:${reference.tag ?? 'latest'}`;
  return { fromImage: reference.name, tag: reference.tag ?? 'latest', display: reference.name + suffix, familiar: reference.familiarName + suffix };
}

/** Reads newline-delimited JSON; a line that is not JSON is an error item of its own. */
async function consume(stream: NodeJS.ReadableStream, onEvent: (event: PullEvent) => void): Promise<void> {
  let buffered = '';
  const handle = (line: string): void => {
    if (!line.trim()) return;
    let event: PullEvent;
    try {
      event = JSON.parse(line) as PullEvent;
    } catch {
      event = { error: `unreadable progress from the engine: ${line.slice(0, 200)}` };
    }
    onEvent(event);
  };
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      handle(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
  handle(buffered);
}

async function localImageId(ctx: PullContext, name: string): Promise<string | null> {
  try {
    return (await ctx.services.docker.engine.getImage(name).inspect()).Id;
  } catch (err) {
    ctx.log?.warn({ err, image: name }, 'pulled image not found by inspect');
    return null;
  }
}

const MISSING = [/manifest unknown/i, /manifest for \S+ not found/i, /not found: manifest/i, /repository \S+ not found/i, /pull access denied/i, /name unknown/i];
const REGISTRY_UNREACHABLE = [/dial tcp/i, /no such host/i, /connection refused/i, /i\/o timeout/i, /TLS handshake/i, /x509:/i, /server gave HTTP response to HTTPS client/i];

/**
 * A failed pull, told with the next step. `err` is what the engine said: a rejected request
 * (HTTP status) or the message of an error item in the stream.
 */
async function pullFailure(err: unknown, reference: ImageReference, ctx: PullContext): Promise<Error> {
  const fromStream = typeof err === 'string';
  if (!fromStream && (!err || typeof err !== 'object' || typeof (err as { statusCode?: unknown }).statusCode !== 'number')) {
    // Not an Engine answer (the engine itself is unreachable, or a bug): the dispatcher maps it.
    return err instanceof Error ? err : new Error(String(err));
  }
  const message = fromStream ? err : engineMessage(err as Parameters<typeof engineMessage>[0]);
  const cause = fromStream ? undefined : err;
  if (MISSING.some((p) => p.test(message))) return missingImage(reference);
  if (REGISTRY_UNREACHABLE.some((p) => p.test(message))) {
    const plainHttp = /HTTP response to HTTPS client/i.test(message);
    return new UserError('engine_error', `the engine could not pull from ${reference.domain}: ${message}`, {
      hint: plainHttp
        ? `the registry speaks plain HTTP: list ${reference.domain} under insecure-registries in the engine's daemon.json`
        : `check that the registry ${reference.domain} is up and reachable from the engine`,
      ...(cause === undefined ? {} : { cause }),
    });
  }
  const mapped = mapEngineError({ statusCode: fromStream ? 500 : (err as { statusCode: number }).statusCode, json: { message } }, ctx.services.docker.address);
  return mapped ?? new UserError('engine_error', `the pull failed: ${message}`);
}

/** `not_found`, saying whether the repository exists and which tags the registry has. */
async function missingImage(reference: ImageReference): Promise<UserError> {
  const repository = nameOnly(reference).familiar;
  const wanted = reference.digest ?? reference.tag ?? 'latest';
  const what = reference.digest ? `digest ${reference.digest}` : `tag "${wanted}"`;
  const listing = await listTags(reference);
  const data: Record<string, unknown> = { reference: reference.normalized, repository: nameOnly(reference).normalized, registry: reference.domain };
  switch (listing.kind) {
    case 'found': {
      // What a registry answers is not trusted: only tags by the grammar reach the text and the buttons.
      const valid = listing.tags.filter(isTag);
      const suggestions = suggestTags(valid, reference.digest ? undefined : wanted);
      const more = valid.length > suggestions.length ? ` (${valid.length} in all)` : '';
      return new UserError('not_found', `${repository} has no ${what}; the repository exists`, {
        hint: suggestions.length ? `tags it has: ${suggestions.join(', ')}${more}` : 'the repository has no tags at all',
        data: { ...data, repositoryExists: true, tags: suggestions, tagCount: valid.length },
        actions: suggestions.slice(0, 3).map((tag) => ({ label: `Pull ${tag}`, command: `pull ${withTag(nameOnly(reference), tag).familiar}` })),
      });
    }
    case 'no_repository':
      return new UserError('not_found', `repository ${repository} does not exist on ${reference.domain}`, {
        hint: 'check the spelling and the registry part of the name (no registry means Docker Hub)',
        data: { ...data, repositoryExists: false, tags: [] },
      });
    case 'auth_required':
      return new UserError('not_found', `${repository}:${wanted} was not found: the repository does not exist on ${reference.domain}, or it needs credentials`, {
        hint: `${registryBaseUrl(reference.domain)} would not list its tags without logging in; dockbot pulls anonymously, so private repositories cannot be pulled`,
        data: { ...data, repositoryExists: null, authRequired: true, tags: [] },
      });
    case 'unavailable':
      return new UserError('not_found', `${repository} has no ${what} on ${reference.domain}`, {
        hint: `could not ask the registry which tags it has: ${listing.reason}`,
        data: { ...data, repositoryExists: null, tags: [] },
      });
  }
}
