// `docker run` flags -> the Engine API's create body, as the Docker CLI builds it. Pure: no
// engine, no policy (src/docker/run-policy.ts decides what is allowed and adds default limits).
import { engineSegment } from './engine-guard.js';
import { posix } from 'node:path';
import { UserError } from '../core/errors.js';
import { parsePortSpecs, type PortBinding, type PortKey, type PublishedPorts } from './ports.js';
import { classifyImageArgument, type ImageArgument } from './reference.js';

/** What `run` was asked, flag by flag, before any interpretation. */
export interface RunOptions {
  image: string;
  /** CMD... after the image; empty keeps the image's own CMD. */
  command: readonly string[];
  detach?: boolean;
  autoRemove?: boolean;
  name?: string;
  publish?: readonly string[];
  env?: readonly string[];
  labels?: readonly string[];
  workdir?: string;
  /** `''` clears the image's entrypoint, as `--entrypoint ""` does. */
  entrypoint?: string;
  restart?: string;
  memory?: string;
  cpus?: number;
  user?: string;
  network?: string;
  privileged?: boolean;
  capAdd?: readonly string[];
  devices?: readonly string[];
  volumes?: readonly string[];
  pid?: string;
  ipc?: string;
  uts?: string;
  securityOpt?: readonly string[];
}

export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

