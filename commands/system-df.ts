import { defineCommand } from '../src/core/command.js';
import { reply, table } from '../src/core/reply.js';
import { humanSize, reclaimableSize } from '../src/docker/format.js';

/** The part of GET /system/df the summary needs (dockerode leaves the response untyped). */
export interface EngineDiskUsage {
  LayersSize?: number;
  Images?: Array<{ Containers: number; Size: number; SharedSize: number }> | null;
  Containers?: Array<{ State: string; SizeRw?: number }> | null;
  Volumes?: Array<{ UsageData?: { Size: number; RefCount: number } | null }> | null;
  BuildCache?: Array<{ InUse?: boolean; Shared?: boolean; Size: number }> | null;
}

/** One row, with the field names and values of `docker system df --format '{{json .}}'`. */
export interface DiskUsageRow {
  Active: string;
  Reclaimable: string;
  Size: string;
  TotalCount: string;
  Type: string;
}

const row = (type: string, total: number, active: number, size: number, reclaimable: string): DiskUsageRow => ({
  Active: String(active),
  Reclaimable: reclaimable,
  Size: humanSize(size, 4),
  TotalCount: String(total),
  Type: type,
});

// A container holds its writable layer while it runs, is paused or restarts.
const isActive = (state: string): boolean => ['running', 'paused', 'restarting'].some((s) => state.includes(s));

/** The four summary rows, computed as docker/cli's disk-usage formatter does. */
export function diskUsageRows(du: EngineDiskUsage): DiskUsageRow[] {
  const images = du.Images ?? [];
  const layers = du.LayersSize ?? 0;
  // Layers only an image in use holds cannot be reclaimed; shared ones are counted once in LayersSize.
  const imagesInUse = images.filter((i) => i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1).reduce((sum, i) => sum + i.Size - i.SharedSize, 0);

  const containers = du.Containers ?? [];
  const containersSize = containers.reduce((sum, c) => sum + (c.SizeRw ?? 0), 0);
  const containersReclaimable = containers.filter((c) => !isActive(c.State)).reduce((sum, c) => sum + (c.SizeRw ?? 0), 0);

  const volumes = (du.Volumes ?? []).map((v) => v.UsageData ?? { Size: -1, RefCount: 0 });
  const measured = volumes.filter((v) => v.Size !== -1);
  const volumesSize = measured.reduce((sum, v) => sum + v.Size, 0);
  const volumesReclaimable = measured.filter((v) => v.RefCount === 0).reduce((sum, v) => sum + v.Size, 0);

  const cache = du.BuildCache ?? [];
  const cacheSize = cache.filter((c) => !c.Shared).reduce((sum, c) => sum + c.Size, 0);
  const cacheInUse = cache.filter((c) => c.InUse && !c.Shared).reduce((sum, c) => sum + c.Size, 0);

  return [
    row('Images', images.length, images.filter((i) => i.Containers > 0).length, layers, reclaimableSize(layers - imagesInUse, layers)),
    row('Containers', containers.length, containers.filter((c) => isActive(c.State)).length, containersSize, reclaimableSize(containersReclaimable, containersSize)),
    row('Local Volumes', volumes.length, volumes.filter((v) => v.RefCount > 0).length, volumesSize, reclaimableSize(volumesReclaimable, volumesSize)),
    // The CLI shows no percentage for the build cache.
    row('Build Cache', cache.length, cache.filter((c) => c.InUse).length, cacheSize, humanSize(cacheSize - cacheInUse, 4)),
  ];
}

export const systemDf = defineCommand({
  name: 'system df',
  summary: 'Show docker disk usage',
  options: [],
  access: 'read',
  async run(ctx) {
    const rows = diskUsageRows((await ctx.services.docker.engine.df()) as EngineDiskUsage);
    return {
      ok: true,
      data: rows,
      reply: reply([table(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], rows.map((r) => [r.Type, r.TotalCount, r.Active, r.Size, r.Reclaimable]))], {
        title: 'disk usage',
      }),
    };
  },
});
