// Help text generated from the command specs: the spec is the only place a flag is described.
import { flagLabel, usageLine, DRY_RUN } from './args.js';
import type { Command } from './command.js';
import { roleNeeded } from './policy.js';
import { reply, table, text, context, type Reply } from './reply.js';

export function commandHelp(c: Command): Reply {
  const options = [...c.options, ...(c.mutating ? [DRY_RUN] : [])].filter((o) => !o.hidden);
  const blocks = [text(c.summary), { type: 'code' as const, text: `Usage: ${usageLine({ ...c, options })}` }];
  if (c.positionals?.length) {
    blocks.push(table(['ARGUMENT', 'DESCRIPTION'], c.positionals.map((p) => [p.name.toUpperCase(), p.description])));
  }
  if (options.length) {
    blocks.push(
      table(
        ['OPTION', 'DESCRIPTION'],
        options.map((o) => [flagLabel(o) + (o.type === 'boolean' ? '' : ` ${o.placeholder ?? o.type}`), o.description]),
      ),
    );
  }
  if (c.aliases?.length) blocks.push(context(`aliases: ${c.aliases.join(', ')}`));
  return reply(blocks, { title: `docker ${c.name}`, tone: 'info', ephemeral: true });
}

export function overviewHelp(commands: readonly Command[]): Reply {
  const rows = [...commands]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => [c.name + (c.aliases?.length ? ` (${c.aliases.join(', ')})` : ''), c.summary, roleNeeded(c.access)]);
  return reply([table(['COMMAND', 'DESCRIPTION', 'ROLE'], rows), context('`help COMMAND` or `COMMAND --help` for details')], {
    title: 'dockbot commands',
    tone: 'info',
    // Help is for the one who asked.
    ephemeral: true,
  });
}
