// The containers a command names (`stop a b c`): looked up before anything changes, so the
// preview shows exactly what will be touched and a typo fails before the rest is done.
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
import { UserError } from '../core/errors.js';
import { z } from 'zod';
import type { Change, CommandContext, Go, Plan, PlanSchema, Result } from '../core/command.js';
import { context, plural, reply, table, type Block, type Reply } from '../core/reply.js';
import { statusCode } from './errors.js';
import { humanSize, shortId } from './format.js';
import { explainEngineError, noSuchContainer } from './hints.js';
import type { DockerHost } from './host.js';

/** States in which a container is active: it is not stopped, a prune leaves it alone, `stop` has work to do. */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(['running', 'paused', 'restarting']);
export const isActiveState = (state: string): boolean => ACTIVE_STATES.has(state);

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
  /** What the engine stored (HostConfig, mounts): what the run policy checks before a start. */
  info: Dockerode.ContainerInspectInfo;
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
        if (statusCode(err) === 404) return ref;
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
    info,
  };
}

export const isRunning = (t: ContainerTarget): boolean => isActiveState(t.state);

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

/**
 * The plan of a command on named containers: each with what will be done to it, as data
 * (`containers[].action`) and as the preview table, titled by the verb ("Stop 2 containers?";
 * "Dry run: would stop 2 containers", "dry run: nothing was stopped").
 */
export function targetsPlan(
  targets: ContainerTarget[],
  rules: EffectRules,
  shown: { verb: string; done: string; count: number; note: string; data?: object; withSize?: boolean; empty?: boolean },
): Plan<ContainerPlan> & { targets: ContainerTarget[] } {
  const count = plural(shown.count, 'container');
  return {
    targets,
    data: { action: shown.verb, ...shown.data, containers: targets.map((t) => ({ ...summarize(t), action: rules.effect(t) })) },
    reply: reply([targetTable(targets, rules.effect, shown.withSize), context(shown.note)], { title: `${shown.verb[0]?.toUpperCase()}${shown.verb.slice(1)} ${count}?`, tone: 'warn' }),
    ...(shown.empty ? { empty: true } : {}),
    dryRunTitle: `Dry run: would ${shown.verb} ${count}`,
    dryRunNote: `dry run: nothing was ${shown.done}`,
  };
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
 * error says what was done and what was not (`data.done`, `data.failed`), with the first
 * failure's code; an error that is not the engine's is logged with its stack and counted as
 * failed, so what was already done is never lost.
 */
export async function forEachTarget<T extends { id: string; name: string }>(
  host: DockerHost,
  targets: readonly T[],
  verb: string,
  operation: (container: Dockerode.Container, target: T) => Promise<string>,
  log: Logger,
): Promise<TargetOutcome[]> {
  const errors = new Map<string, UserError>();
  const unexplained: unknown[] = [];
  const outcomes = await Promise.all(
    targets.map(async (t): Promise<TargetOutcome> => {
      try {
        return { id: t.id, name: t.name, ok: true, result: await operation(host.engine.getContainer(t.id), t) };
      } catch (err) {
        const explained = await explainEngineError(err, host.engine, host.address);
        if (explained) {
          errors.set(t.id, explained);
          return { id: t.id, name: t.name, ok: false, result: explained.message, error: { code: explained.code, message: explained.message } };
        }
        unexplained.push(err);
        log.error({ err, container: t.id, verb }, 'container operation failed');
        const message = `failed unexpectedly (the details are in the bot log)`;
        return { id: t.id, name: t.name, ok: false, result: message, error: { code: 'internal', message } };
      }
    }),
  );
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === 0) return outcomes;
  const done = outcomes.filter((o) => o.ok);
  // Nothing was done and nothing is known about why: a bug, reported as such (with the request id).
  if (done.length === 0 && unexplained.length === failed.length) throw unexplained[0];
  const first = errors.get((failed.find((o) => errors.has(o.id)) ?? failed[0])?.id ?? '');
  // One container: its own error, hint and suggested actions say it best.
  if (targets.length === 1 && first) throw first;
  const failures = failed.map((o) => `${o.name}: ${o.result}`).join('; ');
  const message = `could not ${verb} ${failed.length} of ${targets.length} containers (${failures})` + (done.length ? `; done: ${done.map((o) => o.name).join(', ')}` : '; nothing was done');
  throw new UserError(first?.code ?? 'internal', message, {
    hint: first?.hint ?? '`ps -a` shows where each container stands now',
    data: { results: outcomes, done: done.map(brief), failed: failed.map(brief) },
    ...(first ? { actions: first.actions } : {}),
  });
}

const brief = (o: TargetOutcome) => ({ id: o.id, name: o.name, result: o.result });

/** A container as a preview listed it (`plan.containers[]`). */
export interface PreviewedContainer {
  id: string;
  name: string;
  state: string;
  /** What the preview said would be done to it (`stop`, `remove`, ...). */
  action?: string;
}

/** The plan of every container command: what it does (`stop`) and to which containers. */
export interface ContainerPlan {
  action?: string;
  containers: PreviewedContainer[];
}

/** What a stored container plan must hold; other fields pass through. */
export const containerPlan: PlanSchema<ContainerPlan> = z
  .object({
    action: z.string().optional(),
    containers: z.array(z.object({ id: z.string(), name: z.string(), state: z.string().default('unknown'), action: z.string().optional() }).passthrough()),
  })
  .passthrough();

