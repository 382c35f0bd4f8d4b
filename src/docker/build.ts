// Building an image from a configured context: the directory goes to the engine as a tar
// stream (honouring .dockerignore), the Dockerfile is read for `--dry-run` and the policy, and
// the legacy builder's JSON stream is folded into "step N/M, the instruction, the last lines".
import { lstat, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import { UserError } from '../core/errors.js';
import { isRegistryAllowed } from './run-policy.js';
import { parseReference } from './reference.js';
import { cpusToNano, parseMemorySize } from './run-spec.js';
import type { RunPolicyConfig } from '../config.js';

/** What one context may weigh: the engine copies it whole before the first step runs. */
export const CONTEXT_LIMITS = { bytes: 512 * 1024 * 1024, files: 50_000 };
/** Output lines kept for the progress message and the failure excerpt. */
export const KEPT_LINES = 10;
const MAX_LINE = 300;
/** A longer JSON line from the engine is not progress we can use. */
const MAX_STREAM_LINE = 1024 * 1024;
const MAX_DOCKERFILE = 1024 * 1024;
const requireCommonJs = createRequire(import.meta.url);

// --- the Dockerfile ---------------------------------------------------------------------

export interface Instruction {
  /** 1-based line where it starts. */
  line: number;
  keyword: string;
  /** The rest, continuation lines joined. */
  args: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` (or the `# escape=` character) continues a line. */
export function parseDockerfile(source: string): Instruction[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const directive = /^#\s*escape\s*=\s*([\\`])\s*$/i.exec(lines[0] ?? '');
  const escape = directive?.[1] ?? '\\';
  const out: Instruction[] = [];
  let pending: { line: number; text: string } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') && !pending?.text.trim()) return;
    if (trimmed.startsWith('#')) return; // comments inside a continued instruction are skipped too
    if (!pending && trimmed === '') return;
    const continues = trimmed.endsWith(escape);
    const body = continues ? trimmed.slice(0, -1) : trimmed;
    pending = pending ? { line: pending.line, text: `${pending.text} ${body}` } : { line: index + 1, text: body };
    if (continues) return;
    push(pending);
    pending = undefined;
  });
  if (pending) push(pending);
  return out;

  function push(p: { line: number; text: string }): void {
    const text = p.text.trim();
    if (!text) return;
    const match = /^(\S+)\s*(.*)$/.exec(text);
    if (!match) return;
    out.push({ line: p.line, keyword: (match[1] as string).toUpperCase(), args: (match[2] as string).replace(/\s+/g, ' ').trim() });
  }
}

export interface BaseImage {
  /** As written after FROM or --from=, build args substituted where known. */
  image: string;
  line: number;
  /** An ARG without a value could not be substituted: the image is unknown until the build. */
  unresolved: boolean;
}

/**
 * The images a build would pull or use: FROM images (not `scratch`, not earlier stages) and
 * `COPY --from=` images. Build args and ARG defaults before the first FROM are substituted.
 */
