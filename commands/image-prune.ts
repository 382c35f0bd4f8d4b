import type Dockerode from 'dockerode';
import { z } from 'zod';
import { defineCommand, type CommandContext, type PlanSchema } from '../src/core/command.js';
import { code, context, plural, reply, table, text, type Block, type Reply } from '../src/core/reply.js';
import { statusCode } from '../src/docker/errors.js';
import { parsePruneFilters, pruneFilter, type EngineFilters } from '../src/docker/filters.js';
import { ago, humanSize, shortId } from '../src/docker/format.js';
import { explainEngineError } from '../src/docker/hints.js';
import { containersByImage, LayerOwnership, realDigests, realTags, type ContainerUse } from '../src/docker/image-space.js';

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

/** A previewed image a confirmed prune left alone, and why. */
export interface SkippedImage {
  id: string;
  reason: string;
}

/** What a confirmed prune needs of the stored plan (a PrunePlan is one). */
interface StoredPrunePlan {
  all: boolean;
  filters: EngineFilters;
  images: Array<Pick<PrunedImage, 'id' | 'tags' | 'digests' | 'effect'>>;
  reclaimableBytes: number;
}

const storedPlan: PlanSchema<StoredPrunePlan> = z.object({
  all: z.boolean(),
  filters: z.record(z.array(z.string())),
  reclaimableBytes: z.number(),
  images: z.array(z.object({ id: z.string(), tags: z.array(z.string()), digests: z.array(z.string()), effect: z.enum(['delete', 'untag']) }).passthrough()),
});

export const imagePrune = defineCommand<StoredPrunePlan>({
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
  change: {
    confirmFlag: 'force',
    async plan(ctx) {
      const plan = await engineCall(ctx, () => planPrune(ctx));
      const title = `Remove ${plural(plan.images.length, plan.all ? 'unused image' : 'dangling image')}?`;
      return { data: plan, reply: planReply(plan, title), empty: plan.images.length === 0, dryRunTitle: 'Dry run: nothing was removed' };
    },
    schema: storedPlan,
    async apply(ctx, go) {
      // An empty plan skipped the confirmation: whatever became prunable since was never shown, and it stays.
      if (go.by === 'empty') return nothingToPrune(ctx);
      // Confirm pressed: exactly the images that were shown, those that still qualify.
      if (go.by === 'preview') return prunePreviewed(ctx, go.plan);
      // `--yes`, or `-f` in a terminal: Docker's own semantics, the engine's prune.
      return pruneByEngine(ctx);
    },
  },
});

async function nothingToPrune(ctx: CommandContext) {
  const all = ctx.args.bool('all');
  const filters = parsePruneFilters(ctx.args.strings('filter'));
  const selection = await engineCall(ctx, () => selectPrunable(ctx.services.docker.engine, all, filters));
  const plan: PrunePlan = { all, filters, images: [], reclaimableBytes: 0, keptInUse: selection.keptInUse };
  const shown = planReply(plan, 'Nothing to prune');
  if (selection.planned.length) {
    shown.blocks.push(context(`${plural(selection.planned.length, 'image')} became prunable after the check and stay${selection.planned.length === 1 ? 's' : ''}; run the prune again to see ${selection.planned.length === 1 ? 'it' : 'them'}`));
  }
  return { ok: true, data: { deleted: [] as string[], untagged: [] as string[], reclaimedBytes: 0 }, reply: shown };
}

async function pruneByEngine(ctx: CommandContext) {
  const all = ctx.args.bool('all');
  const filters = parsePruneFilters(ctx.args.strings('filter'));
  const answer = await engineCall(ctx, () => ctx.services.docker.engine.pruneImages({ filters: JSON.stringify({ ...filters, dangling: [String(!all)] }) }));
  const items = answer.ImagesDeleted ?? [];
  return pruneResult(
    items.filter((i) => i.Untagged).map((i) => i.Untagged),
    items.filter((i) => i.Deleted).map((i) => i.Deleted),
    answer.SpaceReclaimed ?? 0,
    [],
  );
}

/**
 * Removes the previewed images that still qualify, one by one as the engine's prune does
 * (each previewed reference, or the ID of an image that has none), and nothing else: an image
 * that became prunable since the preview stays, and so does a previewed one that changed.
 */
