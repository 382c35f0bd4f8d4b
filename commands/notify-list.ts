import { defineCommand } from '../src/core/command.js';
import { reply, table, text } from '../src/core/reply.js';
import { channelOf } from '../src/notify/channel.js';

export const notifyList = defineCommand({
  name: 'notify list',
  aliases: ['notify ls'],
  summary: "This channel's subscriptions (and the configured notification channels)",
  options: [],
  access: 'read',
  async run(ctx) {
    const channel = channelOf(ctx.request.requester);
    const subscriptions = await ctx.services.subscriptions.list(channel);
    const configured = ctx.services.config.notifications.channels.includes(channel);
    const rows = subscriptions.map((s) => [s.id, s.events.join(','), s.filters.map((f) => `${f.kind}=${f.value}`).join(' ') || '-', s.by]);
    return {
      ok: true,
      data: { channel, configured, subscriptions },
      reply: reply(
        [
          ...(configured ? [text('This channel is in `notifications.channels`: it gets builds and engine events without subscribing.')] : []),
          rows.length ? table(['ID', 'EVENTS', 'FILTERS', 'BY'], rows) : text('No subscriptions in this channel. `notify add die,oom` adds one.'),
        ],
        { title: `Notifications for ${channel}` },
      ),
    };
  },
});
