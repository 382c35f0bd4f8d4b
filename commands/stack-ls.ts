import { defineCommand } from '../src/core/command.js';
import { plural, reply, table, text } from '../src/core/reply.js';
import { listServices, STACK_LABEL } from '../src/docker/swarm.js';

export interface StackRow {
  Name: string;
  Services: string;
  Orchestrator: 'Swarm';
}

export const stackLs = defineCommand({
  name: 'stack ls',
  aliases: ['stack list'],
  summary: 'List stacks',
  options: [],
  access: 'read',
  async run(ctx) {
    // As the Docker CLI does: a stack is the services that carry its namespace label.
    const services = await listServices(ctx.services.docker, { label: [STACK_LABEL] });
    const counts = new Map<string, number>();
    for (const s of services) {
      const name = s.Spec?.Labels?.[STACK_LABEL];
      if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const rows: StackRow[] = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Name, n]) => ({ Name, Services: String(n), Orchestrator: 'Swarm' }));
    return {
      ok: true,
      data: rows,
      reply: reply([rows.length ? table(['NAME', 'SERVICES', 'ORCHESTRATOR'], rows.map((r) => [r.Name, r.Services, r.Orchestrator])) : text('No stacks.')], { title: plural(rows.length, 'stack') }),
    };
  },
});
