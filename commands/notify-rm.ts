import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { reply, say, text } from '../src/core/reply.js';
import { channelOf, describeRequester } from '../src/notify/channel.js';

export const notifyRm = defineCommand({
  name: 'notify rm',
  summary: 'Remove a subscription of this channel',
  options: [],
  positionals: [{ name: 'id', description: 'ID: as `notify list` shows it', required: true }],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const id = ctx.args.positional(0) ?? '';
    const channel = channelOf(ctx.request.requester);
    const mine = (await ctx.services.subscriptions.list(channel)).find((s) => s.id === id);
    // Another channel's subscriptions are not this channel's to remove (nor to learn about).
    if (!mine) throw new UserError('not_found', `this channel has no subscription ${id.slice(0, 40)}`, { hint: '`notify list` shows the ids' });
    if (ctx.args.bool('dry-run')) return { ok: true, data: { plan: { action: 'unsubscribe', subscription: mine } }, reply: reply([text(say`Would remove ${id}.`)], { title: 'Dry run: nothing was removed', tone: 'info' }) };
    await ctx.services.subscriptions.remove(id, describeRequester(ctx.request.requester));
    return { ok: true, data: { removed: mine }, reply: reply([text(say`Removed ${id} (${mine.events.join(', ')}).`)], { tone: 'ok' }) };
  },
});
