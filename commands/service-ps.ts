import { defineCommand } from '../src/core/command.js';
import { plural, reply, text } from '../src/core/reply.js';
import { findService, serviceName, taskBlocks, taskRowsOf } from '../src/docker/swarm.js';

export const servicePs = defineCommand({
  name: 'service ps',
  summary: "List a service's tasks",
  options: [],
  positionals: [{ name: 'service', description: 'Service name or ID', required: true }],
  access: 'read',
  async run(ctx) {
    const service = await findService(ctx.services.docker, ctx.args.positional(0) as string);
    const rows = await taskRowsOf(ctx.services.docker, [service]);
    const name = serviceName(service);
    return {
      ok: true,
      data: rows,
      reply: reply(rows.length ? taskBlocks(rows) : [text(`No tasks.`)], { title: `${name}: ${plural(rows.length, 'task')}` }),
    };
  },
});
