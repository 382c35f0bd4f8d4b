import { defineCommand } from '../src/core/command.js';
import { code, plural, reply, text } from '../src/core/reply.js';
import { listServices, serviceRow, serviceTable } from '../src/docker/swarm.js';

export const serviceLs = defineCommand({
  name: 'service ls',
  aliases: ['service list'],
  summary: 'List Swarm services',
  options: [{ name: 'quiet', short: 'q', type: 'boolean', description: 'Only display IDs' }],
  access: 'read',
  async run(ctx) {
    const rows = (await listServices(ctx.services.docker)).map(serviceRow);
    if (ctx.args.bool('quiet')) {
      return { ok: true, data: rows.map((r) => r.ID), reply: reply([code(rows.map((r) => r.ID).join('\n') || '(none)')]) };
    }
    return {
      ok: true,
      data: rows,
      reply: reply([rows.length ? serviceTable(rows) : text('No services.')], { title: plural(rows.length, 'service') }),
    };
  },
});
