import { defineCommand, type CommandContext, type OptionSpec } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { plural } from '../src/core/reply.js';
import {
  containerChange,
  forEachTarget,
  isRunning,
  resolveContainers,
  selectionResult,
  targetsPlan,
  type ContainerPlan,
  type ContainerTarget,
  type EffectRules,
  type TargetOutcome,
} from '../src/docker/container-targets.js';
import { statusCode } from '../src/docker/errors.js';

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

const NOT_RUNNING = 'none (not running)';
const rules: EffectRules = {
  effect: (t: ContainerTarget): string => (isRunning(t) ? 'stop' : NOT_RUNNING),
  severity: [NOT_RUNNING, 'stop'],
  noop: NOT_RUNNING,
};

async function plan(ctx: CommandContext) {
  const seconds = stopTimeout(ctx);
  const targets = await resolveContainers(ctx.services.docker, ctx.args.positionals);
  const running = targets.filter(isRunning).length;
  // Nothing running: nothing to confirm, the apply says so.
  return targetsPlan(targets, rules, {
    verb: 'stop',
    done: 'stopped',
    count: running,
    note: `each gets SIGTERM, then SIGKILL ${graceText(seconds)}`,
    data: seconds === undefined ? {} : { timeoutSeconds: seconds },
    empty: running === 0,
  });
}

export const stop = defineCommand<ContainerPlan>({
  name: 'stop',
  aliases: ['container stop'],
  summary: 'Stop one or more running containers',
  options: [TIME_OPTION],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  // Only what the requester saw and confirmed is stopped: not a container started since.
  change: containerChange(plan, rules, async (ctx, selection) => {
    const seconds = stopTimeout(ctx);
    const stopped = await forEachTarget(
      ctx.services.docker,
      selection.act,
      'stop',
      async (container) => {
        try {
          await container.stop(seconds === undefined ? {} : { t: seconds });
          return 'stopped';
        } catch (err) {
          // 304: it was not running, which is where it was asked to be.
          if (statusCode(err) === 304) return 'was not running';
          throw err;
        }
      },
      ctx.log,
    );
    const results: TargetOutcome[] = [...stopped, ...selection.unchanged.map((t) => ({ id: t.id, name: t.name, ok: true, result: 'was not running' }))];
    const count = stopped.filter((r) => r.result === 'stopped').length;
    return selectionResult(results, selection, count > 0 ? `Stopped ${plural(count, 'container')}` : selection.leftAlone.length ? 'Nothing was stopped' : 'Nothing was running');
  }),
});
