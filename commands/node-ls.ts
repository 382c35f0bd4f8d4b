import { defineCommand } from '../src/core/command.js';
import { plural, reply, table } from '../src/core/reply.js';
import { listNodes, type SwarmNode } from '../src/docker/swarm.js';

/** One row, with the field names of `docker node ls --format '{{json .}}'`. */
export interface NodeRow {
  ID: string;
  Hostname: string;
  Status: string;
  Availability: string;
  ManagerStatus: string;
  EngineVersion: string;
}

const capitalized = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export function nodeRow(n: SwarmNode): NodeRow {
  const manager = n.ManagerStatus;
  return {
    ID: n.ID,
    Hostname: n.Description?.Hostname ?? '',
    Status: capitalized(n.Status?.State ?? ''),
    Availability: capitalized(n.Spec?.Availability ?? ''),
    ManagerStatus: manager ? (manager.Leader ? 'Leader' : capitalized(manager.Reachability ?? '')) : '',
    EngineVersion: n.Description?.Engine?.EngineVersion ?? '',
  };
}

export const nodeLs = defineCommand({
  name: 'node ls',
  aliases: ['node list'],
  summary: 'List swarm nodes',
  options: [],
  access: 'read',
  async run(ctx) {
    const rows = (await listNodes(ctx.services.docker)).map(nodeRow).sort((a, b) => (a.Hostname < b.Hostname ? -1 : a.Hostname > b.Hostname ? 1 : 0));
    return {
      ok: true,
      data: rows,
      reply: reply([table(['ID', 'HOSTNAME', 'STATUS', 'AVAILABILITY', 'MANAGER STATUS', 'ENGINE VERSION'], rows.map((r) => [r.ID, r.Hostname, r.Status, r.Availability, r.ManagerStatus, r.EngineVersion]))], {
        title: plural(rows.length, 'node'),
      }),
    };
  },
});
