import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { commandHelp, overviewHelp } from '../src/core/help.js';

export const help = defineCommand({
  name: 'help',
  summary: 'List the commands, or show how to use one',
  options: [],
  positionals: [{ name: 'command', description: 'A command name, e.g. ps or "image rm"', variadic: true }],
  access: 'read',
  async run(ctx) {
    const wanted = ctx.args.positionals.join(' ').toLowerCase();
    if (!wanted) {
      return { ok: true, data: { commands: ctx.commands.map((c) => c.name) }, reply: overviewHelp(ctx.commands) };
    }
    const found = ctx.commands.find((c) => c.name === wanted || c.aliases?.includes(wanted));
    if (!found) throw new UserError('usage', `no command named "${wanted}"`, { hint: '`help` lists all commands' });
    return { ok: true, data: { command: found.name }, reply: commandHelp(found) };
  },
});