export interface RestartPolicy {
  Name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** The part of the Engine's HostConfig that `run` sets. */
export interface RunHostConfig {
  AutoRemove?: boolean;
  Binds?: string[];
  PortBindings?: Record<PortKey, PortBinding[]>;
  RestartPolicy?: RestartPolicy;
  Memory?: number;
  NanoCpus?: number;
  Privileged?: boolean;
  CapAdd?: string[];
  Devices?: DeviceMapping[];
  NetworkMode?: string;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  SecurityOpt?: string[];
}

/** The create body (`POST /containers/create`), with the name dockerode puts in the query. */
export interface RunCreateBody {
  name?: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<PortKey, Record<string, never>>;
  /** Anonymous volumes (`-v /data`). */
  Volumes?: Record<string, Record<string, never>>;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  OpenStdin: boolean;
  HostConfig: RunHostConfig;
}

export type VolumeMount =
  | { kind: 'bind'; source: string; target: string; mode?: string }
  | { kind: 'volume'; source: string; target: string; mode?: string }
  | { kind: 'anonymous'; target: string; mode?: string };

export interface RunSpec {
  image: ImageArgument;
  /** Wait for the container and show its output (no `-d`). */
  foreground: boolean;
  body: RunCreateBody;
  ports: PublishedPorts;
  mounts: VolumeMount[];
}

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const VOLUME_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MOUNT_MODES = new Set(['rw', 'ro', 'z', 'Z', 'nocopy', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const RESTART_HINT = 'use no, always, unless-stopped or on-failure[:max-retries]';
/** The engine refuses smaller limits; saying so before creating anything is friendlier. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export function buildRunSpec(options: RunOptions): RunSpec {
  const image = classifyImageArgument(options.image);
  const foreground = !options.detach;
  const ports = parsePortSpecs(options.publish ?? []);
  const mounts = (options.volumes ?? []).map(parseVolume);
  const name = options.name === undefined ? undefined : parseName(options.name);
  const restart = options.restart === undefined ? undefined : parseRestartPolicy(options.restart);
  if (options.autoRemove && restart && restart.Name !== 'no') {
    throw new UserError('usage', 'conflicting options: --restart and --rm', {
      hint: 'a container removed when it exits cannot be restarted: drop one of them',
    });
  }
  if (options.workdir !== undefined && !posix.isAbsolute(options.workdir)) {
    throw new UserError('invalid_argument', `the working directory "${options.workdir}" is invalid: it needs to be an absolute path`, {
      hint: 'e.g. -w /app',
    });
  }

  const hostConfig: RunHostConfig = {};
  if (options.autoRemove) hostConfig.AutoRemove = true;
  const binds = mounts.filter((m) => m.kind !== 'anonymous').map(formatBind);
  if (binds.length) hostConfig.Binds = binds;
  if (ports.mappings.length) hostConfig.PortBindings = ports.portBindings;
  if (restart) hostConfig.RestartPolicy = restart;
  if (options.memory !== undefined) hostConfig.Memory = parseMemoryLimit(options.memory);
  if (options.cpus !== undefined) hostConfig.NanoCpus = cpusToNano(options.cpus);
  if (options.privileged) hostConfig.Privileged = true;
  if (options.capAdd?.length) hostConfig.CapAdd = [...options.capAdd];
  if (options.devices?.length) hostConfig.Devices = options.devices.map(parseDevice);
  if (options.network !== undefined) hostConfig.NetworkMode = parseNetworkMode(options.network);
  if (options.pid !== undefined) hostConfig.PidMode = parseNamespaceMode(options.pid, '--pid', ['host']);
  if (options.ipc !== undefined) hostConfig.IpcMode = parseNamespaceMode(options.ipc, '--ipc', ['host', 'none', 'private', 'shareable']);
  if (options.securityOpt?.length) hostConfig.SecurityOpt = options.securityOpt.map(parseSecurityOpt);
  if (options.uts !== undefined) hostConfig.UTSMode = parseNamespaceMode(options.uts, '--uts', ['host'], false);

  const anonymous = mounts.filter((m) => m.kind === 'anonymous');
  const body: RunCreateBody = {
    ...(name === undefined ? {} : { name }),
    Image: options.image,
    ...(options.command.length ? { Cmd: [...options.command] } : {}),
    // `--entrypoint ""` sends [""]: the engine reads it as "no entrypoint", unlike an absent field.
    ...(options.entrypoint === undefined ? {} : { Entrypoint: [options.entrypoint] }),
    ...(options.env?.length ? { Env: options.env.map(parseEnv) } : {}),
    ...(options.labels?.length ? { Labels: parseLabels(options.labels) } : {}),
    ...(options.workdir === undefined ? {} : { WorkingDir: options.workdir }),
    ...(options.user === undefined ? {} : { User: nonEmpty(options.user, '--user') }),
    ...(ports.mappings.length ? { ExposedPorts: ports.exposedPorts } : {}),
    ...(anonymous.length ? { Volumes: Object.fromEntries(anonymous.map((m) => [m.target, {}])) } : {}),
    // The CLI attaches the output streams of a foreground run and none of a detached one.
    AttachStdin: false,
    AttachStdout: foreground,
    AttachStderr: foreground,
    Tty: false,
    OpenStdin: false,
    HostConfig: hostConfig,
  };
  return { image, foreground, body, ports, mounts };
}

function parseName(raw: string): string {
  if (!NAME_RE.test(raw)) {
    throw new UserError('invalid_argument', `invalid container name "${raw}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at least 2 characters`, {
      hint: 'e.g. --name web-1',
    });
  }
  return raw.replace(/^\//, '');
}

/**
 * `-e KEY=value`. The CLI reads a bare `-e KEY` from its own environment; here that would be
 * the bot's environment (its tokens), so a value is required.
 */
function parseEnv(raw: string): string {
  const eq = raw.indexOf('=');
  if (eq === 0) throw new UserError('invalid_argument', `invalid environment variable "${raw}": the name is empty`, { hint: 'use -e KEY=value' });
  if (eq < 0) {
    throw new UserError('invalid_argument', `-e ${raw} has no value: the bot does not pass its own environment on`, {
      hint: `give the value: -e ${raw}=value`,
    });
  }
  return raw;
}

/** `-l key=value`; `-l key` is a label with an empty value, as in the CLI. */
function parseLabels(raw: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of raw) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (key.trim() === '') throw new UserError('invalid_argument', `invalid label "${entry}": the key is empty`, { hint: 'use -l key=value' });
    labels[key] = eq < 0 ? '' : entry.slice(eq + 1);
  }
  return labels;
}

export function parseRestartPolicy(raw: string): RestartPolicy {
  const [name = '', retries, ...extra] = raw.split(':');
  if (extra.length) throw new UserError('invalid_argument', `invalid restart policy "${raw}"`, { hint: RESTART_HINT });
  switch (name) {
    case '':
    case 'no':
    case 'always':
    case 'unless-stopped':
      if (retries !== undefined) {
        throw new UserError('invalid_argument', `invalid restart policy "${raw}": maximum retry count only works with on-failure`, { hint: RESTART_HINT });
      }
      return { Name: name === '' ? 'no' : name };
    case 'on-failure': {
      if (retries === undefined) return { Name: 'on-failure' };
      if (!/^\d+$/.test(retries)) {
        throw new UserError('invalid_argument', `invalid restart policy "${raw}": the retry count must be a whole number`, { hint: RESTART_HINT });
      }
      return { Name: 'on-failure', MaximumRetryCount: Number(retries) };
    }
    default:
      throw new UserError('invalid_argument', `invalid restart policy "${name}"`, { hint: RESTART_HINT });
  }
}

const BINARY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: `512m`, `1.5g`, `512MiB`, `1048576` (binary units, case-insensitive). */
export function parseMemorySize(raw: string): number {
  const match = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i.exec(raw.trim());
  if (!match || (match[1] ?? '').split('.').length > 2) {
    throw new UserError('invalid_argument', `invalid memory size "${raw}"`, { hint: 'a size like 512m, 1g or 1073741824 (bytes)' });
  }
  return Math.floor(Number(match[1]) * (BINARY_UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
}

/** `--memory`: 0 means "no limit of my own" (the policy's default then applies), as in the CLI. */
function parseMemoryLimit(raw: string): number {
  const bytes = parseMemorySize(raw);
  if (bytes !== 0 && bytes < MIN_MEMORY_BYTES) {
    throw new UserError('invalid_argument', `memory limit ${raw} is too small: the minimum is 6MB`, { hint: 'e.g. --memory 64m' });
  }
  return bytes;
}

/** `--cpus 1.5` -> NanoCpus, as the CLI converts it. */
export function cpusToNano(cpus: number): number {
  if (!Number.isFinite(cpus) || cpus < 0) {
    throw new UserError('invalid_argument', `invalid --cpus value ${cpus}: a number of CPUs such as 0.5 or 2 is expected`);
  }
  const nano = Math.round(cpus * 1e9);
  if (nano !== 0 && nano < 1e7) throw new UserError('invalid_argument', `--cpus ${cpus} is too small: the minimum is 0.01`);
  return nano;
}

/** `/dev/src[:/dev/dst][:rwm]`, as the CLI parses `--device`. */
function parseDevice(raw: string): DeviceMapping {
  const parts = raw.split(':');
  const [source = '', second, third] = parts;
  let target = source;
  let permissions = 'rwm';
  if (parts.length > 3) throw deviceError(raw, 'too many ":"');
  if (parts.length === 3) {
    target = second ?? '';
    permissions = third ?? '';
  } else if (parts.length === 2) {
    if (isCgroupPermissions(second ?? '')) permissions = second ?? '';
    else target = second ?? '';
  }
  if (!posix.isAbsolute(source)) throw deviceError(raw, 'the host device must be an absolute path');
  if (!posix.isAbsolute(target)) throw deviceError(raw, 'the container path must be absolute');
  if (!isCgroupPermissions(permissions)) throw deviceError(raw, `"${permissions}" are not device permissions (a combination of r, w and m)`);
  return { PathOnHost: source, PathInContainer: target, CgroupPermissions: permissions };
}

const isCgroupPermissions = (text: string): boolean => text !== '' && /^[rwm]{1,3}$/.test(text) && new Set(text).size === text.length;

function deviceError(raw: string, problem: string): UserError {
  return new UserError('invalid_argument', `invalid --device "${raw}": ${problem}`, { hint: 'use --device /dev/host[:/dev/container][:rwm]' });
}

/**
 * `-v [source:]target[:mode]` on a Linux engine. A source starting with `/` is a host path
 * (normalised, so `..` cannot hide where it points); anything else is a named volume.
 */
export function parseVolume(raw: string): VolumeMount {
  const parts = raw.split(':');
  let source: string | undefined;
  let target: string;
  let mode: string | undefined;
  if (parts.length === 1) {
    target = parts[0] ?? '';
  } else if (parts.length === 2) {
    if (isMountMode(parts[1] ?? '')) {
      target = parts[0] ?? '';
      mode = parts[1];
    } else {
      source = parts[0];
      target = parts[1] ?? '';
    }
  } else if (parts.length === 3) {
    [source, target = '', mode] = parts;
    if (!isMountMode(mode ?? '')) throw volumeError(raw, `invalid mode "${mode}"`);
  } else {
    throw volumeError(raw, 'too many ":"');
  }
  if (!posix.isAbsolute(target)) throw volumeError(raw, `the container path "${target}" must be absolute`);
  target = posix.normalize(target);
  if (target === '/') throw volumeError(raw, 'the container path cannot be "/"');
  const withMode = mode === undefined ? {} : { mode };
  if (source === undefined) return { kind: 'anonymous', target, ...withMode };
  if (source === '') throw volumeError(raw, 'the source is empty');
  if (posix.isAbsolute(source)) return { kind: 'bind', source: posix.normalize(source), target, ...withMode };
  if (source.startsWith('.') || source.startsWith('~')) {
    throw volumeError(raw, `"${source}" is a relative host path: there is no working directory here, give an absolute path`);
  }
  if (!VOLUME_NAME_RE.test(source)) {
    throw volumeError(raw, `"${source}" is not a valid volume name: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return { kind: 'volume', source, target, ...withMode };
}

const isMountMode = (text: string): boolean => text !== '' && text.split(',').every((m) => MOUNT_MODES.has(m));

function volumeError(raw: string, problem: string): UserError {
  return new UserError('invalid_argument', `invalid volume "${raw}": ${problem}`, {
    hint: 'use -v /container/path, -v NAME:/container/path or -v /host/path:/container/path[:ro]',
  });
}

export function formatBind(mount: Exclude<VolumeMount, { kind: 'anonymous' }>): string {
  return `${mount.source}:${mount.target}${mount.mode === undefined ? '' : `:${mount.mode}`}`;
}

/**
 * `--security-opt`: the engine's keys only. A seccomp profile is a file the Docker CLI reads on
 * its own machine; the bot reads no files for users, so only `seccomp=unconfined` (refused by the
 * policy unless allowed) passes, and the engine's default profile applies otherwise.
 */
function parseSecurityOpt(value: string): string {
  const [, key = '', rest] = /^([a-z-]+)(?:[=:](.*))?$/s.exec(value) ?? [];
  const valid =
    (key === 'no-new-privileges' && (rest === undefined || rest === 'true' || rest === 'false')) ||
    (key === 'apparmor' && rest !== undefined && /^[\w.-]+$/.test(rest)) ||
    (key === 'label' && rest !== undefined && /^(disable|nested|(user|role|type|level|filetype):[\w.:,-]+)$/.test(rest)) ||
    ((key === 'seccomp' || key === 'systempaths') && rest === 'unconfined');
  if (!valid) {
    throw new UserError('invalid_argument', `invalid --security-opt "${value}"`, {
      hint: 'use no-new-privileges, apparmor=PROFILE or label=...; seccomp profile files cannot be given through the bot',
    });
  }
  return value;
}

/** `--network NAME|ID`, `host`, `none`, `bridge` or `container:NAME`: names by Docker's grammar. */
function parseNetworkMode(value: string): string {
  const [, container] = /^container:(.*)$/s.exec(value) ?? [];
  try {
    engineSegment(container === undefined ? 'network' : 'container', container ?? value);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError('invalid_argument', `--network: ${err.message}`, err.hint ? { hint: err.hint } : {});
  }
  return value;
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UserError('invalid_argument', `${flag} needs a value`);
  return value;
}

/** `host`, a fixed keyword, or `container:NAME` (share another container's namespace). */
function parseNamespaceMode(value: string, flag: string, keywords: readonly string[], allowContainer = true): string {
  if (keywords.includes(value)) return value;
  if (allowContainer && /^container:.+/.test(value)) return value;
  const allowed = [...keywords, ...(allowContainer ? ['container:NAME'] : [])].join(', ');
  throw new UserError('invalid_argument', `invalid ${flag} mode "${value}"`, { hint: `${flag} takes ${allowed}` });
}
