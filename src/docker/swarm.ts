// Swarm services, tasks and nodes as the commands read them: looked up through the guarded
// engine (names checked there), shown as the Docker CLI shows them, and changed only with the
// version the preview saw, so a confirmed change never lands on a service someone changed since.
import type Dockerode from 'dockerode';
import { z } from 'zod';
import type { Change, CommandContext, Plan, PlanSchema, Result } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { context, plural, reply, say, table, text, type Block, type ProgressStep, type Reply } from '../core/reply.js';
import type { RunPolicyConfig } from '../config.js';
import { statusCode, engineMessage } from './errors.js';
import { ago, ellipsis, shortId } from './format.js';
import type { DockerHost } from './host.js';
import { policyError, realPathFor, serviceSpecViolations, type PolicyServiceSpec } from './run-policy.js';

/** The label `docker stack deploy` puts on everything of a stack; its value is the stack's name. */
export const STACK_LABEL = 'com.docker.stack.namespace';
/** How long a change is watched before the reply says it is still going (`service ps` shows the rest). */
export const ROLLOUT_WAIT_MS = 5 * 60_000;
/** How often a change in progress is looked at (the progress message is edited at most once a second). */
const POLL_MS = 250;
/** Tasks shown in a chat reply; `data` has them all. */
const SHOWN_TASKS = 20;
/** Errors the engine reports for a task, as shown. */
const TASK_ERROR_CHARS = 200;

export type ServiceSpec = Dockerode.ServiceSpec & PolicyServiceSpec;

/** A service as `GET /services/{id}` answers. */
export interface SwarmService {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Ports?: Dockerode.PortConfig[] };
  UpdateStatus?: { State?: string; StartedAt?: string; CompletedAt?: string; Message?: string };
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number; CompletedTasks?: number };
}

export interface SwarmTask {
  ID: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  Status?: { Timestamp?: string; State?: string; Message?: string; Err?: string };
  Spec?: { ContainerSpec?: { Image?: string } };
  NetworksAttachments?: Array<{ Network?: { ID?: string; Spec?: { Name?: string } } }>;
}

export interface SwarmNode {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Name?: string };
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string };
}

/** Stack names are what `docker stack deploy` accepts as a project name. */
const STACK_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function checkStackName(name: string): string {
  if (!STACK_NAME_RE.test(name)) {
    throw new UserError('invalid_argument', `${JSON.stringify(ellipsis(name, 40))} is not a valid stack name`, {
      hint: 'a stack name is a letter or digit followed by letters, digits, "_", "." or "-" (63 at most)',
    });
  }
  return name;
}

export function noSuchService(ref: string): UserError {
  return new UserError('not_found', `no such service: ${ref}`, {
    hint: '`service ls` lists the services there are',
    actions: [{ label: 'List services', command: 'service ls' }],
  });
}

/** The service by name, id or id prefix; `not_found` naming it when there is none. */
export async function findService(host: DockerHost, ref: string): Promise<SwarmService> {
  try {
    return (await host.engine.getService(ref).inspect()) as SwarmService;
  } catch (err) {
    if (statusCode(err) === 404) throw noSuchService(ref);
    throw err;
  }
}

/** The service with its running/desired task counts (`inspect` has none; the list has them). */
export async function findServiceWithStatus(host: DockerHost, ref: string): Promise<SwarmService> {
  const service = await findService(host, ref);
  const [listed] = await listServices(host, { id: [service.ID] });
  return listed?.ID === service.ID && listed.ServiceStatus ? { ...service, ServiceStatus: listed.ServiceStatus } : service;
}

/** Services, optionally by label filter, with their running/desired task counts. */
export async function listServices(host: DockerHost, filters: Record<string, string[]> = {}): Promise<SwarmService[]> {
  const list = (await host.engine.listServices({ status: true, ...(Object.keys(filters).length ? { filters: JSON.stringify(filters) } : {}) })) as unknown as SwarmService[];
  return [...list].sort((a, b) => byteOrder(serviceName(a), serviceName(b)));
}

