import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { fields, reply } from '../src/core/reply.js';
import { channelOf, describeRequester } from '../src/notify/channel.js';
import { NOTIFY_EVENTS, type NotifyEvent } from '../src/notify/notifier.js';
import type { SubscriptionFilter } from '../src/store/subscriptions.js';

const FILTER = /^(label|name)=(.+)$/;
const MAX_FILTERS = 10;

export const notifyAdd = defineCommand({
  name: 'notify add',
  summary: 'Send these notifications to this channel',
  options: [{ name: 'filter', type: 'string', multiple: true, placeholder: 'filter', description: 'Only for containers with label=KEY[=VALUE] or name=NAME (all must match)' }],
  positionals: [{ name: 'events', description: `EVENTS: comma-separated, of ${NOTIFY_EVENTS.join(', ')} (or all)`, required: true }],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const channel = channelOf(ctx.request.requester);
    const events = parseEvents(ctx.args.positional(0) ?? '');
    const filters = ctx.args.strings('filter').map(parseFilter);
    if (filters.length > MAX_FILTERS) throw new UserError('usage', `at most ${MAX_FILTERS} filters`);
    const plan = { action: 'subscribe', channel, events, filters };
    const facts = fields([
      ['Channel', channel],
      ['Events', events.join(', ')],
      ['Only for', filters.length ? filters.map((f) => `${f.kind}=${f.value}`).join(', ') : 'every container'],
    ]);
    if (ctx.args.bool('dry-run')) return { ok: true, data: { plan }, reply: reply([facts], { title: 'Dry run: nothing was subscribed', tone: 'info' }) };
    const s = await ctx.services.subscriptions.add({ channel, events, filters, by: describeRequester(ctx.request.requester) });
    return { ok: true, data: { subscription: s }, reply: reply([facts], { title: `Subscribed ${s.id}: this channel gets ${events.join(', ')}`, tone: 'ok' }) };
  },
});

function parseEvents(typed: string): NotifyEvent[] {
  const words = typed.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
  if (words.includes('all')) return [...NOTIFY_EVENTS];
  const unknown = words.filter((w) => !(NOTIFY_EVENTS as readonly string[]).includes(w));
  if (unknown.length || words.length === 0) {
    throw new UserError('usage', `unknown event${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ').slice(0, 200) || '(none given)'}`, { hint: `events are ${NOTIFY_EVENTS.join(', ')} or all, e.g. \`notify add die,oom --filter label=team=web\`` });
  }
  return [...new Set(words)] as NotifyEvent[];
}

function parseFilter(typed: string): SubscriptionFilter {
  const m = FILTER.exec(typed);
  if (!m || typed.length > 300) throw new UserError('usage', `a filter is label=KEY[=VALUE] or name=NAME, not "${typed.slice(0, 60)}"`, { hint: '`--filter label=com.example.team=web` or `--filter name=api`' });
  return { kind: m[1] as SubscriptionFilter['kind'], value: m[2] as string };
}
