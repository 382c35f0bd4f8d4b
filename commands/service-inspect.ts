import { defineCommand } from '../src/core/command.js';
import { redactEnv } from '../src/core/redact.js';
import { fields, reply, type Block } from '../src/core/reply.js';
import { ellipsis, shortId } from '../src/docker/format.js';
import { containerSpecOf, findService, modeOf, portsOf, serviceName, type ServiceSpec, type SwarmService } from '../src/docker/swarm.js';

/** Field values stay readable in chat (Discord allows 1024 characters per field). */
const FIELD_MAX_CHARS = 500;

interface RolloutConfig {
  parallelism: number;
  delaySeconds: number;
  failureAction: string;
  monitorSeconds: number;
  maxFailureRatio: number;
  order: string;
}

export interface ServiceSummary {
  id: string;
  name: string;
  version: number;
  created: string;
  updated: string;
  mode: string;
  /** Replicated services: the tasks wanted. */
  replicas: number | null;
  image: string;
  command: string[];
  /** `KEY=[redacted]`: which variables are set, never their values. */
  env: string[];
  labels: Record<string, string>;
  ports: string;
  mounts: Array<{ type: string; source: string; target: string; readOnly: boolean }>;
  /** Names only: a secret's value never leaves the swarm through the bot. */
  secrets: string[];
  configs: string[];
  constraints: string[];
  update: RolloutConfig;
  rollback: RolloutConfig;
  updateStatus: { state: string; message: string } | null;
  /** The image of the spec `service rollback` would go back to. */
  previousImage: string | null;
}

const NS = 1e9;

function rolloutConfig(c: ServiceSpec['UpdateConfig'], defaultFailure: string): RolloutConfig {
  return {
    parallelism: c?.Parallelism ?? 1,
    delaySeconds: (c?.Delay ?? 0) / NS,
    failureAction: c?.FailureAction ?? defaultFailure,
    monitorSeconds: (c?.Monitor ?? 5 * NS) / NS,
    maxFailureRatio: c?.MaxFailureRatio ?? 0,
    order: c?.Order ?? 'stop-first',
  };
}

export function summarizeService(s: SwarmService): ServiceSummary {
  const spec = s.Spec;
  const container = containerSpecOf(spec);
  const template = spec?.TaskTemplate as { Placement?: { Constraints?: string[] } } | undefined;
  return {
    id: s.ID,
    name: serviceName(s),
    version: s.Version?.Index ?? 0,
    created: s.CreatedAt ?? '',
    updated: s.UpdatedAt ?? '',
    mode: modeOf(spec),
    replicas: spec?.Mode?.Replicated?.Replicas ?? null,
    image: container?.Image ?? '',
    command: [...(container?.Command ?? []), ...(container?.Args ?? [])],
    env: redactEnv(container?.Env),
    labels: spec?.Labels ?? {},
    ports: portsOf(s),
    mounts: (container?.Mounts ?? []).map((m) => ({ type: m.Type ?? '', source: m.Source ?? '', target: m.Target ?? '', readOnly: m.ReadOnly === true })),
    secrets: (container?.Secrets ?? []).map((r) => r.SecretName ?? r.SecretID ?? ''),
    configs: (container?.Configs ?? []).map((r) => r.ConfigName ?? r.ConfigID ?? ''),
    constraints: template?.Placement?.Constraints ?? [],
    update: rolloutConfig(spec?.UpdateConfig, 'pause'),
    rollback: rolloutConfig(spec?.RollbackConfig, 'pause'),
    updateStatus: s.UpdateStatus?.State ? { state: s.UpdateStatus.State, message: s.UpdateStatus.Message ?? '' } : null,
    previousImage: containerSpecOf(s.PreviousSpec)?.Image ?? null,
  };
}

const list = (values: readonly string[]): string => ellipsis(values.length ? values.join(', ') : 'none', FIELD_MAX_CHARS);

const rolloutText = (c: RolloutConfig): string =>
  `${c.parallelism} at a time, ${c.delaySeconds} s apart, ${c.order}; on failure: ${c.failureAction} (monitor ${c.monitorSeconds} s, max failure ratio ${c.maxFailureRatio})`;

export function serviceBlocks(s: ServiceSummary): Block[] {
  return [
    fields([
      ['ID', shortId(s.id)],
      ['Name', s.name],
      ['Mode', s.replicas === null ? s.mode : `${s.mode}, ${s.replicas} replicas`],
      ['Image', ellipsis(s.image, FIELD_MAX_CHARS)],
      ['Command', ellipsis(s.command.join(' ') || 'none', FIELD_MAX_CHARS)],
      ['Version', String(s.version)],
      ['Updated', s.updated || '-'],
      ...(s.updateStatus ? ([['Update status', ellipsis(`${s.updateStatus.state}${s.updateStatus.message ? `: ${s.updateStatus.message}` : ''}`, FIELD_MAX_CHARS)]] as Array<[string, string]>) : []),
    ]),
    fields([
      ['Ports', s.ports || 'none'],
      ['Mounts', list(s.mounts.map((m) => `${m.type} ${m.source} -> ${m.target}${m.readOnly ? ' (ro)' : ''}`))],
      ['Env', list(s.env)],
      ['Secrets', list(s.secrets)],
      ['Labels', list(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`))],
      ['Constraints', list(s.constraints)],
      ['Update', rolloutText(s.update)],
      ['Rollback', rolloutText(s.rollback)],
      ['Previous image', ellipsis(s.previousImage ?? 'none', FIELD_MAX_CHARS)],
    ]),
  ];
}

export const serviceInspect = defineCommand({
  name: 'service inspect',
  summary: 'Summary of a service (env values redacted)',
  options: [],
  positionals: [{ name: 'service', description: 'Service name or ID', required: true }],
  access: 'read',
  async run(ctx) {
    const summary = summarizeService(await findService(ctx.services.docker, ctx.args.positional(0) as string));
    return { ok: true, data: summary, reply: reply(serviceBlocks(summary), { title: `service ${summary.name}` }) };
  },
});