export async function listTasks(host: DockerHost, filters: Record<string, string[]> = {}): Promise<SwarmTask[]> {
  return (await host.engine.listTasks(Object.keys(filters).length ? { filters: JSON.stringify(filters) } : {})) as SwarmTask[];
}

export async function listNodes(host: DockerHost): Promise<SwarmNode[]> {
  return (await host.engine.listNodes()) as SwarmNode[];
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const serviceName = (s: SwarmService): string => s.Spec?.Name ?? s.ID;

/** The image without its pinned digest, as `docker service ls` shows it. */
export function imageOf(spec: ServiceSpec | undefined): string {
  const image = containerSpecOf(spec)?.Image ?? '';
  return image.replace(/@sha256:[0-9a-f]{64}$/, '');
}

/** The container part of a service's task template, as dockerode types it and the run policy reads it. */
export type ServiceContainerSpec = Dockerode.ContainerSpec & NonNullable<NonNullable<PolicyServiceSpec['TaskTemplate']>['ContainerSpec']>;

/** The container its tasks run; none for plugin and attachment services. */
export function containerSpecOf(spec: ServiceSpec | undefined): ServiceContainerSpec | undefined {
  return (spec?.TaskTemplate as { ContainerSpec?: ServiceContainerSpec } | undefined)?.ContainerSpec;
}

export type ServiceMode = 'replicated' | 'global' | 'replicated job' | 'global job';

export function modeOf(spec: ServiceSpec | undefined): ServiceMode {
  const mode = spec?.Mode ?? {};
  if (mode.Global) return 'global';
  if (mode.ReplicatedJob) return 'replicated job';
  if (mode.GlobalJob) return 'global job';
  return 'replicated';
}

/** `2/3`: tasks running of those wanted. */
export function replicasOf(s: SwarmService): string {
  const status = s.ServiceStatus;
  const desired = status?.DesiredTasks ?? s.Spec?.Mode?.Replicated?.Replicas ?? 0;
  return `${status?.RunningTasks ?? 0}/${desired}`;
}

/** `*:8080->80/tcp`, as `docker service ls` shows published ports. */
export function portsOf(s: SwarmService): string {
  return (s.Endpoint?.Ports ?? [])
    .filter((p) => p.PublishedPort)
    .map((p) => `*:${p.PublishedPort}->${p.TargetPort}/${p.Protocol ?? 'tcp'}`)
    .join(', ');
}

/** One row of `service ls`, with the field names of `docker service ls --format '{{json .}}'`. */
export interface ServiceRow {
  ID: string;
  Name: string;
  Mode: ServiceMode;
  Replicas: string;
  Image: string;
  Ports: string;
}

export const serviceRow = (s: SwarmService): ServiceRow => ({
  ID: shortId(s.ID),
  Name: serviceName(s),
  Mode: modeOf(s.Spec),
  Replicas: replicasOf(s),
  Image: imageOf(s.Spec),
  Ports: portsOf(s),
});

export const serviceTable = (rows: readonly ServiceRow[]): Block =>
  table(['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS'], rows.map((r) => [r.ID, r.Name, r.Mode, r.Replicas, r.Image, r.Ports]));

/** One row of `service ps` / `stack ps`, with the field names of `--format '{{json .}}'`. */
export interface TaskRow {
  ID: string;
  /** `web.1` (replicated: by slot), `web.<node id>` (global). */
  Name: string;
  Image: string;
  Node: string;
  DesiredState: string;
  CurrentState: string;
  Error: string;
  /** An older task of the same slot (the CLI shows it as `\_ web.1`). */
  History: boolean;
}

const capitalized = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Tasks as `docker service ps` lists them: by service and slot, the newest first in each slot. */
export function taskRows(tasks: readonly SwarmTask[], serviceNames: ReadonlyMap<string, string>, nodeNames: ReadonlyMap<string, string>, now = Date.now()): TaskRow[] {
  const slotOf = (t: SwarmTask): string => `${serviceNames.get(t.ServiceID ?? '') ?? shortId(t.ServiceID ?? '')}.${t.Slot ? t.Slot : (t.NodeID ?? '')}`;
  const time = (t: SwarmTask): number => Date.parse(t.Status?.Timestamp ?? t.CreatedAt ?? '') || 0;
  const sorted = [...tasks].sort((a, b) => byteOrder(slotOf(a), slotOf(b)) || (a.Slot ?? 0) - (b.Slot ?? 0) || time(b) - time(a));
  let previous = '';
  return sorted.map((t) => {
    const name = slotOf(t);
    const history = name === previous;
    previous = name;
    const state = t.Status?.State ?? 'unknown';
    const when = time(t);
    return {
      ID: shortId(t.ID),
      Name: name,
      Image: (t.Spec?.ContainerSpec?.Image ?? '').replace(/@sha256:[0-9a-f]{64}$/, ''),
      Node: nodeNames.get(t.NodeID ?? '') ?? '',
      DesiredState: capitalized(t.DesiredState ?? ''),
      // As the CLI words it: `Running 5 minutes ago`, `Running less than a second ago`.
      CurrentState: `${capitalized(state)}${when ? ` ${ago(Math.floor(when / 1000), now).toLowerCase()}` : ''}`,
      Error: ellipsis(t.Status?.Err ?? '', TASK_ERROR_CHARS),
      History: history,
    };
  });
}

/** The task table, the first SHOWN_TASKS rows, and how many more there are. */
export function taskBlocks(rows: readonly TaskRow[]): Block[] {
  const shown = rows.slice(0, SHOWN_TASKS);
  const blocks: Block[] = [
    table(['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR'], shown.map((r) => [r.ID, r.History ? `\\_ ${r.Name}` : r.Name, r.Image, r.Node, r.DesiredState, r.CurrentState, r.Error])),
  ];
  if (rows.length > shown.length) blocks.push(context(`… and ${plural(rows.length - shown.length, 'more task')} (\`data\` has them all)`));
  return blocks;
}

/** Node hostnames by id, for the NODE column. */
export async function nodeNames(host: DockerHost): Promise<Map<string, string>> {
  return new Map((await listNodes(host)).map((n) => [n.ID, n.Description?.Hostname ?? n.Spec?.Name ?? shortId(n.ID)]));
}

/** The tasks of these services, as rows. */
export async function taskRowsOf(host: DockerHost, services: readonly SwarmService[]): Promise<TaskRow[]> {
  if (services.length === 0) return [];
  const [tasks, nodes] = await Promise.all([listTasks(host, { service: services.map((s) => s.ID) }), nodeNames(host)]);
  return taskRows(tasks, new Map(services.map((s) => [s.ID, serviceName(s)])), nodes);
}

// --- Changes: scale, update, rollback ---------------------------------------------------------

/** What the preview of a service change saw: the service by id and the version it had. */
export interface ServicePlan {
  action: 'scale' | 'update' | 'rollback';
  service: { id: string; name: string; version: number };
}

export const servicePlanShape = {
  action: z.enum(['scale', 'update', 'rollback']),
  service: z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/), name: z.string(), version: z.number().int().nonnegative() }),
};

