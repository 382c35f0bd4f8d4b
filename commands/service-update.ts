import { z } from 'zod';
import { defineCommand, type CommandContext, type Plan } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, fields, reply, say, text } from '../src/core/reply.js';
import { parseReference } from '../src/docker/reference.js';
import {
  checkServicePolicy,
  containerSpecOf,
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
  type ServiceSpec,
} from '../src/docker/swarm.js';

interface UpdatePlan extends ServicePlan {
  action: 'update';
  from: string;
  image: string;
  failureAction: string;
}

const schema = z.object({ ...servicePlanShape, action: z.literal('update'), from: z.string(), image: z.string().min(1).max(512), failureAction: z.string() }).passthrough();

/** The spec with only its image changed: everything else stays as the swarm has it. */
function withImage(spec: ServiceSpec | undefined, image: string): ServiceSpec {
  const next = structuredClone(spec ?? {});
  const container = containerSpecOf(next);
  if (!container) throw new UserError('invalid_argument', 'this service runs no container (a plugin or attachment service): it has no image to change', { hint: '`service inspect` shows its spec' });
  container.Image = image;
  return next;
}

/** `--image` as typed, once it parses as an image reference (the swarm's nodes pull it). */
function imageArgument(ctx: CommandContext): string {
  const typed = ctx.args.string('image');
  if (typed === undefined) throw new UserError('usage', 'service update needs --image REF: a new image is the change it makes', { hint: 'e.g. `service update --image registry.example/web:2 web`' });
  parseReference(typed);
  return typed;
}

async function plan(ctx: CommandContext): Promise<Plan<UpdatePlan>> {
  const image = imageArgument(ctx);
  const service = await findServiceWithStatus(ctx.services.docker, ctx.args.positional(0) as string);
  const planned = planService(service);
  const from = containerSpecOf(service.Spec)?.Image ?? '';
  const next = withImage(service.Spec, image);
  // Its tasks are containers the swarm starts for us: what `run` refuses, the update does too.
  await checkServicePolicy(ctx.services.docker, next, ctx.services.config.policy, 'nothing was updated');
  const failureAction = service.Spec?.UpdateConfig?.FailureAction ?? 'pause';
  const data: UpdatePlan = { action: 'update', service: planned, from, image, failureAction };
  // A tag typed for an image pinned by digest is a change: the nodes pull the tag again (no digest is resolved here).
  const unchanged = from === image;
  return {
    data,
    reply: reply(
      [
        fields([
          ['Service', planned.name],
          ['Image', `${imageOf(service.Spec)} -> ${image}`],
          ['Running now', replicasOf(service)],
          ['On failure', failureAction],
        ]),
        context(`version ${planned.version}; the swarm replaces the tasks ${service.Spec?.UpdateConfig?.Parallelism ?? 1} at a time; if they fail it will ${failureAction === 'rollback' ? 'roll back' : failureAction === 'continue' ? 'continue' : 'pause'}, and this reply follows it until it settles`),
      ],
      { title: `Update ${planned.name} to ${image}?`, tone: 'warn' },
    ),
    ...(unchanged ? { empty: true } : {}),
    dryRunTitle: `Dry run: would update ${planned.name} to ${image}`,
    dryRunNote: 'dry run: nothing was updated',
  };
}

export const serviceUpdate = defineCommand<UpdatePlan>({
  name: 'service update',
  summary: "Change a service's image (within the run policy)",
  options: [{ name: 'image', type: 'string', placeholder: 'ref', description: 'The new image, NAME[:TAG|@DIGEST] (required)' }],
  positionals: [{ name: 'service', description: 'Service name or ID', required: true }],
  access: 'operate',
  mutating: true,
  change: serviceChange<UpdatePlan>({
    plan,
    schema,
    unchanged: (p) => ({ ok: true, data: { ...p, outcome: 'unchanged' }, reply: reply([text(say`${p.service.name} already runs ${p.image}; nothing was changed.`)], { title: `${p.service.name}: ${p.image}`, tone: 'info' }) }),
    async act(ctx, p) {
      const host = ctx.services.docker;
      parseReference(p.image);
      const service = await previewedService(host, p.service);
      const next = withImage(service.Spec, p.image);
      await checkServicePolicy(host, next, ctx.services.config.policy, 'nothing was updated');
      const startedBefore = service.UpdateStatus?.StartedAt;
      await sendServiceUpdate(host, p.service, next);
      const title = `Updating ${p.service.name} to ${p.image}`;
      const state = await watchRollout(host, p.service, { kind: 'update', ...(startedBefore ? { startedBefore } : {}) }, (s) => ctx.progress(rolloutProgress(title, s)));
      return rolloutResult(ctx, p.service, state, { success: 'converged', done: `Updated ${p.service.name} to ${p.image}`, data: { action: 'update', from: p.from, image: p.image } });
    },
  }),
});
