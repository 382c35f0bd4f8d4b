import { defineCommand, type CommandContext } from '../src/core/command.js';
import { plural } from '../src/core/reply.js';
import { refuseStoredViolations } from '../src/core/run-policy.js';
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
} from '../src/docker/container-targets.js';
import { graceText, stopTimeout, TIME_OPTION } from './stop.js';

const rules: EffectRules = {
  effect: (t: ContainerTarget): string => (isRunning(t) ? 'stop, then start' : 'start'),
  // A container previewed as stopped that runs now would be stopped: that was not confirmed.
  severity: ['start', 'stop, then start'],
};

async function plan(ctx: CommandContext) {
  const seconds = stopTimeout(ctx);
  const targets = await resolveContainers(ctx.services.docker, ctx.args.positionals);
  // Restarting starts: a container created elsewhere gets no more through dockbot than `run` would.
  refuseStoredViolations(targets, ctx.services.config.policy, 'nothing was restarted');
  return targetsPlan(targets, rules, {
    verb: 'restart',
    done: 'restarted',
    count: targets.length,
    note: `running ones get SIGTERM, then SIGKILL ${graceText(seconds)}, and start again`,
    data: seconds === undefined ? {} : { timeoutSeconds: seconds },
  });
}

export const restart = defineCommand<ContainerPlan>({
  name: 'restart',
  aliases: ['container restart'],
  summary: 'Restart one or more containers (within the run policy)',
  options: [TIME_OPTION],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  change: containerChange(plan, rules, async (ctx, selection) => {
    const seconds = stopTimeout(ctx);
    // Checked again on what is started now, by ID: the policy holds whatever happened since the preview.
    refuseStoredViolations(selection.act, ctx.services.config.policy, 'nothing was restarted');
    const results = await forEachTarget(
      ctx.services.docker,
      selection.act,
      'restart',
      async (container) => {
        await container.restart(seconds === undefined ? {} : { t: seconds });
        return 'restarted';
      },
      ctx.log,
    );
    return selectionResult(results, selection, results.length ? `Restarted ${plural(results.length, 'container')}` : 'Nothing was restarted');
  }),
});