export function baseImages(instructions: readonly Instruction[], buildArgs: Record<string, string>): BaseImage[] {
  const globals: Record<string, string | undefined> = {};
  const stages = new Set<string>();
  const out: BaseImage[] = [];
  let seenFrom = false;
  const substitute = (value: string): { text: string; unresolved: boolean } => {
    let unresolved = false;
    const text = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced: string, fallback: string | undefined, bare: string) => {
      const name = braced ?? bare;
      const v = globals[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      unresolved = true;
      return '';
    });
    return { text, unresolved };
  };
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && !seenFrom) {
      const [name, ...rest] = ins.args.split('=');
      const key = (name ?? '').trim();
      if (key) globals[key] = buildArgs[key] ?? (rest.length ? rest.join('=').replace(/^["']|["']$/g, '') : undefined);
      continue;
    }
    if (ins.keyword === 'FROM') {
      seenFrom = true;
      const words = ins.args.split(' ').filter((w) => !w.startsWith('--platform'));
      const { text, unresolved } = substitute(words[0] ?? '');
      const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
      const image = text.toLowerCase();
      // `FROM builder` names an earlier stage, not an image.
      if (image !== 'scratch' && !stages.has(image)) out.push({ image: text, line: ins.line, unresolved: unresolved || text === '' });
      const alias = asIndex > 0 ? words[asIndex + 1] : undefined;
      if (alias) stages.add(alias.toLowerCase());
      continue;
    }
    if (ins.keyword === 'COPY') {
      const from = /(?:^|\s)--from=(\S+)/.exec(ins.args)?.[1];
      if (!from || /^\d+$/.test(from) || stages.has(from.toLowerCase())) continue;
      const { text, unresolved } = substitute(from);
      out.push({ image: text, line: ins.line, unresolved });
    }
  }
  return out;
}

// --- policy ---------------------------------------------------------------------------

export interface BuildPolicyVerdict {
  allowed: boolean;
  /** One line per rule checked, in words. */
  checks: string[];
  violations: string[];
  /** Limits given to the build's containers. */
  limits: { memory: number; nanoCpus: number };
}

/**
 * The run policy, applied to builds: RUN steps get the default memory/CPU limits and the
 * engine's default network (never the host's: builds take no --network); under a registry
 * allowlist every image the Dockerfile names must come from an allowed registry.
 */
export function checkBuildPolicy(images: readonly BaseImage[], policy: RunPolicyConfig): BuildPolicyVerdict {
  const violations: string[] = [];
  const checks: string[] = ['network: the engine default (builds never use the host network)'];
  if (policy.registries.length === 0) {
    checks.push('registries: any (no policy.registries configured)');
  } else {
    for (const base of images) {
      if (base.unresolved) {
        violations.push(`line ${base.line}: the image "${base.image}" depends on a build arg without a value; under policy.registries every image must be known before the build`);
        continue;
      }
      let domain: string;
      try {
        domain = parseReference(base.image).domain;
      } catch (err) {
        violations.push(`line ${base.line}: "${base.image}" is not an image reference (${(err as Error).message})`);
        continue;
      }
      if (!isRegistryAllowed(domain, policy.registries)) violations.push(`line ${base.line}: ${base.image} is from ${domain}, not an allowed registry (${policy.registries.join(', ')})`);
    }
    checks.push(`registries: ${policy.registries.join(', ')}`);
  }
  const limits = { memory: parseMemorySize(policy.defaultMemory), nanoCpus: cpusToNano(policy.defaultCpus) };
  checks.push(`limits per step: memory ${policy.defaultMemory}, cpus ${policy.defaultCpus}`);
  return { allowed: violations.length === 0, checks, violations, limits };
}

/**
 * The policy for a context whose Dockerfile the bot cannot read (a git repository the engine
 * clones): the limits apply; under a registry allowlist the images it names cannot be checked,
 * so the build is refused (fail closed).
 */
export function checkUnreadBuildPolicy(policy: RunPolicyConfig): BuildPolicyVerdict {
  const verdict = checkBuildPolicy([], { ...policy, registries: [] });
  if (policy.registries.length === 0) return verdict;
  const violation = `policy.registries is set (${policy.registries.join(', ')}) and the images a git context's Dockerfile names cannot be checked before the engine fetches it`;
  return { ...verdict, allowed: false, violations: [violation], checks: verdict.checks.map((c) => (c.startsWith('registries:') ? `registries: ${policy.registries.join(', ')} (cannot be checked for a git context)` : c)) };
}

// --- the context ----------------------------------------------------------------------

/** `-f`: a path inside the context, never outside it. */
export function dockerfilePath(contextDir: string, file: string | undefined): { relative: string; absolute: string } {
  const rel = relativeDockerfile(file);
  return { relative: rel, absolute: join(contextDir, rel) };
}

/** `-f` as the engine gets it: relative to the context, `/`-separated, never leaving it. */
export function relativeDockerfile(file: string | undefined): string {
  const rel = normalize(file ?? 'Dockerfile');
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`) || rel.includes('\0')) {
    throw new UserError('usage', `-f must name a file inside the build context, not "${(file ?? '').slice(0, 200)}"`, { hint: 'give the Dockerfile path relative to the context, e.g. `-f docker/Dockerfile.prod`' });
  }
  return rel.split(sep).join('/');
}

export async function readDockerfile(contextDir: string, file: string | undefined): Promise<{ relative: string; text: string }> {
  const path = dockerfilePath(contextDir, file);
  const stat = await lstat(path.absolute).catch(() => undefined);
  if (!stat?.isFile()) {
    throw new UserError('not_found', `the context has no Dockerfile at ${path.relative}`, { hint: 'name another one with -f PATH (relative to the context)' });
  }
  if (stat.size > MAX_DOCKERFILE) throw new UserError('invalid_argument', `${path.relative} is larger than ${MAX_DOCKERFILE / 1024} KiB`);
  return { relative: path.relative, text: await readFile(path.absolute, 'utf8') };
}

export interface ContextStats {
  files: number;
  bytes: number;
}

/**
 * The context directory as a tar stream, without what `.dockerignore` excludes (the Dockerfile
 * and `.dockerignore` always go, as with the Docker CLI). Symlinks are sent as links, never
 * followed out of the directory. The directory is walked first, so a context over the limits
 * is refused before anything reaches the engine.
 */
export async function contextTar(contextDir: string, dockerfile: string, limits = CONTEXT_LIMITS): Promise<{ stream: Readable; stats: ContextStats }> {
  const tar = requireCommonJs('tar-fs') as typeof import('tar-fs');
  // A CommonJS module whose typings declare an ES default export.
  const dockerignore = requireCommonJs('@balena/dockerignore') as typeof import('@balena/dockerignore').default;
  const ignoreText = await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => '');
  const rules = dockerignore({ ignorecase: false }).add(ignoreText);
  // With exceptions (`!dir/keep`) an excluded directory may hold files that go: walk into it.
  const hasExceptions = /^\s*!/m.test(ignoreText);
  const always = new Set([dockerfile, '.dockerignore']);
  const stats: ContextStats = { files: 0, bytes: 0 };
  const entries: string[] = [];
  const tooBig = (what: string): UserError =>
    new UserError('invalid_argument', `the build context is too large (${what})`, { hint: 'exclude what the build does not need in .dockerignore' });

  const walk = async (rel: string): Promise<void> => {
    const dirents = await readdir(join(contextDir, rel), { withFileTypes: true });
    for (const d of dirents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      const ignored = !always.has(path) && rules.ignores(path);
      if (d.isDirectory()) {
        if (ignored && !hasExceptions) continue;
        const before = entries.length;
        await walk(path);
        if (entries.length === before && !ignored) entries.push(path); // an empty directory the build may expect
        continue;
      }
      if (ignored || !(d.isFile() || d.isSymbolicLink())) continue; // sockets and fifos are skipped, as the Docker CLI does
      entries.push(path);
      if (d.isFile()) {
        stats.files++;
        stats.bytes += (await lstat(join(contextDir, path))).size;
        if (stats.bytes > limits.bytes) throw tooBig(`over ${Math.round(limits.bytes / 1024 / 1024)} MiB`);
      }
      if (entries.length > limits.files) throw tooBig(`over ${limits.files} files`);
    }
  };
  await walk('');
  const stream = tar.pack(contextDir, {
    entries,
    strict: false,
    map(header) {
      // Ownership on the bot's host is nobody's business in the image.
      header.uid = 0;
      header.gid = 0;
      return header;
    },
  });
  return { stream: stream as unknown as Readable, stats };
}

// --- the build --------------------------------------------------------------------------

/** One item of the Engine's `POST /build` stream (legacy builder). */
interface BuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

export interface BuildProgress {
  step: number;
  steps: number;
  /** The current instruction as the builder prints it ("RUN make"). */
  instruction: string;
  /** The last output lines (at most KEPT_LINES, each cut to a readable width). */
  lines: string[];
}

export interface BuildSuccess {
  imageId: string;
  tags: string[];
  steps: number;
}

/** A build that ran and failed: which step, its last lines and exit code. */
export class BuildFailedError extends Error {
  constructor(
    message: string,
    readonly progress: BuildProgress,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'BuildFailedError';
  }
}

export interface BuildRequest {
  tags: string[];
  dockerfile: string;
  buildArgs: Record<string, string>;
  noCache: boolean;
  pull: boolean;
  limits: { memory: number; nanoCpus: number };
  labels?: Record<string, string>;
}

const CPU_PERIOD = 100_000;

/** The query of `POST /build`, as dockerode sends it. */
export function buildOptions(request: BuildRequest, signal?: AbortSignal): Record<string, unknown> {
  return {
    t: request.tags,
    dockerfile: request.dockerfile,
    buildargs: request.buildArgs,
    nocache: request.noCache,
    pull: request.pull,
    rm: true,
    // Intermediate containers go also when a step fails: nothing is left behind.
    forcerm: true,
    memory: request.limits.memory,
    cpuperiod: CPU_PERIOD,
    cpuquota: Math.round((request.limits.nanoCpus / 1e9) * CPU_PERIOD),
    version: '1', // the legacy builder: its stream is the one parsed here
    ...(request.labels ? { labels: request.labels } : {}),
    ...(signal ? { abortSignal: signal } : {}),
  };
}

/** Terminal colours and control characters (the builder colours stderr) never reach a chat message. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]/g;
const clip = (raw: string): string => {
  const line = raw.replace(CONTROL, '');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
};

/** Folds the builder's messages into progress; pure, so it is tested on recorded streams. */
export class BuildTracker {
  readonly progress: BuildProgress = { step: 0, steps: 0, instruction: '', lines: [] };
  imageId: string | undefined;
  error: { message: string; code: number | null } | undefined;

  /** Returns true when what people see changed. */
  add(message: BuildMessage): boolean {
    if (message.error || message.errorDetail) {
      const text = message.errorDetail?.message ?? message.error ?? 'the build failed';
      const code = message.errorDetail?.code ?? Number(/returned a non-zero code: (\d+)/.exec(text)?.[1] ?? NaN);
      this.error = { message: text, code: Number.isFinite(code) ? code : null };
      return true;
    }
    if (message.aux?.ID) {
      this.imageId = message.aux.ID;
      return false;
    }
    if (message.status) {
      // --pull: the base image's pull status, one line per layer id.
      this.keep(message.id ? `${message.id}: ${message.status}` : message.status);
      return true;
    }
    if (message.stream === undefined) return false;
    let changed = false;
    for (const raw of message.stream.split('\n')) {
      const line = raw.replace(CONTROL, '').replace(/\s+$/, '');
      if (!line) continue;
      const step = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
      if (step) {
        this.progress.step = Number(step[1]);
        this.progress.steps = Number(step[2]);
        this.progress.instruction = clip(step[3] as string);
        this.progress.lines = [];
        changed = true;
        continue;
      }
      const built = /^Successfully built ([0-9a-f]+)$/.exec(line);
      if (built) {
        this.imageId ??= built[1];
        continue;
      }
      // The builder's own bookkeeping is not output people need.
      if (/^ ---> /.test(line) || /^Removing intermediate container /.test(line) || /^Successfully tagged /.test(line)) continue;
      this.keep(line);
      changed = true;
    }
    return changed;
  }

  private keep(line: string): void {
    this.progress.lines.push(clip(line));
    if (this.progress.lines.length > KEPT_LINES) this.progress.lines.splice(0, this.progress.lines.length - KEPT_LINES);
  }
}

/**
 * Sends the context and follows the build to its end. `onProgress` gets the state whenever it
 * changes; an abort of `signal` cancels the build on the engine (it stops the running step and
 * removes its container).
 */
export async function runBuild(
  engine: Dockerode,
  source: Readable | { remote: string },
  request: BuildRequest,
  onProgress: (progress: BuildProgress) => void,
  signal?: AbortSignal,
): Promise<BuildSuccess> {
  const tracker = new BuildTracker();
  // A git context goes as the `remote` parameter with an empty body: the engine clones it.
  // (Without a body dockerode would send the options as JSON, and the engine answers nothing.)
  const context = 'remote' in source ? undefined : source;
  const options = { ...buildOptions(request, signal), ...(context ? {} : { remote: (source as { remote: string }).remote }) };
  const body = context ?? Buffer.alloc(0);
  const response = (await engine.buildImage(body as unknown as NodeJS.ReadableStream, options)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    const onLine = (line: string): void => {
      if (!line.trim()) return;
      let message: BuildMessage;
      try {
        message = JSON.parse(line) as BuildMessage;
      } catch {
        return; // not a JSON message: nothing to show
      }
      if (tracker.add(message)) onProgress(tracker.progress);
    };
    response.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
      if (buffer.length > MAX_STREAM_LINE) buffer = '';
    });
    response.on('end', () => {
      onLine(buffer);
      resolve();
    });
    response.on('error', reject);
    context?.on('error', (err) => {
      (response as unknown as { destroy?: (e: Error) => void }).destroy?.(err);
      reject(err);
    });
    signal?.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true });
  });
  if (tracker.error) {
    const step = tracker.progress.step ? `step ${tracker.progress.step}/${tracker.progress.steps} (${tracker.progress.instruction})` : 'the build';
    throw new BuildFailedError(`${step} failed: ${tracker.error.message}`, tracker.progress, tracker.error.code);
  }
  if (!tracker.imageId) throw new BuildFailedError('the engine ended the build without an image id', tracker.progress, null);
  const imageId = tracker.imageId.startsWith('sha256:') ? tracker.imageId : (await engine.getImage(tracker.imageId).inspect()).Id;
  return { imageId, tags: request.tags, steps: tracker.progress.steps };
}

// --- builds in progress -----------------------------------------------------------------

export interface RunningBuild {
  id: string;
  /** Who started it (`U01 (Ann)`), for the Cancel answer. */
  by: string;
  tags: string[];
  context: string;
  startedAt: number;
  controller: AbortController;
}

/** Builds in progress by short id, so a Cancel press (or `build cancel ID`) can abort one. */
export class BuildJobs {
  private readonly running = new Map<string, RunningBuild>();

  start(build: Omit<RunningBuild, 'id' | 'controller' | 'startedAt'>): RunningBuild {
    const id = `b${randomBytes(4).toString('hex')}`;
    const job: RunningBuild = { ...build, id, startedAt: Date.now(), controller: new AbortController() };
    this.running.set(id, job);
    return job;
  }

  get(id: string): RunningBuild | undefined {
    return this.running.get(id);
  }

  list(): RunningBuild[] {
    return [...this.running.values()];
  }

  finish(id: string): void {
    this.running.delete(id);
  }
}

/** The reason an aborted build carries: who cancelled it, or the deadline. */
export class BuildCancelledError extends Error {
  constructor(
    readonly by: string,
    /** Cancelled by `builds.timeoutSeconds`, not by a person. */
    readonly deadline = false,
  ) {
    super(`cancelled by ${by}`);
    this.name = 'BuildCancelledError';
  }
}
