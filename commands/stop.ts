import { defineCommand, type CommandContext, type OptionSpec } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, plural, reply } from '../src/core/reply.js';
import { dryRunResult, forEachTarget, isRunning, outcomeTable, resolveContainers, summarize, targetTable, type ContainerTarget } from '../src/docker/container-targets.js';

/** `-t` of stop and restart: seconds between SIGTERM and SIGKILL. */
export const TIME_OPTION: OptionSpec = { name: 'time', short: 't', type: 'number', placeholder: 'int', description: 'Seconds to wait before killing the container' };

export function stopTimeout(ctx: CommandContext): number | undefined {
  const seconds = ctx.args.number('time');
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 0)) {
    throw new UserError('usage', `invalid -t ${seconds}: a whole number of seconds is expected`, { hint: 'e.g. -t 5' });
  }
  return seconds;
}

export const graceText = (seconds: number | undefined): string =>
  seconds === undefined ? "after the container's stop timeout (10 s unless it set its own)" : `after ${seconds} s`;

const effect = (t: ContainerTarget): string => (isRunning(t) ? 'stop' : 'none (not running)');

async function plan(ctx: CommandContext) {
  const seconds = stopTimeout(ctx);
  const targets = await resolveContainers(ctx.services.docker, ctx.args.positionals);
  const running = targets.filter(isRunning).length;
  const data = { action: 'stop', ...(seconds === undefined ? {} : { timeoutSeconds: seconds }), containers: targets.map((t) => ({ ...summarize(t), action: effect(t) })) };
  const shown = reply([targetTable(targets, effect), context(`each gets SIGTERM, then SIGKILL ${graceText(seconds)}`)], {
    title: `Stop ${plural(running, 'container')}?`,
    tone: 'warn',
  });
  return { seconds, targets, running, data, reply: shown };
}

export const stop = defineCommand({
  name: 'stop',
  aliases: ['container stop'],
  summary: 'Stop one or more running containers',
  options: [TIME_OPTION],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  confirm: {
    async preview(ctx) {
      const p = await plan(ctx);
      // Nothing running: nothing to confirm, the run says so.
      return { reply: p.reply, data: p.data, empty: p.running === 0 };
    },
  },
  async run(ctx) {
    const p = await plan(ctx);
    if (ctx.dryRun) return dryRunResult(p, `Dry run: would stop ${plural(p.running, 'container')}`, 'dry run: nothing was stopped');
    if (!ctx.request.confirmed && p.running > 0) {
      // Unconfirmed means the preview found nothing running: what started since was never shown.
      const started = p.targets.filter(isRunning).map((t) => t.name);
      throw new UserError('conflict', `${started.join(', ')} started after the preview; nothing was stopped`, {
        hint: 'run the command again to see what it would stop and confirm',
      });
    }
    const results = await forEachTarget(ctx.services.docker, p.targets, 'stop', async (container) => {
      try {
        await container.stop(p.seconds === undefined ? {} : { t: p.seconds });
        return 'stopped';
      } catch (err) {
        // 304: it was not running, which is where it was asked to be.
        if ((err as { statusCode?: number }).statusCode === 304) return 'was not running';
        throw err;
      }
    });
    const stopped = results.filter((r) => r.result === 'stopped').length;
    return { ok: true, data: { results }, reply: reply([outcomeTable(results)], { title: stopped === 0 ? 'Nothing was running' : `Stopped ${plural(stopped, 'container')}`, tone: 'ok' }) };
  },
});
