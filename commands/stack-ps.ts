import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { plural, reply } from '../src/core/reply.js';
import { checkStackName, listServices, STACK_LABEL, taskBlocks, taskRowsOf } from '../src/docker/swarm.js';

export const stackPs = defineCommand({
  name: 'stack ps',
  summary: "List a stack's tasks",
  options: [],
  positionals: [{ name: 'stack', description: 'Stack name', required: true }],
  access: 'read',
  async run(ctx) {
    const stack = checkStackName(ctx.args.positional(0) as string);
    const services = await listServices(ctx.services.docker, { label: [`${STACK_LABEL}=${stack}`] });
    if (services.length === 0) {
      throw new UserError('not_found', `nothing found in stack: ${stack}`, { hint: '`stack ls` lists the stacks there are', actions: [{ label: 'List stacks', command: 'stack ls' }] });
    }
    const rows = await taskRowsOf(ctx.services.docker, services);
    return { ok: true, data: rows, reply: reply(taskBlocks(rows), { title: `stack ${stack}: ${plural(services.length, 'service')}, ${plural(rows.length, 'task')}` }) };
  },
});
