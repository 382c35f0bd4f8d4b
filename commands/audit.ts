import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { reply, table, text } from '../src/core/reply.js';

export const audit = defineCommand({
  name: 'audit',
  summary: 'Show who ran what, where, and how it ended',
  options: [
    { name: 'last', short: 'n', type: 'number', placeholder: 'int', description: 'How many entries (default 20, at most 500)' },
    { name: 'user', type: 'string', placeholder: 'user', description: 'Only entries of this user (id or name)' },
  ],
  access: 'admin',
  async run(ctx) {
    const limit = ctx.args.number('last') ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new UserError('usage', `-n must be a whole number from 1 to 500, got ${limit}`);
    }
    const user = ctx.args.string('user');
    const entries = await ctx.services.audit.recent({ limit, ...(user ? { user } : {}) });
    if (entries.length === 0) return { ok: true, data: [], reply: reply([text('No audit entries match.')]) };
    const rows = entries.map((e) => [e.time.replace('T', ' ').slice(0, 19), e.platform, e.user, e.channel ?? '', e.line, e.outcome, `${Math.round(e.durationMs)}ms`]);
    return {
      ok: true,
      data: entries,
      reply: reply([table(['TIME (UTC)', 'PLATFORM', 'USER', 'CHANNEL', 'COMMAND', 'OUTCOME', 'TOOK'], rows)], { title: `Last ${entries.length} audit entries` }),
    };
  },
});