async function prunePreviewed(ctx: CommandContext, preview: StoredPrunePlan) {
  const host = ctx.services.docker;
  const selection = await engineCall(ctx, () => selectPrunable(host.engine, preview.all, preview.filters));
  const now = new Map(selection.planned.map((i) => [i.id, i]));
  const skipped: SkippedImage[] = [];
  const work: Array<{ image: PrunedImage; targets: string[] }> = [];
  for (const shown of preview.images) {
    const current = now.get(shown.id);
    if (!current) {
      skipped.push({ id: shown.id, reason: `it is no longer ${preview.all ? 'unused' : 'dangling'} (tagged, used by a container, or gone) or no longer matches the filters` });
      continue;
    }
    const references = [...current.tags, ...current.digests];
    const previewed = new Set([...shown.tags, ...shown.digests]);
    // Only references that were shown go; an image with none left goes by its ID.
    const targets = references.length === 0 ? [current.id] : references.filter((r) => previewed.has(r));
    if (targets.length === 0) {
      skipped.push({ id: shown.id, reason: `it has names the preview did not show (${references.join(', ')})` });
      continue;
    }
    work.push({ image: current, targets });
  }

  // The preview's figure holds when exactly the images it planned to delete still go; otherwise
  // work it out again for what is left (this reads image histories, so only when needed).
  const planned = (list: Iterable<Pick<PrunedImage, 'id' | 'effect'>>): string => [...list].filter((i) => i.effect === 'delete').map((i) => i.id).sort().join(' ');
  const keep = new Set(selection.usage.keys());
  const ownership = planned(work.map((w) => w.image)) === planned(preview.images) ? undefined : await engineCall(ctx, () => LayerOwnership.of(host.engine, selection.images));

  const untagged: string[] = [];
  const deleted: string[] = [];
  const removedIds = new Set<string>();
  let interrupted = false;
  for (const { image, targets } of work) {
    for (const target of targets) {
      let answer: Dockerode.ImageRemoveInfo[];
      try {
        answer = (await host.engine.getImage(target).remove({})) as Dockerode.ImageRemoveInfo[];
      } catch (err) {
        const status = statusCode(err);
        if (status === 404 || status === 409) {
          // As the engine's prune does: an image that went or got used meanwhile is left alone.
          const explained = await explainEngineError(err, host.engine, host.address);
          skipped.push({ id: image.id, reason: status === 404 ? 'it was removed meanwhile' : (explained?.message ?? 'the engine refused to remove it') });
          interrupted = true;
          break;
        }
        throw (await explainEngineError(err, host.engine, host.address)) ?? err;
      }
      for (const item of answer) {
        if (item.Untagged) untagged.push(item.Untagged);
        if (item.Deleted) deleted.push(item.Deleted);
      }
    }
    if (deleted.includes(image.id)) removedIds.add(image.id);
  }

  let reclaimed: number | null;
  if (!interrupted && ownership === undefined) reclaimed = preview.reclaimableBytes;
  else if (ownership) reclaimed = ownership.freedBy(removedIds, keep);
  else reclaimed = null; // a removal failed after the histories were read: not worth reading them again
  return pruneResult(untagged, deleted, reclaimed, skipped);
}

function pruneResult(untagged: string[], deleted: string[], reclaimedBytes: number | null, skipped: SkippedImage[]) {
  const lines = [...untagged.map((u) => `untagged: ${u}`), ...deleted.map((d) => `deleted: ${d}`)];
  const blocks: Block[] = lines.length ? [text('Deleted Images:'), code(lines.join('\n'))] : [text('No images were removed.')];
  if (skipped.length) {
    blocks.push(text(`Kept ${plural(skipped.length, 'previewed image')}:`), code(skipped.map((s) => `${shortId(s.id)}: ${s.reason}`).join('\n')));
  }
  blocks.push(context(reclaimedBytes === null ? 'Total reclaimed space: not known (a removal was refused part-way)' : `Total reclaimed space: ${humanSize(reclaimedBytes)}`));
  return {
    ok: true,
    data: { deleted, untagged, reclaimedBytes, ...(skipped.length ? { skipped } : {}) },
    reply: reply(blocks, { title: `Pruned images: ${deleted.length} deleted, ${untagged.length} untagged`, tone: 'ok' as const }),
  };
}

/** Engine failures told the way container prune tells them. */
async function engineCall<T>(ctx: Pick<CommandContext, 'services'>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const host = ctx.services.docker;
    throw (await explainEngineError(err, host.engine, host.address)) ?? err;
  }
}

interface Selection {
  /** Every image of the engine (`images -a`). */
  images: Dockerode.ImageInfo[];
  usage: Map<string, ContainerUse[]>;
  /** What the prune takes, newest first; without the space (no histories are read). */
  planned: PrunedImage[];
  keptInUse: number;
}

/**
 * Exactly the images the engine's prune takes, worked out the way it decides: without -a the
 * untagged images nothing is built on; with -a every image that is tagged or has no children.
 * Either way images that a container (in any state) uses stay, and the filters apply.
 */
async function selectPrunable(engine: Dockerode, all: boolean, filters: EngineFilters): Promise<Selection> {
  const passesFilters = pruneFilter(filters);
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
  return { images, usage, planned, keptInUse: matching.length - removed.length };
}

/** The prune's plan: what it takes (selectPrunable) and the space that frees. */
export async function planPrune(ctx: Pick<CommandContext, 'args' | 'services'>): Promise<PrunePlan> {
  const all = ctx.args.bool('all');
  const filters = parsePruneFilters(ctx.args.strings('filter'));
  const engine = ctx.services.docker.engine;
  const { images, usage, planned, keptInUse } = await selectPrunable(engine, all, filters);
  const deleting = new Set(planned.filter((i) => i.effect === 'delete').map((i) => i.id));
  const reclaimableBytes = deleting.size ? (await LayerOwnership.of(engine, images)).freedBy(deleting, new Set(usage.keys())) : 0;
  return { all, filters, images: planned, reclaimableBytes, keptInUse };
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