export const planService = (s: SwarmService): ServicePlan['service'] => ({ id: s.ID, name: serviceName(s), version: s.Version?.Index ?? 0 });

/**
 * The service as the preview saw it, or the reason nothing is done: gone since, or changed since
 * (its version moved on). Only the very service (by id) counts, never another of that name.
 */
export async function previewedService(host: DockerHost, planned: ServicePlan['service']): Promise<SwarmService> {
  let now: SwarmService;
  try {
    now = (await host.engine.getService(planned.id).inspect()) as SwarmService;
  } catch (err) {
    if (statusCode(err) === 404) throw new UserError('conflict', `the service ${planned.name} was removed since the preview; nothing was changed`, { hint: '`service ls` lists the services there are' });
    throw err;
  }
  if (now.ID !== planned.id) throw new UserError('conflict', `the service ${planned.name} was replaced since the preview; nothing was changed`, { hint: 'run the command again to see what it would do now' });
  const version = now.Version?.Index ?? 0;
  if (version !== planned.version) {
    throw new UserError('conflict', `the service ${planned.name} changed since the preview (version ${planned.version}, now ${version}); nothing was changed`, {
      hint: 'run the command again to see what it would do now',
      data: { service: planned, version },
    });
  }
  return now;
}

/**
 * The Change of a service command: `plan` previews (and is `empty` when there is nothing to do),
 * `act` changes the service the plan names at the version the plan saw. A confirmed preview acts
 * on the stored plan; `--yes` plans now and acts on that (Docker's meaning).
 */
