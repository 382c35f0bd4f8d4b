import { z } from 'zod';
import { defineCommand, type CommandContext, type Plan } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, fields, reply, say, text } from '../src/core/reply.js';
import {
  checkServicePolicy,
  findServiceWithStatus,
  imageOf,
  modeOf,
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
} from '../src/docker/swarm.js';

/** The most replicas one chat command may ask for: a typo (`web=300`) must not flood the swarm. */
export const MAX_REPLICAS = 100;

interface ScalePlan extends ServicePlan {
  action: 'scale';
  from: number;
  replicas: number;
}

const schema = z.object({ ...servicePlanShape, action: z.literal('scale'), from: z.number().int().nonnegative(), replicas: z.number().int().min(0).max(MAX_REPLICAS) }).passthrough();

/** `web=3` -> the service and the replicas; what the Docker CLI takes. */
export function parseScaleArgument(argument: string): { service: string; replicas: number } {
  const eq = argument.lastIndexOf('=');
  if (eq <= 0) throw new UserError('usage', `"${argument.slice(0, 80)}" is not SERVICE=REPLICAS`, { hint: 'e.g. `service scale web=3`' });
  const service = argument.slice(0, eq);
  const count = argument.slice(eq + 1);
  if (!/^\d{1,10}$/.test(count) || Number(count) > MAX_REPLICAS) {
    throw new UserError('invalid_argument', `invalid replicas "${count.slice(0, 20)}" for ${service.slice(0, 80)}: a whole number from 0 to ${MAX_REPLICAS} is expected`, {
      hint: `e.g. \`service scale ${service.length <= 40 ? service : 'web'}=3\`; more than ${MAX_REPLICAS} replicas are not asked for from chat`,
    });
  }
  return { service, replicas: Number(count) };
}

async function plan(ctx: CommandContext): Promise<Plan<ScalePlan>> {
  const { service: ref, replicas } = parseScaleArgument(ctx.args.positional(0) as string);
  const service = await findServiceWithStatus(ctx.services.docker, ref);
  const planned = planService(service);
  const mode = modeOf(service.Spec);
  if (mode !== 'replicated') {
    throw new UserError('invalid_argument', `${planned.name} is a ${mode} service: only replicated services have a number of replicas to scale`, { hint: '`service inspect` shows its mode' });
  }
  const from = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
  // More tasks of a spec are more containers: the run policy holds for them as for `start`.
  if (replicas > from) await checkServicePolicy(ctx.services.docker, service.Spec, ctx.services.config.policy, 'nothing was scaled');
  const data: ScalePlan = { action: 'scale', service: planned, from, replicas };
  return {
    data,
    reply: reply(
      [
        fields([
          ['Service', planned.name],
          ['Replicas', `${from} -> ${replicas}`],
          ['Running now', replicasOf(service)],
          ['Image', imageOf(service.Spec)],
        ]),
        context(`version ${planned.version}; the swarm ${replicas > from ? 'starts' : 'stops'} ${Math.abs(replicas - from)} task${Math.abs(replicas - from) === 1 ? '' : 's'}, and this reply follows them until they have`),
      ],
      { title: `Scale ${planned.name} from ${from} to ${replicas}?`, tone: 'warn' },
    ),
    ...(from === replicas ? { empty: true } : {}),
    dryRunTitle: `Dry run: would scale ${planned.name} from ${from} to ${replicas}`,
    dryRunNote: 'dry run: nothing was scaled',
  };
}

export const serviceScale = defineCommand<ScalePlan>({
  name: 'service scale',
  summary: 'Scale a replicated service',
  options: [],
  positionals: [{ name: 'service', description: `SERVICE=REPLICAS, e.g. web=3 (0 to ${MAX_REPLICAS})`, required: true }],
  access: 'operate',
  mutating: true,
  change: serviceChange<ScalePlan>({
    plan,
    schema,
    unchanged: (p) => ({ ok: true, data: { ...p, outcome: 'unchanged' }, reply: reply([text(say`${p.service.name} already has ${p.replicas} replicas; nothing was changed.`)], { title: `${p.service.name}: ${p.replicas} replicas`, tone: 'info' }) }),
    async act(ctx, p) {
      const host = ctx.services.docker;
      const service = await previewedService(host, p.service);
      if (p.replicas > (service.Spec?.Mode?.Replicated?.Replicas ?? 0)) await checkServicePolicy(host, service.Spec, ctx.services.config.policy, 'nothing was scaled');
      const spec = structuredClone(service.Spec ?? {});
      spec.Mode = { Replicated: { Replicas: p.replicas } };
      await sendServiceUpdate(host, p.service, spec);
      const title = `Scaling ${p.service.name} to ${p.replicas}`;
      const state = await watchRollout(host, p.service, { kind: 'scale', replicas: p.replicas, from: service.Spec?.Mode?.Replicated?.Replicas ?? p.from }, (s) => ctx.progress(rolloutProgress(title, s)));
      return rolloutResult(ctx, p.service, state, { success: 'converged', done: `Scaled ${p.service.name} to ${p.replicas}`, data: { action: 'scale', from: p.from, replicas: p.replicas } });
    },
  }),
});
