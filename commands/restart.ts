import { defineCommand, type CommandContext } from '../src/core/command.js';
import { context, plural, reply } from '../src/core/reply.js';
import { dryRunResult, forEachTarget, isRunning, outcomeTable, resolveContainers, summarize, targetTable, type ContainerTarget } from '../src/docker/container-targets.js';
import { graceText, stopTimeout, TIME_OPTION } from './stop.js';

const effect = (t: ContainerTarget): string => (isRunning(t) ? 'stop, then start' : 'start');

async function plan(ctx: CommandContext) {
  const seconds = stopTimeout(ctx);
  const targets = await resolveContainers(ctx.services.docker, ctx.args.positionals);
  const data = { action: 'restart', ...(seconds === undefined ? {} : { timeoutSeconds: seconds }), containers: targets.map((t) => ({ ...summarize(t), action: effect(t) })) };
  const shown = reply([targetTable(targets, effect), context(`running ones get SIGTERM, then SIGKILL ${graceText(seconds)}, and start again`)], {
    title: `Restart ${plural(targets.length, 'container')}?`,
    tone: 'warn',
  });
  return { seconds, targets, data, reply: shown };
}

export const restart = defineCommand({
  name: 'restart',
  aliases: ['container restart'],
  summary: 'Restart one or more containers',
  options: [TIME_OPTION],
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
    if (ctx.dryRun) return dryRunResult(p, `Dry run: would restart ${plural(p.targets.length, 'container')}`, 'dry run: nothing was restarted');
    const results = await forEachTarget(ctx.services.docker, p.targets, 'restart', async (container) => {
      await container.restart(p.seconds === undefined ? {} : { t: p.seconds });
      return 'restarted';
    });
    return { ok: true, data: { results }, reply: reply([outcomeTable(results)], { title: `Restarted ${plural(results.length, 'container')}`, tone: 'ok' }) };
  },
});
