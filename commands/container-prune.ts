import type Dockerode from 'dockerode';
import { defineCommand, type CommandContext } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { code, context, reply, table, text } from '../src/core/reply.js';
import { parseFilters, type EngineFilters } from '../src/docker/filters.js';
import { humanSize, shortId } from '../src/docker/format.js';
import { explainEngineError } from '../src/docker/hints.js';

/** The filters `docker container prune` accepts. */
const FILTERS = ['until', 'label', 'label!'];
/** What prune removes: every container that is not running, paused or restarting. */
const STOPPED_STATES = ['created', 'exited', 'dead'];
const GO_DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export interface PruneCandidate {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  size: number;
}

/**
 * `until=` as the engine reads it (Docker's GetTimestamp): a Go duration before now (`24h`,
 * `1h30m`), Unix seconds (`1700000000`, `1700000000.5`), or an RFC 3339 date/time; a date or
 * time without a zone is local time. Returns Unix milliseconds.
 */
export function parseUntil(value: string, now = Date.now()): number {
  const trimmed = value.trim();
  if (GO_DURATION.test(trimmed)) {
    let ms = 0;
    for (const [, amount, unit] of trimmed.matchAll(DURATION_PART)) ms += Number(amount) * (UNIT_MS[unit as string] ?? 0);
    return now - (trimmed.startsWith('-') ? -ms : ms);
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse reads a bare date as UTC; Docker reads it as local time.
  const local = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00` : trimmed;
  const parsed = /^\d{4}-\d{2}-\d{2}/.test(local) ? Date.parse(local) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new UserError('usage', `invalid until filter "${value}"`, {
      hint: 'use a duration (24h, 90m), Unix seconds, or a date/time such as 2024-01-31 or 2024-01-31T12:00:00Z',
    });
  }
  return parsed;
}

/** The engine's MatchKVList: every `key` or `key=value` given must match. */
function matchesAllLabels(wanted: readonly string[], labels: Record<string, string>): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    const key = eq < 0 ? w : w.slice(0, eq);
    if (!(key in labels)) return false;
    return eq < 0 || labels[key] === w.slice(eq + 1);
  });
}

export function pruneFilters(values: readonly string[]): EngineFilters {
  const filters = parseFilters(values, FILTERS);
  if ((filters.until ?? []).length > 1) throw new UserError('usage', 'more than one until filter given', { hint: 'give one --filter until=...' });
  for (const until of filters.until ?? []) parseUntil(until);
  return filters;
}

/** The containers the engine's prune would remove with these filters, as it decides. */
export function isPruneCandidate(c: Dockerode.ContainerInfo, filters: EngineFilters, now = Date.now()): boolean {
  if (!STOPPED_STATES.includes(c.State)) return false;
  const labels = c.Labels ?? {};
  if (filters.label && !matchesAllLabels(filters.label, labels)) return false;
  if (filters['label!'] && matchesAllLabels(filters['label!'], labels)) return false;
  const until = filters.until?.[0];
  if (until !== undefined && c.Created * 1000 > parseUntil(until, now)) return false;
  return true;
}

async function plan(ctx: CommandContext) {
  const filters = pruneFilters(ctx.args.strings('filter'));
  const host = ctx.services.docker;
  let list: Dockerode.ContainerInfo[];
  try {
    list = await host.engine.listContainers({ all: true, size: true, filters: JSON.stringify({ status: STOPPED_STATES }) });
  } catch (err) {
    throw (await explainEngineError(err, host.engine, host.address)) ?? err;
  }
  const candidates: PruneCandidate[] = list
    .filter((c) => isPruneCandidate(c, filters))
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      image: c.Image,
      state: c.State,
      status: c.Status,
      size: (c as { SizeRw?: number }).SizeRw ?? 0,
    }));
  const reclaimable = candidates.reduce((sum, c) => sum + c.size, 0);
  const data = { action: 'prune', filters, containers: candidates, reclaimableBytes: reclaimable, reclaimable: humanSize(reclaimable) };
  const rows = candidates.map((c) => [c.name, shortId(c.id), c.image, c.status, humanSize(c.size)]);
  const count = `${candidates.length} stopped container${candidates.length === 1 ? '' : 's'}`;
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
    if (ctx.dryRun) {
      return {
        ok: true,
        data: { dryRun: true, plan: p.data },
        reply: { ...p.reply, title: `Dry run: would remove ${p.count}`, blocks: [...p.reply.blocks, context('dry run: nothing was removed')] },
      };
    }
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
        title: `Removed ${deleted.length} container${deleted.length === 1 ? '' : 's'}`,
        tone: 'ok',
      }),
    };
  },
});
