import { defineCommand, type CommandContext } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, plural } from '../src/core/reply.js';
import {
  containerChange,
  forEachTarget,
  isRunning,
  resolveContainers,
  selectionResult,
  summarize,
  targetsPlan,
  type ContainerPlan,
  type ContainerTarget,
  type EffectRules,
} from '../src/docker/container-targets.js';
import { humanSize, shortId } from '../src/docker/format.js';

const rules: EffectRules = {
  effect: (t: ContainerTarget): string => (isRunning(t) ? 'kill and remove' : 'remove'),
  // A container previewed as stopped that runs now would be killed: that was not confirmed.
  severity: ['remove', 'kill and remove'],
};

/** Looks everything up and refuses running containers without -f before anything is removed. */
async function plan(ctx: CommandContext) {
  const force = ctx.args.bool('force');
  const withVolumes = ctx.args.bool('volumes');
  const targets = await resolveContainers(ctx.services.docker, ctx.args.positionals, { size: true });
  const running = targets.filter(isRunning);
  if (running.length && !force) {
    const names = running.map((t) => t.name);
    const first = names[0] as string;
    throw new UserError('conflict', `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} running: a running container is not removed without -f; nothing was removed`, {
      hint: 'stop it first, or add -f to kill and remove it',
      data: { running: running.map(summarize) },
      actions: [
        { label: names.length === 1 ? `Stop ${first}` : `Stop all ${names.length}`, command: `stop ${names.join(' ')}` },
        { label: 'Remove with -f', command: `rm -f${withVolumes ? ' -v' : ''} ${targets.map((t) => t.name).join(' ')}`, style: 'danger' },
      ],
    });
  }
  const volumes = volumesOf(targets, withVolumes);
  const reclaimable = sizeOf(targets);
  const notes = [
    `reclaims ${humanSize(reclaimable)} of container data`,
    ...(volumes.length ? [`also removes ${plural(volumes.length, 'anonymous volume')}: ${volumes.map(shortId).join(', ')}`] : []),
  ];
  return targetsPlan(targets, rules, {
    verb: 'remove',
    done: 'removed',
    count: targets.length,
    note: notes.join('; '),
    data: { force, volumes, reclaimableBytes: reclaimable, reclaimable: humanSize(reclaimable) },
    withSize: true,
  });
}

const volumesOf = (targets: readonly ContainerTarget[], withVolumes: boolean): string[] => (withVolumes ? targets.flatMap((t) => t.anonymousVolumes) : []);
const sizeOf = (targets: readonly ContainerTarget[]): number => targets.reduce((sum, t) => sum + (t.sizeRw ?? 0), 0);

export const rm = defineCommand<ContainerPlan>({
  name: 'rm',
  aliases: ['container rm', 'container remove'],
  summary: 'Remove one or more containers',
  options: [
    // Docker's meaning: force (kill a running container), not "do not ask".
    { name: 'force', short: 'f', type: 'boolean', description: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'volumes', short: 'v', type: 'boolean', description: 'Remove anonymous volumes associated with the container' },
  ],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  change: containerChange(
    plan,
    rules,
    async (ctx, selection) => {
      // -f keeps Docker's meaning (force); what is removed is what the requester saw and confirmed.
      const force = ctx.args.bool('force');
      const withVolumes = ctx.args.bool('volumes');
      const results = await forEachTarget(
        ctx.services.docker,
        selection.act,
        'remove',
        async (container) => {
          await container.remove({ force, v: withVolumes });
          return 'removed';
        },
        ctx.log,
      );
      const reclaimed = sizeOf(selection.act);
      return selectionResult(results, selection, results.length ? `Removed ${plural(results.length, 'container')}` : 'Nothing was removed', {
        data: { reclaimedBytes: reclaimed, volumes: volumesOf(selection.act, withVolumes) },
        notes: [context(`reclaimed ${humanSize(reclaimed)}`)],
      });
    },
    { size: true },
  ),
});
