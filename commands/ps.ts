import { UserError } from '../src/core/errors.js';
import type Dockerode from 'dockerode';
import { defineCommand } from '../src/core/command.js';
import { plural, reply, table, text } from '../src/core/reply.js';
import { parseFilters } from '../src/docker/filters.js';
import { ago, displayablePorts, ellipsis, goTime, humanSize, joinLabels, shortId } from '../src/docker/format.js';

/** The filters of `docker ps` the Engine understands. */
const FILTERS = ['id', 'name', 'label', 'status', 'ancestor', 'exited', 'before', 'since', 'volume', 'network', 'publish', 'expose', 'health', 'is-task'];

/** One row, with the field names and values of `docker ps --format '{{json .}}'`. */
export interface ContainerRow {
  Command: string;
  CreatedAt: string;
  ID: string;
  Image: string;
  Labels: string;
  LocalVolumes: string;
  Mounts: string;
  Names: string;
  Networks: string;
  Platform: null;
  Ports: string;
  RunningFor: string;
  Size?: string;
  State: string;
  Status: string;
}

export function containerRow(c: Dockerode.ContainerInfo, trunc: boolean, withSize: boolean, now = Date.now()): ContainerRow {
  const names = c.Names.map((n) => n.replace(/^\//, ''));
  // Truncated output shows the container's own name, not the names links give it.
  const shownNames = trunc ? [names.find((n) => !n.includes('/')) ?? names[0] ?? ''] : names;
  let image = c.Image;
  if (trunc) {
    if (shortId(c.ImageID) === shortId(c.Image)) image = shortId(c.Image);
    else if (/@sha256:[0-9a-f]{64}$/.test(image)) image = image.slice(0, image.indexOf('@'));
  }
  const mounts = (c.Mounts ?? []).map((m) => {
    const name = (m as { Name?: string }).Name || m.Source;
    return trunc ? ellipsis(name, 15) : name;
  });
  const row: ContainerRow = {
    Command: JSON.stringify(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTime(c.Created),
    ID: trunc ? shortId(c.Id) : c.Id,
    Image: image,
    Labels: joinLabels(c.Labels),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Mounts: mounts.join(','),
    Names: shownNames.join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    Platform: null,
    Ports: displayablePorts(c.Ports ?? []),
    RunningFor: ago(c.Created, now),
    State: c.State,
    Status: c.Status,
  };
  if (withSize) {
    const sizes = c as { SizeRw?: number; SizeRootFs?: number };
    const rw = humanSize(sizes.SizeRw ?? 0);
    row.Size = sizes.SizeRootFs ? `${rw} (virtual ${humanSize(sizes.SizeRootFs)})` : rw;
  }
  return row;
}

export const ps = defineCommand({
  name: 'ps',
  aliases: ['container ls', 'container list', 'container ps'],
  summary: 'List containers',
  options: [
    { name: 'all', short: 'a', type: 'boolean', description: 'Show all containers (default shows just running)' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only display container IDs' },
    { name: 'last', short: 'n', type: 'number', placeholder: 'int', description: 'Show n last created containers (includes all states)' },
    { name: 'latest', short: 'l', type: 'boolean', description: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    { name: 'size', short: 's', type: 'boolean', description: 'Display total file sizes' },
    { name: 'filter', short: 'f', type: 'string', multiple: true, placeholder: 'filter', description: `Filter output based on conditions (${FILTERS.slice(0, 5).join('=, ')}=, ...)` },
  ],
  access: 'read',
  async run(ctx) {
    const { args } = ctx;
    const filters = parseFilters(args.strings('filter'), FILTERS);
    const limit = args.bool('latest') ? 1 : (args.number('last') ?? -1);
    // The engine parses the limit as a Go int: a larger or fractional one is its 500, not an answer.
    if (!Number.isSafeInteger(limit) || limit > 2 ** 31 - 1) {
      throw new UserError('usage', `--last must be a whole number, not ${args.number('last')}`, { hint: 'e.g. ps -n 5 (or -1 for all)' });
    }
    const withSize = args.bool('size');
    const list = await ctx.services.docker.engine.listContainers({
      all: args.bool('all'),
      ...(limit > 0 ? { limit } : {}),
      ...(withSize ? { size: true } : {}),
      ...(Object.keys(filters).length ? { filters: JSON.stringify(filters) } : {}),
    });
    // Ages as of the engine's answer, when it worded STATUS ("Up 2 seconds"): CREATED then agrees with it.
    const answeredAt = Date.now();
    const trunc = !args.bool('no-trunc');
    const rows = list.map((c) => containerRow(c, trunc, withSize, answeredAt));

    if (args.bool('quiet')) {
      return { ok: true, data: rows.map((r) => r.ID), reply: reply([{ type: 'code', text: rows.map((r) => r.ID).join('\n') || '(none)' }]) };
    }
    const columns = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES', ...(withSize ? ['SIZE'] : [])];
    const cells = rows.map((r) => [r.ID, r.Image, r.Command, r.RunningFor, r.Status, r.Ports, r.Names, ...(withSize ? [r.Size ?? ''] : [])]);
    const summary = rows.length === 0 ? (args.bool('all') ? 'No containers.' : 'No running containers (add -a to see all).') : undefined;
    return {
      ok: true,
      data: rows,
      reply: reply(summary ? [text(summary)] : [table(columns, cells)], { title: plural(rows.length, 'container') }),
    };
  },
});
