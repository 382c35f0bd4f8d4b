import { engineSegment, InvalidName } from '../src/docker/engine-guard.js';
import { isIP } from 'node:net';
import type Dockerode from 'dockerode';
import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { fields, reply, type Block } from '../src/core/reply.js';
import { statusCode } from '../src/docker/errors.js';
import { ago, ellipsis, goTime, humanSize, shortId } from '../src/docker/format.js';
import { redactEnv } from '../src/core/redact.js';

const TYPES = ['container', 'image'] as const;
type ObjectType = (typeof TYPES)[number];

/** Field values stay readable in chat (Discord allows 1024 characters per field). */
const FIELD_MAX_CHARS = 500;

export interface ContainerSummary {
  type: 'container';
  id: string;
  name: string;
  image: string;
  imageId: string;
  created: string;
  state: { status: string; running: boolean; exitCode: number; startedAt: string; finishedAt: string; health?: string; pid?: number };
  command: string[];
  ports: string[];
  mounts: Array<{ type: string; source: string; destination: string; readOnly: boolean }>;
  networks: Record<string, string>;
  labels: Record<string, string>;
  restartPolicy: string;
  /** `KEY=[redacted]`: which variables are set, never their values. */
  env: string[];
}

export interface ImageSummary {
  type: 'image';
  id: string;
  tags: string[];
  digests: string[];
  created: string;
  size: number;
  layers: number;
  architecture: string;
  os: string;
  cmd: string[];
  entrypoint: string[];
  workingDir: string;
  user: string;
  exposedPorts: string[];
  labels: Record<string, string>;
  /** `KEY=[redacted]`: which variables are set, never their values. */
  env: string[];
}

// Go compares strings bytewise, and so does the CLI's sorting.
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const toList = (value: string | string[] | null | undefined): string[] => (value == null ? [] : Array.isArray(value) ? value : [value]);

/** "0001-01-01T00:00:00Z" is Go's zero time: the event never happened. */
const happened = (time: string | undefined): boolean => !!time && !time.startsWith('0001-');

const unixSeconds = (time: string): number => Math.floor(Date.parse(time) / 1000);

const when = (time: string): string => `${goTime(unixSeconds(time))} (${ago(unixSeconds(time))})`;

