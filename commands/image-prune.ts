import { defineCommand, type CommandContext } from '../src/core/command.js';
import { code, context, plural, reply, table, text, type Block, type Reply } from '../src/core/reply.js';
import { parsePruneFilters, pruneFilter, type EngineFilters } from '../src/docker/filters.js';
import { ago, humanSize, shortId } from '../src/docker/format.js';
import { containersByImage, LayerOwnership, realDigests, realTags } from '../src/docker/image-space.js';

/** One image the prune removes. */
export interface PrunedImage {
  id: string;
  tags: string[];
  digests: string[];
  created: number;
  sizeBytes: number;
  /** `untag`: with -a, a tagged image that child images which stay are built on keeps its data. */
  effect: 'delete' | 'untag';
}

export interface PrunePlan {
  all: boolean;
  filters: EngineFilters;
  images: PrunedImage[];
  /** Space freed: layers that no image or container that stays uses (the engine reports the same after). */
  reclaimableBytes: number;
  /** Images that match but stay because containers (running or not) use them. */
  keptInUse: number;
}

export const imagePrune = defineCommand({
  name: 'image prune',
  summary: 'Remove unused images',
  options: [
    { name: 'all', short: 'a', type: 'boolean', description: 'Remove all unused images, not just dangling ones' },
    { name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt for confirmation' },
    { name: 'filter', type: 'string', multiple: true, placeholder: 'filter', description: 'Provide filter values (e.g. "until=<timestamp>", "label=<key>=<value>")' },
  ],
  access: 'operate',
  // Removing every unused image, not just leftovers, is for admins.
  accessFor: (args) => (args.bool('all') ? 'admin' : 'operate'),
  mutating: true,
  confirm: {
    confirmFlag: 'force',
    async preview(ctx) {
      const plan = await planPrune(ctx);
      return { reply: planReply(plan, `Remove ${plural(plan.images.length, plan.all ? 'unused image' : 'dangling image')}?`), data: plan, empty: plan.images.length === 0 };
    },
  },
  async run(ctx) {
    const plan = await planPrune(ctx);
    if (ctx.dryRun) return { ok: true, data: { plan }, reply: planReply(plan, 'Dry run: nothing was removed') };
    const confirmed = ctx.request.confirmed || ctx.args.bool('force');
    if (plan.images.length === 0 && !confirmed) {
      // The dispatcher skipped the confirmation because there was nothing to show; keep it that way.
      return { ok: true, data: { deleted: [], untagged: [], reclaimedBytes: 0 }, reply: planReply(plan, 'Nothing to prune') };
    }

    const answer = await ctx.services.docker.engine.pruneImages({ filters: JSON.stringify({ ...plan.filters, dangling: [String(!plan.all)] }) });
    const items = answer.ImagesDeleted ?? [];
    const untagged = items.filter((i) => i.Untagged).map((i) => i.Untagged);
    const deleted = items.filter((i) => i.Deleted).map((i) => i.Deleted);
    const reclaimed = answer.SpaceReclaimed ?? 0;
    const lines = [...untagged.map((u) => `untagged: ${u}`), ...deleted.map((d) => `deleted: ${d}`)];
    const blocks: Block[] = lines.length ? [text('Deleted Images:'), code(lines.join('\n'))] : [text('No images were removed.')];
    blocks.push(context(`Total reclaimed space: ${humanSize(reclaimed)}`));
    return {
      ok: true,
      data: { deleted, untagged, reclaimedBytes: reclaimed },
      reply: reply(blocks, { title: `Pruned images: ${deleted.length} deleted, ${untagged.length} untagged`, tone: 'ok' }),
    };
  },
});

/**
 * Exactly the images the engine's prune takes, worked out the way it decides: without -a the
 * untagged images nothing is built on; with -a every image that is tagged or has no children.
 * Either way images that a container (in any state) uses stay, and the filters apply.
 */
export async function planPrune(ctx: Pick<CommandContext, 'args' | 'services'>): Promise<PrunePlan> {
  const all = ctx.args.bool('all');
  const filters = parsePruneFilters(ctx.args.strings('filter'));
  const passesFilters = pruneFilter(filters);
  const engine = ctx.services.docker.engine;
  const [images, usage] = await Promise.all([engine.listImages({ all: true }), containersByImage(engine)]);

  const children = new Map<string, string[]>();
  for (const image of images) {
    if (image.ParentId) children.set(image.ParentId, [...(children.get(image.ParentId) ?? []), image.Id]);
  }
  const hasChildren = (id: string): boolean => (children.get(id)?.length ?? 0) > 0;

  const matching = images.filter((image) => {
    const tags = realTags(image);
    const referenced = tags.length > 0 || realDigests(image).length > 0;
    if (all ? referenced === false && hasChildren(image.Id) : tags.length > 0 || hasChildren(image.Id)) return false;
    return passesFilters(image);
  });
  const removed = matching.filter((image) => !usage.has(image.Id));
  const removedIds = new Set(removed.map((i) => i.Id));
  // A parent goes with its children only when every image built on it goes too.
  const allDescendantsGo = (id: string): boolean => (children.get(id) ?? []).every((child) => removedIds.has(child) && allDescendantsGo(child));

  const planned: PrunedImage[] = removed
    .map((image) => ({
      id: image.Id,
      tags: realTags(image),
      digests: realDigests(image),
      created: image.Created,
      sizeBytes: image.Size,
      effect: hasChildren(image.Id) && !allDescendantsGo(image.Id) ? ('untag' as const) : ('delete' as const),
    }))
    .sort((a, b) => b.created - a.created || a.id.localeCompare(b.id));
  const deleting = new Set(planned.filter((i) => i.effect === 'delete').map((i) => i.id));
  const reclaimableBytes = deleting.size ? (await LayerOwnership.of(engine, images)).freedBy(deleting, new Set(usage.keys())) : 0;
  return { all, filters, images: planned, reclaimableBytes, keptInUse: matching.length - removed.length };
}

function planReply(plan: PrunePlan, title: string): Reply {
  const blocks: Block[] = [];
  if (plan.images.length === 0) {
    blocks.push(text(plan.all ? 'No unused images match.' : 'No dangling images match.'));
  } else {
    const rows = plan.images.map((i) => [
      i.tags.length ? i.tags.join(', ') : i.digests.length ? i.digests.join(', ') : '<none>:<none>',
      shortId(i.id),
      ago(i.created),
      humanSize(i.sizeBytes),
      i.effect === 'delete' ? 'delete' : 'untag (child images keep it)',
    ]);
    blocks.push(table(['IMAGE', 'IMAGE ID', 'CREATED', 'SIZE', 'EFFECT'], rows));
  }
  const notes = [`reclaims ${humanSize(plan.reclaimableBytes)}`];
  if (plan.keptInUse) notes.push(`${plural(plan.keptInUse, 'matching image')} stay${plan.keptInUse === 1 ? 's' : ''}: containers use ${plan.keptInUse === 1 ? 'it' : 'them'}`);
  if (!plan.all) notes.push('dangling images only; -a removes every unused image (admin)');
  blocks.push(context(notes.join('\n')));
  return reply(blocks, { title, tone: plan.images.length ? 'warn' : 'info' });
}
