import { defineCommand, type CommandContext } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, plural, reply } from '../src/core/reply.js';
import { dryRunResult, forEachTarget, isRunning, outcomeTable, resolveContainers, summarize, targetTable, type ContainerTarget } from '../src/docker/container-targets.js';
import { humanSize, shortId } from '../src/docker/format.js';

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
  const effect = (t: ContainerTarget): string => (isRunning(t) ? 'kill and remove' : 'remove');
  const volumes = withVolumes ? targets.flatMap((t) => t.anonymousVolumes) : [];
  const reclaimable = targets.reduce((sum, t) => sum + (t.sizeRw ?? 0), 0);
  const data = {
    action: 'remove',
    force,
    containers: targets.map((t) => ({ ...summarize(t), action: effect(t) })),
    volumes,
    reclaimableBytes: reclaimable,
    reclaimable: humanSize(reclaimable),
  };
  const notes = [
    `reclaims ${humanSize(reclaimable)} of container data`,
    ...(volumes.length ? [`also removes ${plural(volumes.length, 'anonymous volume')}: ${volumes.map(shortId).join(', ')}`] : []),
  ];
  const shown = reply([targetTable(targets, effect, true), context(notes.join('; '))], { title: `Remove ${plural(targets.length, 'container')}?`, tone: 'warn' });
  return { force, withVolumes, targets, data, reply: shown };
}

export const rm = defineCommand({
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
  confirm: {
    async preview(ctx) {
      const p = await plan(ctx);
      return { reply: p.reply, data: p.data };
    },
  },
  async run(ctx) {
    const p = await plan(ctx);
    if (ctx.dryRun) return dryRunResult(p, `Dry run: would remove ${plural(p.targets.length, 'container')}`, 'dry run: nothing was removed');
    const results = await forEachTarget(ctx.services.docker, p.targets, 'remove', async (container) => {
      await container.remove({ force: p.force, v: p.withVolumes });
      return 'removed';
    });
    return {
      ok: true,
      data: { results, reclaimedBytes: p.data.reclaimableBytes, volumes: p.data.volumes },
      reply: reply([outcomeTable(results), context(`reclaimed ${p.data.reclaimable}`)], { title: `Removed ${plural(results.length, 'container')}`, tone: 'ok' }),
    };
  },
});
