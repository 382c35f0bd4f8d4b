import type Dockerode from 'dockerode';
import { defineCommand, type CommandContext } from '../src/core/command.js';
import { code, context, plural, reply, table, text, type Block } from '../src/core/reply.js';
import { containerPlan, forEachTarget, type ContainerPlan, isActiveState, leftAlone, leftAloneNote, type LeftAlone } from '../src/docker/container-targets.js';
import { statusCode } from '../src/docker/errors.js';
import { parsePruneFilters, pruneFilter, type EngineFilters } from '../src/docker/filters.js';
import { containerName, humanSize, shortId } from '../src/docker/format.js';
import { explainEngineError } from '../src/docker/hints.js';

/** The states of the containers prune removes, as an engine list filter: every state but the active ones and `removing`. */
const STOPPED_STATES = ['created', 'exited', 'dead'];

export interface PruneCandidate {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  size: number;
}

/** The containers the engine's prune would remove with these filters, as it decides. */
export function isPruneCandidate(c: Dockerode.ContainerInfo, filters: EngineFilters, now = Date.now()): boolean {
  return !isActiveState(c.State) && c.State !== 'removing' && pruneFilter(filters, now)(c);
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
  return { filters, candidates, data, reply: shown, empty: candidates.length === 0, dryRunTitle: `Dry run: would remove ${count}`, dryRunNote: 'dry run: nothing was removed' };
}

interface Pruned {
  deleted: string[];
  spaceReclaimed: number;
  leftAlone: LeftAlone[];
}

function prunedReply(result: Pruned, names: ReadonlyMap<string, string>) {
  const lines = result.deleted.map((id) => (names.has(id) ? `${id}  ${names.get(id)}` : id));
  const blocks: Block[] = result.deleted.length
    ? [text('Deleted Containers:'), code(lines.join('\n')), text(`Total reclaimed space: ${humanSize(result.spaceReclaimed)}`)]
    : [text(result.leftAlone.length ? 'No stopped containers were removed.' : 'No stopped containers to remove.')];
  return {
    ok: true,
    data: result,
    reply: reply([...blocks, ...leftAloneNote(result.leftAlone)], {
      title: result.deleted.length ? `Removed ${plural(result.deleted.length, 'container')}` : 'Nothing to prune',
      tone: result.leftAlone.length ? ('warn' as const) : result.deleted.length ? ('ok' as const) : ('info' as const),
    }),
  };
}

/** Where each previewed container that is no longer a candidate stands now (`removed` when gone). */
async function statesNow(ctx: CommandContext, ids: readonly string[]): Promise<Map<string, string>> {
  const host = ctx.services.docker;
  const states = new Map<string, string>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        states.set(id, (await host.engine.getContainer(id).inspect()).State.Status);
      } catch (err) {
        if (statusCode(err) !== 404) throw (await explainEngineError(err, host.engine, host.address)) ?? err;
        states.set(id, 'removed');
      }
    }),
  );
  return states;
}

export const containerPrune = defineCommand<ContainerPlan>({
  name: 'container prune',
  summary: 'Remove all stopped containers',
  options: [
    // Docker's meaning: do not prompt, i.e. confirmed (in a terminal; chat always previews first).
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt for confirmation' },
    { name: 'filter', type: 'string', multiple: true, placeholder: 'filter', description: 'Provide filter values (e.g. until=24h, label=k=v, label!=k)' },
  ],
  access: 'operate',
  mutating: true,
  change: {
    confirmFlag: 'force',
    plan,
    schema: containerPlan,
    async apply(ctx, go) {
      const p = await plan(ctx);
      const names = new Map(p.candidates.map((c) => [c.id, c.name]));

      if (go.by === 'flag') {
        // --yes, or -f in a terminal: Docker's own semantics, the engine prunes by the filters.
        const host = ctx.services.docker;
        let result: Dockerode.PruneContainersInfo;
        try {
          result = await host.engine.pruneContainers({ filters: JSON.stringify(p.filters) });
        } catch (err) {
          throw (await explainEngineError(err, host.engine, host.address)) ?? err;
        }
        return prunedReply({ deleted: result.ContainersDeleted ?? [], spaceReclaimed: result.SpaceReclaimed ?? 0, leftAlone: [] }, names);
      }

      // Exactly the containers the plan listed that are still stopped, one by one (the engine's
      // prune would take whatever matches by then). An empty plan removes nothing.
      const previewed = go.plan.containers;
      const previewedIds = new Set(previewed.map((c) => c.id));
      const current = new Map(p.candidates.map((c) => [c.id, c]));
      const act = p.candidates.filter((c) => previewedIds.has(c.id));
      const gone = previewed.filter((c) => !current.has(c.id));
      const states = await statesNow(ctx, gone.map((c) => c.id));
      const skipped: LeftAlone[] = [
        ...gone.map((c) => leftAlone(c.id, c.name, states.get(c.id) ?? 'removed', c.state)),
        ...p.candidates.filter((c) => !previewedIds.has(c.id)).map((c) => leftAlone(c.id, c.name, c.state, undefined)),
      ];

      const results = await forEachTarget(
        ctx.services.docker,
        act,
        'remove',
        async (container, candidate) => {
          try {
            // Without force: a container that started in the meantime is refused by the engine.
            await container.remove({ v: false });
            return 'removed';
          } catch (err) {
            const status = statusCode(err);
            if (status === 404) return 'already gone';
            if (status === 409) {
              // Started (or being removed) since the listing: not what was confirmed any more.
              const state = (await container.inspect().catch(() => undefined))?.State.Status ?? 'changed';
              skipped.push(leftAlone(candidate.id, candidate.name, state, candidate.state));
              return 'left alone';
            }
            throw err;
          }
        },
        ctx.log,
      );
      const removed = new Set(results.filter((r) => r.result === 'removed').map((r) => r.id));
      const deleted = act.filter((c) => removed.has(c.id));
      return prunedReply({ deleted: deleted.map((c) => c.id), spaceReclaimed: deleted.reduce((sum, c) => sum + c.size, 0), leftAlone: skipped }, names);
    },
  },
});
