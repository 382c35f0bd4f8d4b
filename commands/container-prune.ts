import type Dockerode from 'dockerode';
import { defineCommand, type CommandContext } from '../src/core/command.js';
import { code, context, plural, reply, table, text } from '../src/core/reply.js';
import { dryRunResult } from '../src/docker/container-targets.js';
import { parsePruneFilters, pruneFilter, type EngineFilters } from '../src/docker/filters.js';
import { containerName, humanSize, shortId } from '../src/docker/format.js';
import { explainEngineError } from '../src/docker/hints.js';

/** What prune removes: every container that is not running, paused or restarting. */
const STOPPED_STATES = ['created', 'exited', 'dead'];

export interface PruneCandidate {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  size: number;
}

// The filters themselves are the same for `image prune`.
export { parsePruneFilters as pruneFilters, parseUntil } from '../src/docker/filters.js';

/** The containers the engine's prune would remove with these filters, as it decides. */
export function isPruneCandidate(c: Dockerode.ContainerInfo, filters: EngineFilters, now = Date.now()): boolean {
  return STOPPED_STATES.includes(c.State) && pruneFilter(filters, now)(c);
}

async function plan(ctx: CommandContext) {
  const filters = parsePruneFilters(ctx.args.strings('filter'));
  const host = ctx.services.docker;
  let list: Dockerode.ContainerInfo[];
  try {
    list = await host.engine.listContainers({ all: true, size: true, filters: JSON.stringify({ status: STOPPED_STATES }) });
  } catch (err) {
    throw (await explainEngineError(err, host.engine, host.address)) ?? err;
  }
  const now = Date.now();
  const candidates: PruneCandidate[] = list
    .filter((c) => isPruneCandidate(c, filters, now))
    .map((c) => ({
      id: c.Id,
      name: containerName(c),
      image: c.Image,
      state: c.State,
      status: c.Status,
      size: (c as { SizeRw?: number }).SizeRw ?? 0,
    }));
  const reclaimable = candidates.reduce((sum, c) => sum + c.size, 0);
  const data = { action: 'prune', filters, containers: candidates, reclaimableBytes: reclaimable, reclaimable: humanSize(reclaimable) };
  const rows = candidates.map((c) => [c.name, shortId(c.id), c.image, c.status, humanSize(c.size)]);
  const count = plural(candidates.length, 'stopped container');
  const shown = reply([table(['NAME', 'CONTAINER ID', 'IMAGE', 'STATUS', 'SIZE'], rows), context(`reclaims ${humanSize(reclaimable)}`)], {
    title: `Remove ${count}?`,
    tone: 'warn',
  });
  return { filters, candidates, data, reply: shown, count };
}

export const containerPrune = defineCommand({
  name: 'container prune',
  summary: 'Remove all stopped containers',
  options: [
    // Docker's meaning: do not prompt, i.e. confirmed.
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt for confirmation' },
    { name: 'filter', type: 'string', multiple: true, placeholder: 'filter', description: 'Provide filter values (e.g. until=24h, label=k=v, label!=k)' },
  ],
  access: 'operate',
  mutating: true,
  confirm: {
    confirmFlag: 'force',
    async preview(ctx) {
      const p = await plan(ctx);
      return { reply: p.reply, data: p.data, empty: p.candidates.length === 0 };
    },
  },
  async run(ctx) {
    const p = await plan(ctx);
    if (ctx.dryRun) return dryRunResult(p, `Dry run: would remove ${p.count}`, 'dry run: nothing was removed');
    const confirmed = ctx.request.confirmed === true || ctx.args.bool('force');
    // Unconfirmed means the preview found nothing: anything stopped since then was not shown, so it stays.
    if (!confirmed || p.candidates.length === 0) {
      return { ok: true, data: { deleted: [], spaceReclaimed: 0 }, reply: reply([text('No stopped containers to remove.')], { title: 'Nothing to prune' }) };
    }
    const host = ctx.services.docker;
    let result: Dockerode.PruneContainersInfo;
    try {
      result = await host.engine.pruneContainers({ filters: JSON.stringify(p.filters) });
    } catch (err) {
      throw (await explainEngineError(err, host.engine, host.address)) ?? err;
    }
    const deleted = result.ContainersDeleted ?? [];
    const names = new Map(p.candidates.map((c) => [c.id, c.name]));
    const lines = deleted.map((id) => (names.has(id) ? `${id}  ${names.get(id)}` : id));
    return {
      ok: true,
      data: { deleted, spaceReclaimed: result.SpaceReclaimed ?? 0 },
      reply: reply([text('Deleted Containers:'), code(lines.join('\n') || '(none)'), text(`Total reclaimed space: ${humanSize(result.SpaceReclaimed ?? 0)}`)], {
        title: `Removed ${plural(deleted.length, 'container')}`,
        tone: 'ok',
      }),
    };
  },
});