export function serviceChange<P extends ServicePlan>(parts: {
  plan(ctx: CommandContext): Promise<Plan<P>>;
  schema: PlanSchema<P>;
  act(ctx: CommandContext, plan: P): Promise<Result>;
  /** The answer when there is nothing to do (already scaled, already on that image). */
  unchanged(plan: P): Result;
}): Change<P> {
  return {
    plan: parts.plan,
    schema: parts.schema,
    async apply(ctx, go) {
      if (go.by === 'empty') return parts.unchanged(go.plan);
      if (go.by === 'preview') return parts.act(ctx, go.plan);
      const now = await parts.plan(ctx);
      return now.empty ? parts.unchanged(now.data) : parts.act(ctx, now.data);
    },
  };
}

/** Network names by id, from every task the swarm keeps (Swarm specs name networks by id only). */
export async function swarmNetworkNames(host: DockerHost): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const t of await listTasks(host)) {
    for (const a of t.NetworksAttachments ?? []) if (a.Network?.ID && a.Network.Spec?.Name) names.set(a.Network.ID, a.Network.Spec.Name);
  }
  return names;
}

/** Throws `forbidden` when the spec breaks the run policy (its tasks are containers started for us). */
export async function checkServicePolicy(host: DockerHost, spec: ServiceSpec | undefined, policy: RunPolicyConfig, outcome: string): Promise<void> {
  const networks = await swarmNetworkNames(host);
  const realPath = realPathFor(host);
  const violations = serviceSpecViolations(spec ?? {}, policy, { networkName: (id) => networks.get(id), ...(realPath ? { realPath } : {}) });
  if (violations.length) throw policyError(violations, outcome);
}

/**
 * `POST /services/{id}/update` with the version the preview saw: the engine refuses it when the
 * service changed in between ("update out of sequence"), which is a conflict, never a lost change.
 */
export async function sendServiceUpdate(host: DockerHost, service: ServicePlan['service'], spec: ServiceSpec, rollback = false): Promise<void> {
  try {
    await host.engine.getService(service.id).update({ _query: { version: service.version, ...(rollback ? { rollback: 'previous' } : {}) }, _body: spec });
  } catch (err) {
    const message = statusCode(err) === undefined ? '' : engineMessage(err as object);
    if (/out of sequence/i.test(message)) {
      throw new UserError('conflict', `the service ${service.name} changed while this was sent; nothing was changed`, { hint: 'run the command again to see what it would do now', cause: err });
    }
    if (rollback && /does not have a previous spec/i.test(message)) {
      throw new UserError('conflict', `the service ${service.name} has no earlier spec to roll back to; nothing was changed`, { hint: '`service inspect` shows its spec', cause: err });
    }
    throw err;
  }
}

/** How a watched change ended: what the swarm settled on, or that it is still going. */
export type RolloutOutcome = 'converged' | 'paused' | 'rolled_back' | 'rollback_paused' | 'timed_out';

