import { defineCommand } from '../src/core/command.js';
import { context, plural, reply } from '../src/core/reply.js';
import { forEachTarget, isRunning, outcomeTable, resolveContainers, summarize, targetTable, type ContainerTarget } from '../src/docker/container-targets.js';

const isNotModified = (err: unknown): boolean => (err as { statusCode?: number }).statusCode === 304;
const effect = (t: ContainerTarget): string => (isRunning(t) ? 'none (already running)' : 'start');

export const start = defineCommand({
  name: 'start',
  aliases: ['container start'],
  summary: 'Start one or more stopped containers',
  options: [],
  positionals: [{ name: 'container', description: 'Container name or id (several allowed)', required: true, variadic: true, complete: 'container' }],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const host = ctx.services.docker;
    const targets = await resolveContainers(host, ctx.args.positionals);

    if (ctx.dryRun) {
      const plan = { action: 'start', containers: targets.map((t) => ({ ...summarize(t), action: effect(t) })) };
      return { ok: true, data: { dryRun: true, plan }, reply: reply([targetTable(targets, effect), context('dry run: nothing was started')], { title: 'Dry run: would start' }) };
    }

    const results = await forEachTarget(host, targets, 'start', async (container) => {
      try {
        await container.start();
        return 'started';
      } catch (err) {
        // 304: the engine says it is running already, which is what was asked.
        if (isNotModified(err)) return 'already running';
        throw err;
      }
    });
    const started = results.filter((r) => r.result === 'started').length;
    return {
      ok: true,
      data: { results },
      reply: reply([outcomeTable(results)], { title: `Started ${plural(started, 'container')}`, tone: 'ok' }),
    };
  },
});