/** Arguments quoted only where a shell would need it, for reading, not for running. */
const shellWords = (words: readonly string[]): string =>
  words.map((w) => (w === '' || /[\s'"\\$`;&|<>()*?!#~]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w)).join(' ');

const hostPort = (ip: string, port: string): string => (ip ? (isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`) : port);

type PortBindings = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null | undefined>;

/** `127.0.0.1:8080->80/tcp`, `90/tcp`: live bindings when running, the configured ones otherwise. */
export function containerPorts(info: Dockerode.ContainerInspectInfo): string[] {
  const live = (info.NetworkSettings?.Ports ?? {}) as PortBindings;
  const configured = (info.HostConfig?.PortBindings ?? {}) as PortBindings;
  const keys = new Set([...Object.keys(info.Config?.ExposedPorts ?? {}), ...Object.keys(configured), ...Object.keys(live)]);
  const byPort = (a: string, b: string): number => parseInt(a, 10) - parseInt(b, 10) || byteOrder(a, b);
  return [...keys].sort(byPort).flatMap((key) => {
    const bindings = live[key]?.length ? live[key] : configured[key];
    if (!bindings?.length) return [key];
    return bindings.map((b) => `${hostPort(b.HostIp ?? '', b.HostPort || '(random)')}->${key}`);
  });
}

function restartPolicy(policy: { Name?: string; MaximumRetryCount?: number } | undefined): string {
  const name = policy?.Name || 'no';
  return name === 'on-failure' && policy?.MaximumRetryCount ? `${name}:${policy.MaximumRetryCount}` : name;
}

export function summarizeContainer(info: Dockerode.ContainerInspectInfo): ContainerSummary {
  const state = info.State;
  const networks = Object.fromEntries(
    Object.entries(info.NetworkSettings?.Networks ?? {})
      .sort(([a], [b]) => byteOrder(a, b))
      .map(([name, network]) => [name, network.IPAddress ?? '']),
  );
  return {
    type: 'container',
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? '',
    imageId: info.Image,
    created: info.Created,
    state: {
      status: state.Status,
      running: state.Running,
      exitCode: state.ExitCode,
      startedAt: state.StartedAt,
      finishedAt: state.FinishedAt,
      ...(state.Health ? { health: state.Health.Status } : {}),
      ...(state.Running && state.Pid ? { pid: state.Pid } : {}),
    },
    command: [info.Path, ...(info.Args ?? [])].filter((w, i) => i > 0 || w !== ''),
    ports: containerPorts(info),
    mounts: (info.Mounts ?? []).map((m) => ({
      type: m.Type,
      source: m.Type === 'volume' && m.Name ? m.Name : m.Source,
      destination: m.Destination,
      readOnly: !m.RW,
    })),
    networks,
    labels: info.Config?.Labels ?? {},
    restartPolicy: restartPolicy(info.HostConfig?.RestartPolicy),
    env: redactEnv(info.Config?.Env),
  };
}

export function summarizeImage(info: Dockerode.ImageInspectInfo): ImageSummary {
  const config = info.Config ?? ({} as Partial<Dockerode.ImageInspectInfo['Config']>);
  return {
    type: 'image',
    id: info.Id,
    tags: info.RepoTags ?? [],
    digests: info.RepoDigests ?? [],
    created: info.Created,
    size: info.Size,
    layers: info.RootFS?.Layers?.length ?? 0,
    architecture: info.Architecture,
    os: info.Os,
    cmd: toList(config.Cmd),
    entrypoint: toList(config.Entrypoint),
    workingDir: config.WorkingDir ?? '',
    user: config.User ?? '',
    exposedPorts: Object.keys(config.ExposedPorts ?? {}).sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || byteOrder(a, b)),
    labels: config.Labels ?? {},
    env: redactEnv(config.Env),
  };
}

const list = (values: readonly string[], none = 'none'): string => ellipsis(values.length ? values.join(', ') : none, FIELD_MAX_CHARS);

const labelList = (labels: Record<string, string>): string =>
  list(
    Object.entries(labels)
      .sort(([a], [b]) => byteOrder(a, b))
      .map(([k, v]) => `${k}=${v}`),
  );

function stateLine(s: ContainerSummary['state']): string {
  let line = s.status;
  if (s.running && happened(s.startedAt)) line = `running since ${ago(unixSeconds(s.startedAt))}`;
  else if (s.status === 'exited' || s.status === 'dead') line = `${s.status} (${s.exitCode})${happened(s.finishedAt) ? ` ${ago(unixSeconds(s.finishedAt))}` : ''}`;
  if (s.health) line += `, ${s.health}`;
  if (s.pid) line += `, pid ${s.pid}`;
  return line;
}

export function containerBlocks(c: ContainerSummary): Block[] {
  return [
    fields([
      ['ID', shortId(c.id)],
      ['Name', c.name],
      ['Image', c.image && shortId(c.imageId) !== c.image ? `${c.image} (${shortId(c.imageId)})` : shortId(c.imageId)],
      ['State', stateLine(c.state)],
      ['Created', when(c.created)],
      ['Command', ellipsis(shellWords(c.command) || 'none', FIELD_MAX_CHARS)],
    ]),
    fields([
      ['Ports', list(c.ports)],
      ['Mounts', list(c.mounts.map((m) => `${m.type} ${m.source} -> ${m.destination}${m.readOnly ? ' (ro)' : ''}`))],
      ['Networks', list(Object.entries(c.networks).map(([name, ip]) => (ip ? `${name} (${ip})` : name)))],
      ['Restart policy', c.restartPolicy],
      ['Labels', labelList(c.labels)],
      ['Env', list(c.env)],
    ]),
  ];
}

export function imageBlocks(i: ImageSummary): Block[] {
  return [
    fields([
      ['ID', shortId(i.id)],
      ['Tags', list(i.tags)],
      ['Digests', list(i.digests)],
      ['Created', when(i.created)],
      ['Size', humanSize(i.size)],
      ['Layers', String(i.layers)],
      ['Platform', `${i.os}/${i.architecture}`],
    ]),
    fields([
      ['Entrypoint', ellipsis(shellWords(i.entrypoint) || 'none', FIELD_MAX_CHARS)],
      ['Cmd', ellipsis(shellWords(i.cmd) || 'none', FIELD_MAX_CHARS)],
      ['Exposed ports', list(i.exposedPorts)],
      ['Env', list(i.env)],
      ['Labels', labelList(i.labels)],
    ]),
  ];
}

async function inspectContainer(engine: Dockerode, name: string): Promise<ContainerSummary> {
  return summarizeContainer(await engine.getContainer(name).inspect());
}

/** `--type container`: only a container. */
async function inspectOnlyContainer(engine: Dockerode, name: string): Promise<ContainerSummary> {
  try {
    return await inspectContainer(engine, name);
  } catch (err) {
    // An image reference (`repo/name:tag`) is no container name: as the CLI says, there is no such container.
    if (err instanceof InvalidName && isImageReference(name)) throw new UserError('not_found', `no such container: ${name}`, { hint: '`ps -a` lists the containers there are; `inspect --type image` looks up images' });
    throw err;
  }
}

const isImageReference = (name: string): boolean => {
  try {
    engineSegment('image', name);
    return true;
  } catch {
    return false;
  }
};

async function inspectImage(engine: Dockerode, name: string): Promise<ImageSummary> {
  return summarizeImage(await engine.getImage(name).inspect());
}

/**
 * Without --type, like the CLI: a container by that name first, then an image. A name that
 * cannot be an image at all (400, e.g. uppercase) is just not found, as the CLI reports it.
 */
async function inspectAny(engine: Dockerode, name: string): Promise<ContainerSummary | ImageSummary> {
  for (const attempt of [inspectContainer, inspectImage]) {
    try {
      return await attempt(engine, name);
    } catch (err) {
      const status = statusCode(err);
      if (status !== 404 && status !== 400) throw err;
    }
  }
  throw new UserError('not_found', `no such object: ${name}`, { hint: 'check the name or id with `ps -a` or `images`' });
}

export const inspect = defineCommand({
  name: 'inspect',
  summary: 'Show a summary of a container or image (environment values redacted)',
  options: [{ name: 'type', type: 'string', placeholder: 'string', choices: ['container', 'image'], description: 'Only inspect objects of the given type (container, image)' }],
  positionals: [{ name: 'name', description: 'Container or image name or ID', required: true }],
  access: 'read',
  async run(ctx) {
    const name = ctx.args.positional(0) as string;
    const type = ctx.args.string('type');
    if (type !== undefined && !TYPES.includes(type as ObjectType)) {
      throw new UserError('usage', `"${type}" is not a valid value for --type`, { hint: `types: ${TYPES.join(', ')}` });
    }
    const engine = ctx.services.docker.engine;
    const summary =
      type === 'container' ? await inspectOnlyContainer(engine, name) : type === 'image' ? await inspectImage(engine, name) : await inspectAny(engine, name);
    const blocks = summary.type === 'container' ? containerBlocks(summary) : imageBlocks(summary);
    const title = summary.type === 'container' ? `container ${summary.name}` : `image ${summary.tags[0] ?? shortId(summary.id)}`;
    return { ok: true, data: summary, reply: reply(blocks, { title }) };
  },
});
