import { z } from 'zod';
import { defineCommand, type CommandContext, type Plan } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, fields, reply, say, text } from '../src/core/reply.js';
import {
  checkServicePolicy,
  findServiceWithStatus,
  imageOf,
  planService,
  previewedService,
  replicasOf,
  rolloutProgress,
  rolloutResult,
  sendServiceUpdate,
  serviceChange,
  servicePlanShape,
  watchRollout,
  type ServicePlan,
  type SwarmService,
} from '../src/docker/swarm.js';

interface RollbackPlan extends ServicePlan {
  action: 'rollback';
  from: string;
  to: string;
}

const schema = z.object({ ...servicePlanShape, action: z.literal('rollback'), from: z.string(), to: z.string() }).passthrough();

function noPreviousSpec(service: SwarmService): UserError {
  return new UserError('conflict', `the service ${service.Spec?.Name ?? service.ID} has no earlier spec to roll back to; nothing was changed`, {
    hint: 'the swarm keeps one earlier spec, from the last update (an automatic rollback uses it up); `service inspect` shows it',
  });
}

async function plan(ctx: CommandContext): Promise<Plan<RollbackPlan>> {
  const service = await findServiceWithStatus(ctx.services.docker, ctx.args.positional(0) as string);
  if (!service.PreviousSpec) throw noPreviousSpec(service);
  // The earlier spec's tasks are started again: it must pass the run policy as any new one would.
  await checkServicePolicy(ctx.services.docker, service.PreviousSpec, ctx.services.config.policy, 'nothing was rolled back');
  const planned = planService(service);
  const data: RollbackPlan = { action: 'rollback', service: planned, from: imageOf(service.Spec), to: imageOf(service.PreviousSpec) };
  return {
    data,
    reply: reply(
      [
        fields([
          ['Service', planned.name],
          ['Image', `${data.from} -> ${data.to}`],
          ['Running now', replicasOf(service)],
        ]),
        context(`version ${planned.version}; the swarm goes back to the spec before the last update, and this reply follows it until it settles`),
      ],
      { title: `Roll back ${planned.name}?`, tone: 'warn' },
    ),
    dryRunTitle: `Dry run: would roll back ${planned.name} to ${data.to}`,
    dryRunNote: 'dry run: nothing was rolled back',
  };
}

export const serviceRollback = defineCommand<RollbackPlan>({
  name: 'service rollback',
  summary: 'Revert a service to its previous spec',
  options: [],
  positionals: [{ name: 'service', description: 'Service name or ID', required: true }],
  access: 'operate',
  mutating: true,
  change: serviceChange<RollbackPlan>({
    plan,
    schema,
    // A rollback plan always has something to do; this answers a plan that somehow had not.
    unchanged: (p) => ({ ok: true, data: { ...p, outcome: 'unchanged' }, reply: reply([text(say`Nothing was rolled back on ${p.service.name}.`)], { title: `${p.service.name}: nothing to roll back`, tone: 'info' }) }),
    async act(ctx, p) {
      const host = ctx.services.docker;
      const service = await previewedService(host, p.service);
      if (!service.PreviousSpec) throw noPreviousSpec(service);
      await checkServicePolicy(host, service.PreviousSpec, ctx.services.config.policy, 'nothing was rolled back');
      const startedBefore = service.UpdateStatus?.StartedAt;
      // As the Docker CLI does: the current spec, with the engine told to go back to the previous one.
      await sendServiceUpdate(host, p.service, service.Spec ?? {}, true);
      const title = `Rolling back ${p.service.name}`;
      const state = await watchRollout(host, p.service, { kind: 'rollback', ...(startedBefore ? { startedBefore } : {}) }, (s) => ctx.progress(rolloutProgress(title, s)));
      return rolloutResult(ctx, p.service, state, { success: 'rolled_back', done: `Rolled back ${p.service.name} to ${p.to}`, data: { action: 'rollback', from: p.from, to: p.to } });
    },
  }),
});
