// The containers a command names (`stop a b c`): looked up before anything changes, so the
// preview shows exactly what will be touched and a typo fails before the rest is done.
import type Dockerode from 'dockerode';
import { UserError } from '../core/errors.js';
import type { Result } from '../core/command.js';
import { context, table, type Block, type Reply } from '../core/reply.js';
import { humanSize, shortId } from './format.js';
import { explainEngineError, noSuchContainer } from './hints.js';
import type { DockerHost } from './host.js';

export interface ContainerTarget {
  /** The name or id as typed. */
  ref: string;
  id: string;
  name: string;
  image: string;
  /** created, running, paused, restarting, exited, dead, removing. */
  state: string;
  exitCode: number;
  /** Bytes written by the container (`inspect --size`), when asked for. */
  sizeRw?: number;
  /** Volumes only this container uses, which `rm -v` removes with it. */
  anonymousVolumes: string[];
}

/** JSON shape for `data`: what each container is and what the command will do with it. */
export interface TargetSummary {
  id: string;
  name: string;
  image: string;
  state: string;
  size?: number;
}

const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;
/** `inspect --size`: the engine takes it as a query parameter the typings do not list. */
const WITH_SIZE: Dockerode.ContainerInspectOptions & { size: boolean } = { size: true };

/** Looks up every named container; throws `not_found` naming all that do not exist. */
export async function resolveContainers(host: DockerHost, refs: readonly string[], options: { size?: boolean } = {}): Promise<ContainerTarget[]> {
  const found = await Promise.all(
    refs.map(async (ref) => {
      try {
        const info = await host.engine.getContainer(ref).inspect(options.size ? WITH_SIZE : {});
        return targetOf(ref, info);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return ref;
        throw (await explainEngineError(err, host.engine, host.address)) ?? err;
      }
    }),
  );
  const missing = found.filter((t): t is string => typeof t === 'string');
  if (missing.length === 1) throw noSuchContainer(missing[0] as string);
  if (missing.length > 1) {
    throw new UserError('not_found', `no such containers: ${missing.join(', ')}; nothing was changed`, {
      hint: '`ps -a` lists the containers there are',
      actions: [{ label: 'List containers', command: 'ps -a' }],
    });
  }
  // The same container named twice (by name and by id) is acted on once.
  const byId = new Map<string, ContainerTarget>();
  for (const t of found as ContainerTarget[]) if (!byId.has(t.id)) byId.set(t.id, t);
  return [...byId.values()];
}

function targetOf(ref: string, info: Dockerode.ContainerInspectInfo): ContainerTarget {
  const sized = info as Dockerode.ContainerInspectInfo & { SizeRw?: number };
  return {
    ref,
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    state: info.State.Status,
    exitCode: info.State.ExitCode,
    ...(sized.SizeRw === undefined ? {} : { sizeRw: sized.SizeRw }),
    anonymousVolumes: (info.Mounts ?? []).filter((m) => m.Type === 'volume' && ANONYMOUS_VOLUME.test(m.Name ?? '')).map((m) => m.Name as string),
  };
}

export const isRunning = (t: ContainerTarget): boolean => t.state === 'running' || t.state === 'restarting' || t.state === 'paused';

export function describeState(t: ContainerTarget): string {
  return t.state === 'exited' ? `exited (${t.exitCode})` : t.state;
}

export function summarize(t: ContainerTarget): TargetSummary {
  return { id: t.id, name: t.name, image: t.image, state: t.state, ...(t.sizeRw === undefined ? {} : { size: t.sizeRw }) };
}

/** NAME, CONTAINER ID, IMAGE, STATE (and SIZE), and what the command will do to each. */
export function targetTable(targets: readonly ContainerTarget[], effect: (t: ContainerTarget) => string, withSize = false): Block {
  const columns = ['NAME', 'CONTAINER ID', 'IMAGE', 'STATE', ...(withSize ? ['SIZE'] : []), 'ACTION'];
  const rows = targets.map((t) => [t.name, shortId(t.id), t.image, describeState(t), ...(withSize ? [humanSize(t.sizeRw ?? 0)] : []), effect(t)]);
  return table(columns, rows);
}

/** `--dry-run` of a container command: the preview it would confirm, retitled, with a note that nothing changed. */
export function dryRunResult<D>(preview: { data: D; reply: Reply }, title: string, note: string): Result<{ dryRun: true; plan: D }> {
  return { ok: true, data: { dryRun: true, plan: preview.data }, reply: { ...preview.reply, title, blocks: [...preview.reply.blocks, context(note)] } };
}

/** What was done to each container. */
export function outcomeTable(outcomes: readonly TargetOutcome[]): Block {
  return table(['NAME', 'CONTAINER ID', 'RESULT'], outcomes.map((o) => [o.name, shortId(o.id), o.result]));
}

export interface TargetOutcome {
  id: string;
  name: string;
  ok: boolean;
  /** What happened: `stopped`, `was not running`, or the error message. */
  result: string;
  error?: { code: string; message: string };
}

/**
 * Runs the operation on every container (in parallel, as the CLI does). When any fails, the
 * error says what was done and what was not, with the first failure's code.
 */
export async function forEachTarget(
  host: DockerHost,
  targets: readonly ContainerTarget[],
  verb: string,
  operation: (container: Dockerode.Container, target: ContainerTarget) => Promise<string>,
): Promise<TargetOutcome[]> {
  const errors = new Map<string, UserError>();
  const outcomes = await Promise.all(
    targets.map(async (t): Promise<TargetOutcome> => {
      try {
        return { id: t.id, name: t.name, ok: true, result: await operation(host.engine.getContainer(t.id), t) };
      } catch (err) {
        const explained = await explainEngineError(err, host.engine, host.address);
        if (!explained) throw err;
        errors.set(t.id, explained);
        return { id: t.id, name: t.name, ok: false, result: explained.message, error: { code: explained.code, message: explained.message } };
      }
    }),
  );
  const failed = outcomes.filter((o) => !o.ok);
  const first = failed[0] && errors.get(failed[0].id);
  if (!first) return outcomes;
  // One container: its own error, hint and suggested actions say it best.
  if (targets.length === 1) throw first;
  const done = outcomes.filter((o) => o.ok);
  const failures = failed.map((o) => `${o.name}: ${o.result}`).join('; ');
  const message = `could not ${verb} ${failed.length} of ${targets.length} containers (${failures})` + (done.length ? `; done: ${done.map((o) => o.name).join(', ')}` : '');
  throw new UserError(first.code, message, {
    hint: first.hint ?? '`ps -a` shows where each container stands now',
    data: { results: outcomes },
    actions: first.actions,
  });
}
