import { defineCommand, dryRun } from '../src/core/command.js';
import { plural, reply } from '../src/core/reply.js';
import { refuseStoredViolations } from '../src/core/run-policy.js';
import { dryRunResult, forEachTarget, isRunning, outcomeTable, resolveContainers, summarize, targetTable, type ContainerTarget } from '../src/docker/container-targets.js';
import { statusCode } from '../src/docker/errors.js';

const effect = (t: ContainerTarget): string => (isRunning(t) ? 'none (already running)' : 'start');

export const start = defineCommand({
  name: 'start',
  aliases: ['container start'],
  summary: 'Start one or more stopped containers (within the run policy)',
  options: [],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const host = ctx.services.docker;
    const targets = await resolveContainers(host, ctx.args.positionals);
    // A container created elsewhere (`docker create --privileged`) gets no more through dockbot than `run` would.
    refuseStoredViolations(targets, ctx.services.config.policy, 'nothing was started');

    if (dryRun(ctx)) {
      const plan = { data: { action: 'start', containers: targets.map((t) => ({ ...summarize(t), action: effect(t) })) }, reply: reply([targetTable(targets, effect)]) };
      return dryRunResult(plan, 'Dry run: would start', 'dry run: nothing was started');
    }

    const results = await forEachTarget(
      host,
      targets,
      'start',
      async (container) => {
        try {
          await container.start();
          return 'started';
        } catch (err) {
          // 304: the engine says it is running already, which is what was asked.
          if (statusCode(err) === 304) return 'already running';
          throw err;
        }
      },
      ctx.log,
    );
    const started = results.filter((r) => r.result === 'started').length;
    return {
      ok: true,
      data: { results },
      reply: reply([outcomeTable(results)], { title: `Started ${plural(started, 'container')}`, tone: 'ok' }),
    };
  },
});
