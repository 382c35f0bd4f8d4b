import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { reply, say, table, text } from '../src/core/reply.js';
import { BuildCancelledError } from '../src/docker/build.js';
import { describeRequester } from '../src/notify/channel.js';

/** The Cancel button of a build's progress message runs this as whoever pressed it. */
export const buildCancel = defineCommand({
  name: 'build cancel',
  summary: 'Cancel a build in progress (the Cancel button of its progress message)',
  options: [],
  positionals: [{ name: 'build', description: 'BUILD: the id shown under the build progress (b1a2b3c4)', required: true }],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const id = ctx.args.positional(0) ?? '';
    const job = ctx.services.builds.get(id);
    if (!job) {
      const running = ctx.services.builds.list();
      throw new UserError('not_found', `no build ${id} is in progress (it may have finished)`, {
        hint: running.length ? `builds in progress: ${running.map((b) => b.id).join(', ')}` : 'no build is in progress',
        data: { running: running.map((b) => b.id) },
      });
    }
    const by = describeRequester(ctx.request.requester);
    const plan = { action: 'cancel', build: job.id, tags: job.tags, startedBy: job.by };
    if (ctx.args.bool('dry-run')) {
      return { ok: true, data: { plan }, reply: reply([table(['BUILD', 'TAGS', 'STARTED BY'], [[job.id, job.tags.join(', '), job.by]])], { title: 'Dry run: nothing was cancelled', tone: 'info' }) };
    }
    job.controller.abort(new BuildCancelledError(by));
    return { ok: true, data: { cancelled: job.id, tags: job.tags }, reply: reply([text(say`Cancelling the build of ${job.tags.join(', ')} (${job.id}).`)], { tone: 'info' }) };
  },
});
