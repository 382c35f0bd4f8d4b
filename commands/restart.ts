import { defineCommand, type CommandContext } from '../src/core/command.js';
import { context, plural, reply } from '../src/core/reply.js';
import { refuseStoredViolations } from '../src/core/run-policy.js';
import {
  containerPlan,
  type ContainerPlan,
  forEachTarget,
  isRunning,
  leftAloneNote,
  outcomeTable,
  resolveContainers,
  selectTargets,
  summarize,
  targetTable,
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
  const data = { action: 'restart', ...(seconds === undefined ? {} : { timeoutSeconds: seconds }), containers: targets.map((t) => ({ ...summarize(t), action: rules.effect(t) })) };
  const shown = reply([targetTable(targets, rules.effect), context(`running ones get SIGTERM, then SIGKILL ${graceText(seconds)}, and start again`)], {
    title: `Restart ${plural(targets.length, 'container')}?`,
    tone: 'warn',
  });
  return { targets, data, reply: shown, dryRunTitle: `Dry run: would restart ${plural(targets.length, 'container')}`, dryRunNote: 'dry run: nothing was restarted' };
}

export const restart = defineCommand<ContainerPlan>({
  name: 'restart',
  aliases: ['container restart'],
  summary: 'Restart one or more containers (within the run policy)',
  options: [TIME_OPTION],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  change: {
    plan,
    schema: containerPlan,
    async apply(ctx, go) {
      const seconds = stopTimeout(ctx);
      const selection = await selectTargets(ctx.services.docker, go, async () => (await plan(ctx)).targets, rules);
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
      return {
        ok: true,
        data: { results, leftAlone: selection.leftAlone },
        reply: reply([...(results.length ? [outcomeTable(results)] : []), ...leftAloneNote(selection.leftAlone)], {
          title: results.length ? `Restarted ${plural(results.length, 'container')}` : 'Nothing was restarted',
          tone: selection.leftAlone.length ? 'warn' : 'ok',
        }),
      };
    },
  },
});