/** A container a confirmed command did not touch because it is not as the preview showed it. */
export interface LeftAlone {
  id: string;
  name: string;
  /** Its state now (`removed` when it is gone). */
  state: string;
  /** Its state in the preview; absent when the preview did not list it. */
  previewedState?: string;
  why: string;
}

export function leftAlone(id: string, name: string, state: string, previewedState: string | undefined): LeftAlone {
  const why =
    state === 'removed'
      ? 'removed since the preview'
      : previewedState === undefined
        ? `${state} now, not in the preview`
        : `${state} now, ${previewedState} in the preview`;
  return { id, name, state, ...(previewedState === undefined ? {} : { previewedState }), why };
}

/** The one way every container command says what changed since the preview and was not touched. */
export function leftAloneNote(items: readonly LeftAlone[]): Block[] {
  if (items.length === 0) return [];
  const list = items.map((i) => `${i.name} (${i.why})`).join(', ');
  return [context(`left alone, changed since the preview: ${list}; run the command again to see what it would do now`)];
}

/** What a confirmed container command acts on. */
export interface Selection {
  /** Containers to act on. */
  act: ContainerTarget[];
  /** Containers the preview showed as needing nothing, and still needing nothing: no engine call. */
  unchanged: ContainerTarget[];
  leftAlone: LeftAlone[];
}

export interface EffectRules {
  /** What the command would do to the container as it is now (the preview's ACTION column). */
  effect(t: ContainerTarget): string;
  /** Every effect, least first: a container is acted on while its effect now is no more than the one previewed. */
  severity: readonly string[];
  /** The effect that means "nothing to do" (stop: not running), if the command has one. */
  noop?: string;
}

/**
 * What a container command acts on, by how it may go ahead:
 * - `preview` (Confirm pressed): the containers the plan listed, by ID (a name that now names
 *   another container does not count), while what would be done to each is no more than the
 *   preview said (a container that started since is not killed by an `rm -f` previewed as a removal);
 * - `flag` (`--yes` in a terminal): the named containers as they are now (Docker's meaning);
 * - `empty` (the plan had nothing to confirm): none that need anything done.
 * `resolveNamed` is called only when the names are what counts.
 */
export async function selectTargets(
  host: DockerHost,
  go: Go<ContainerPlan>,
  resolveNamed: () => Promise<ContainerTarget[]>,
  rules: EffectRules,
  options: { size?: boolean } = {},
): Promise<Selection> {
  const selection: Selection = { act: [], unchanged: [], leftAlone: [] };
  const rank = (effect: string | undefined): number => (effect === undefined ? -1 : rules.severity.indexOf(effect));
  if (go.by === 'preview') {
    const previewed = go.plan.containers;
    const now = await inspectByIds(host, previewed.map((p) => p.id), options);
    for (const p of previewed) {
      const t = now.get(p.id);
      if (!t) {
        selection.leftAlone.push(leftAlone(p.id, p.name, 'removed', p.state));
        continue;
      }
      const then = rank(p.action);
      const effect = rules.effect(t);
      // Unknown effects (a preview from another version) are not compared: fail closed.
      if (then < 0 || rank(effect) < 0 || rank(effect) > then) selection.leftAlone.push(leftAlone(t.id, t.name, describeState(t), p.state));
      else if (p.action === rules.noop) selection.unchanged.push(t);
      else selection.act.push(t);
    }
    return selection;
  }
  const named = await resolveNamed();
  if (go.by === 'flag') return { ...selection, act: named };
  for (const t of named) {
    if (rules.effect(t) === rules.noop) selection.unchanged.push(t);
    else selection.leftAlone.push(leftAlone(t.id, t.name, describeState(t), undefined));
  }
  return selection;
}

/**
 * The Change of a command on named containers (stop, restart, rm): its plan, the one check of a
 * stored container plan, and an apply that gets the selection (what to act on, what stays).
 */
export function containerChange(
  plan: (ctx: CommandContext) => Promise<Plan<ContainerPlan> & { targets: ContainerTarget[] }>,
  rules: EffectRules,
  act: (ctx: CommandContext, selection: Selection) => Promise<Result>,
  options: { size?: boolean } = {},
): Change<ContainerPlan> {
  return {
    plan,
    schema: containerPlan,
    async apply(ctx, go) {
      return act(ctx, await selectTargets(ctx.services.docker, go, async () => (await plan(ctx)).targets, rules, options));
    },
  };
}

/** The answer of a container command: what was done to each, then what was left alone. */
export function selectionResult(results: TargetOutcome[], selection: Selection, title: string, extra: { data?: object; notes?: Block[] } = {}): Result {
  return {
    ok: true,
    data: { results, ...extra.data, leftAlone: selection.leftAlone },
    reply: {
      title,
      tone: selection.leftAlone.length ? 'warn' : 'ok',
      blocks: [...(results.length ? [outcomeTable(results), ...(extra.notes ?? [])] : []), ...leftAloneNote(selection.leftAlone)],
    },
  };
}

/** Each container by ID as it is now; the ones that are gone are missing from the map. */
async function inspectByIds(host: DockerHost, ids: readonly string[], options: { size?: boolean }): Promise<Map<string, ContainerTarget>> {
  const found = new Map<string, ContainerTarget>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        const info = await host.engine.getContainer(id).inspect(options.size ? WITH_SIZE : {});
        // Inspect also matches ID prefixes and names: only the very container counts.
        if (info.Id === id) found.set(id, targetOf(id, info));
      } catch (err) {
        if (statusCode(err) !== 404) throw (await explainEngineError(err, host.engine, host.address)) ?? err;
      }
    }),
  );
  return found;
}