export interface RolloutState {
  outcome: RolloutOutcome | 'in_progress';
  /** The engine's update state (`updating`, `rollback_started`, ...); none for scaling. */
  updateState?: string;
  /** The engine's words on the update, and the last task error seen. */
  message?: string;
  taskError?: string;
  running: number;
  wanted: number;
  tasks: TaskRow[];
  elapsedMs: number;
}

export type Rollout =
  /**
   * Scaling: done when `replicas` tasks run; scaling down, also once the removed ones have
   * stopped (scaling up, tasks an earlier scale-down still stops are not this change's).
   */
  | { kind: 'scale'; replicas: number; from: number }
  /** An update or rollback: done when the engine's update state (a fresh one) settles. */
  | { kind: 'update' | 'rollback'; startedBefore?: string };

const SETTLED: Record<string, RolloutOutcome> = { completed: 'converged', paused: 'paused', rollback_completed: 'rolled_back', rollback_paused: 'rollback_paused' };

/**
 * Watches the service until the change settles or `timeoutMs` passes, showing the tasks' states
 * on each look (the dispatcher throttles the edits). A look that fails ends the watch with that error.
 */
export async function watchRollout(host: DockerHost, service: ServicePlan['service'], rollout: Rollout, show: (state: RolloutState) => void, timeoutMs = ROLLOUT_WAIT_MS): Promise<RolloutState> {
  const started = performance.now();
  // Task errors from before this change are history, not its outcome (a clock skew of a second allowed).
  const since = Date.now() - 1000;
  const recent = (t: SwarmTask): boolean => (Date.parse(t.Status?.Timestamp ?? '') || 0) >= since;
  const nodes = await nodeNames(host);
  const names = new Map([[service.id, service.name]]);
  let message: string | undefined;
  let taskError: string | undefined;
  for (;;) {
    const [now, tasks] = await Promise.all([host.engine.getService(service.id).inspect() as Promise<SwarmService>, listTasks(host, { service: [service.id] })]);
    const live = tasks.filter((t) => t.DesiredState === 'running');
    const running = live.filter((t) => t.Status?.State === 'running').length;
    const stillRunningOld = tasks.filter((t) => t.DesiredState !== 'running' && t.Status?.State === 'running').length;
    const failed = tasks.filter((t) => t.Status?.Err && recent(t)).sort((a, b) => (Date.parse(b.Status?.Timestamp ?? '') || 0) - (Date.parse(a.Status?.Timestamp ?? '') || 0))[0];
    if (failed?.Status?.Err) taskError = failed.Status.Err;
    const status = now.UpdateStatus;
    const fresh = rollout.kind !== 'scale' && status?.State !== undefined && status.StartedAt !== rollout.startedBefore;
    if (fresh && status?.Message && !/^(update|rollback) (in progress|completed)$/.test(status.Message)) message ??= status.Message;
    const wanted = rollout.kind === 'scale' ? rollout.replicas : (now.ServiceStatus?.DesiredTasks ?? now.Spec?.Mode?.Replicated?.Replicas ?? live.length);
    let outcome: RolloutState['outcome'] = 'in_progress';
    if (rollout.kind === 'scale') {
      const removedStopped = rollout.replicas >= rollout.from || stillRunningOld === 0;
      if (running === rollout.replicas && live.length === rollout.replicas && removedStopped) outcome = 'converged';
    } else if (fresh) {
      outcome = SETTLED[status?.State ?? ''] ?? 'in_progress';
    }
    const elapsedMs = performance.now() - started;
    if (outcome === 'in_progress' && elapsedMs >= timeoutMs) outcome = 'timed_out';
    const state: RolloutState = {
      outcome,
      ...(fresh && status?.State ? { updateState: status.State } : {}),
      ...(message ? { message } : {}),
      ...(taskError ? { taskError } : {}),
      running,
      wanted,
      tasks: taskRows(tasks.filter((t) => t.DesiredState === 'running' || t.Status?.State === 'running' || (t.Status?.Err && recent(t))), names, nodes),
      elapsedMs,
    };
    if (outcome !== 'in_progress') return state;
    show(state);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The live view of a change: one step per task (at most SHOWN_TASKS), and the engine's update state. */
export function rolloutProgress(title: string, state: RolloutState): Reply {
  const steps: ProgressStep[] = state.tasks
    .filter((t) => !t.History)
    .slice(0, SHOWN_TASKS)
    .map((t) => ({ label: t.Name, status: `${t.CurrentState}${t.Error ? ` (${t.Error})` : ''}` }));
  const blocks: Block[] = [
    { type: 'progress', steps: steps.length ? steps : [{ label: 'tasks', status: 'none yet' }], ...(state.wanted ? { percent: Math.min(100, Math.round((state.running / state.wanted) * 100)) } : {}) },
    context(say`${state.running}/${state.wanted} running${state.updateState ? `; update state: ${state.updateState}` : ''}; ${Math.round(state.elapsedMs / 1000)} s`),
  ];
  return reply(blocks, { title, tone: 'info' });
}

const OUTCOME_WORDS: Record<RolloutOutcome, string> = {
  converged: 'converged',
  paused: 'paused',
  rolled_back: 'rolled back',
  rollback_paused: 'rollback paused',
  timed_out: 'still going',
};

/**
 * The final answer of a watched change. `success` is the outcome the command asked for (a
 * rollback asks for `rolled_back`); any other is `ok: false` with what happened and what to do.
 */
export function rolloutResult(
  ctx: CommandContext,
  service: ServicePlan['service'],
  state: RolloutState,
  words: { success: RolloutOutcome; done: string; data: Record<string, unknown> },
): Result {
  const ok = state.outcome === words.success;
  const seconds = Math.round(state.elapsedMs / 100) / 10;
  const data = { ...words.data, service: service.name, serviceId: service.id, outcome: state.outcome, updateState: state.updateState ?? null, message: state.message ?? null, taskError: state.taskError ?? null, running: state.running, wanted: state.wanted, seconds, tasks: state.tasks };
  const why = [state.message, state.taskError ? `task error: ${state.taskError}` : undefined].filter(Boolean).join('; ');
  const blocks: Block[] = [];
  let title: string;
  let tone: Reply['tone'] = 'ok';
  if (ok) {
    title = words.done;
  } else if (state.outcome === 'timed_out') {
    title = `${capitalized(state.updateState ?? 'the change')} of ${service.name} still going after ${Math.round(seconds)} s`;
    tone = 'warn';
    blocks.push(text(say`The swarm is still working on ${service.name} (${state.running}/${state.wanted} running); this reply stops watching, the swarm does not stop.`));
  } else {
    title = `${service.name}: ${OUTCOME_WORDS[state.outcome as RolloutOutcome]}`;
    tone = state.outcome === 'rolled_back' ? 'warn' : 'error';
    const what =
      state.outcome === 'rolled_back'
        ? say`The update of ${service.name} failed and the swarm rolled it back to the previous spec`
        : state.outcome === 'paused'
          ? say`The update of ${service.name} failed and the swarm paused it: tasks of the old and the new spec may both be running`
          : say`The rollback of ${service.name} failed and the swarm paused it`;
    blocks.push(text(why ? [...what, ...say`: ${why}`] : what));
  }
  blocks.push(...taskBlocks(state.tasks));
  blocks.push(context(say`${state.running}/${state.wanted} running after ${seconds} s${state.updateState ? `; update state: ${state.updateState}` : ''}`));
  if (!ok && (state.outcome === 'paused' || state.outcome === 'timed_out')) {
    blocks.push({ type: 'actions', actions: [{ id: ctx.services.suggestions.add(`service ps ${service.name}`), label: 'Tasks' }, ...(state.outcome === 'paused' ? [{ id: ctx.services.suggestions.add(`service rollback ${service.name}`), label: 'Roll back', style: 'danger' as const }] : [])] });
  }
  return { ok, data, reply: reply(blocks, { title, tone }) };
}
