import type Dockerode from 'dockerode';
import { z } from 'zod';
import { defineCommand, type CommandContext, type PlanSchema } from '../src/core/command.js';
import { UserError, type SuggestedAction } from '../src/core/errors.js';
import { code, context, plural, reply, table, text, type Block, type Reply } from '../src/core/reply.js';
import { mapEngineError } from '../src/docker/errors.js';
import { humanSize, shortId } from '../src/docker/format.js';
import { containersByImage, inspectImageOrNull, isActive, LayerOwnership, realDigests, realTags, type ContainerUse } from '../src/docker/image-space.js';
import { classifyImageArgument, nameOnly, parseReference, withDefaultTag } from '../src/docker/reference.js';

/** What removing one named image will do, decided before anything changes. */
export interface ImageRemoval {
  /** The image as typed. */
  image: string;
  id: string;
  /**
   * What the removal names, pinned when the plan is made: the reference the argument matched
   * (as the engine lists it), or the full image ID. A confirmed removal acts on this, never on
   * the typed name looked up again.
   */
  target: string;
  tags: string[];
  sizeBytes: number;
  /** `untag`: the image stays (other tags, child images or running containers keep it). */
  effect: 'untag' | 'delete';
  /** References that go. */
  untags: string[];
  /** Why only references go, when the effect is `untag`. */
  keptBecause: string | null;
  containers: ContainerUse[];
  /** Space freed by deleting this image alone: its layers no other image or container uses. */
  freesBytes: number;
}

export interface RemovalPlan {
  images: ImageRemoval[];
  /** Space freed by the whole removal: layers that no image or container that stays uses. */
  reclaimableBytes: number;
}

/** What a confirmed removal needs of the stored plan (a RemovalPlan is one). */
interface StoredRemoval {
  images: Array<Pick<ImageRemoval, 'image' | 'id' | 'target' | 'effect' | 'untags' | 'freesBytes'>>;
  reclaimableBytes: number;
}

const storedRemoval: PlanSchema<StoredRemoval> = z.object({
  reclaimableBytes: z.number(),
  images: z.array(
    z.object({ image: z.string(), id: z.string(), target: z.string(), effect: z.enum(['untag', 'delete']), untags: z.array(z.string()), freesBytes: z.number() }).passthrough(),
  ),
});

export const imageRm = defineCommand<StoredRemoval>({
  name: 'image rm',
  aliases: ['rmi', 'image remove'],
  summary: 'Remove one or more images',
  options: [
    { name: 'force', short: 'f', type: 'boolean', description: 'Force removal of the image' },
    { name: 'no-prune', type: 'boolean', description: 'Do not delete untagged parents' },
  ],
  positionals: [{ name: 'image', description: 'Image name or ID', required: true, variadic: true, complete: 'image' }],
  access: 'operate',
  mutating: true,
  change: {
    async plan(ctx) {
      const plan = await planRemoval(ctx);
      const force = ctx.args.bool('force');
      return { data: plan, reply: planReply(plan, `Remove ${plural(plan.images.length, 'image')}?`, force), dryRunTitle: 'Dry run: nothing was removed' };
    },
    schema: storedRemoval,
    async apply(ctx, go) {
      // Confirm pressed: the images previewed, by their ID or the reference that was matched.
      const plan = go.by === 'preview' ? await stillAsPreviewed(ctx, go.plan) : await planRemoval(ctx);
      const engine = ctx.services.docker.engine;
      const removed: Array<{ image: string; id: string; untagged: string[]; deleted: string[] }> = [];
      for (const item of plan.images) {
        let answer: Dockerode.ImageRemoveInfo[];
        try {
          answer = (await engine.getImage(item.target).remove({ force: ctx.args.bool('force'), noprune: ctx.args.bool('no-prune') })) as Dockerode.ImageRemoveInfo[];
        } catch (err) {
          throw await partialFailure(err, item, removed, ctx);
        }
        removed.push({
          image: item.image,
          id: item.id,
          untagged: answer.filter((a) => a.Untagged).map((a) => a.Untagged),
          deleted: answer.filter((a) => a.Deleted).map((a) => a.Deleted),
        });
      }
      const lines = removed.flatMap((r) => [...r.untagged.map((u) => `Untagged: ${u}`), ...r.deleted.map((d) => `Deleted: ${d}`)]);
      const deletedCount = removed.filter((r) => r.deleted.includes(r.id)).length;
      const blocks: Block[] = [code(lines.join('\n') || '(nothing)')];
      if (plan.reclaimableBytes > 0) blocks.push(context(`freed about ${humanSize(plan.reclaimableBytes)}`));
      return {
        ok: true,
        data: { removed, deletedImages: deletedCount, reclaimableBytes: plan.reclaimableBytes },
        reply: reply(blocks, { title: `Removed ${plural(removed.length, 'image')} (${deletedCount} deleted, ${removed.length - deletedCount} untagged only)`, tone: 'ok' }),
      };
    },
  },
});

/**
 * Looks every argument up and works out, as the engine will, whether it untags or deletes.
 * Throws before anything changes: `not_found` for images that do not exist, `conflict` for
 * images that containers or child images keep (naming them, with the next step).
 */
export async function planRemoval(
  ctx: Pick<CommandContext, 'args' | 'services'>,
  options: {
    /** Look these up instead of the arguments (the pinned targets of a preview). */
    names?: readonly string[];
    /** Work out the space freed (reads every image's history); default true. */
    space?: boolean;
  } = {},
): Promise<RemovalPlan> {
  const engine = ctx.services.docker.engine;
  const force = ctx.args.bool('force');
  const names = [...new Set(options.names ?? ctx.args.positionals)];
  // Invalid references fail first, without asking the engine anything.
  const classified = names.map((name) => ({ name, argument: classifyImageArgument(name) }));

  const inspected = await Promise.all(classified.map(async (c) => ({ ...c, info: await inspectImageOrNull(engine, c.name) })));
  const missing = inspected.filter((i) => !i.info).map((i) => i.name);
  if (missing.length) {
    throw new UserError('not_found', `no such image: ${missing.join(', ')}; nothing was removed`, {
      hint: '`images` lists the images there are (names, tags and IDs)',
      data: { missing },
      actions: [{ label: 'List images', command: 'images' }],
    });
  }

  const [usage, all] = await Promise.all([containersByImage(engine), engine.listImages({ all: true })]);
  const withChildren = new Set(all.map((i) => i.ParentId).filter(Boolean));
  const images: ImageRemoval[] = [];
  const conflicts: Conflict[] = [];

  for (const { name, argument, info } of inspected) {
    const image = info as Dockerode.ImageInspectInfo;
    const tags = realTags(image);
    const digests = realDigests(image);
    const containers = usage.get(image.Id) ?? [];
    const active = containers.filter(isActive);
    const byReference = matchedReference(argument, name, tags, digests);
    const base = { image: name, id: image.Id, target: byReference ?? image.Id, tags, sizeBytes: image.Size, containers };

    if (byReference) {
      const remaining = remainingReferences(byReference, tags, digests);
      const untags = [byReference, ...(remaining.length ? [] : sameRepositoryDigests(byReference, digests))];
      if (remaining.length) {
        images.push({ ...base, effect: 'untag', untags, keptBecause: `still tagged ${remaining.join(', ')}`, freesBytes: 0 });
      } else if (containers.length && !force) {
        conflicts.push({ image: name, id: image.Id, containers, forceHelps: true });
      } else if (active.length) {
        images.push({ ...base, effect: 'untag', untags, keptBecause: `used by running container ${active.map((c) => c.name).join(', ')}`, freesBytes: 0 });
      } else if (withChildren.has(image.Id)) {
        images.push({ ...base, effect: 'untag', untags, keptBecause: 'child images are built on it', freesBytes: 0 });
      } else {
        images.push({ ...base, effect: 'delete', untags, keptBecause: null, freesBytes: 0 });
      }
      continue;
    }

    // By ID: every reference goes with the image.
    const references = [...tags, ...digests];
    if (active.length) {
      conflicts.push({ image: name, id: image.Id, containers: active, forceHelps: false });
    } else if (containers.length && !force) {
      conflicts.push({ image: name, id: image.Id, containers, forceHelps: true });
    } else if (withChildren.has(image.Id)) {
      throw new UserError('conflict', `unable to delete ${shortId(image.Id)}: child images are built on it`, {
        hint: 'remove the images built from it first (`images -a` shows them), or remove it by tag to untag it only',
        data: { image: name, id: image.Id },
      });
    } else if (!force && !isSingleReference(references)) {
      throw new UserError('conflict', `unable to delete ${shortId(image.Id)}: it is tagged in several repositories (${tags.join(', ')})`, {
        hint: 'remove it by tag, one at a time, or use -f to remove every tag and the image',
        data: { image: name, id: image.Id, tags },
        actions: [{ label: 'Remove all its tags (-f)', command: `rmi -f ${shortId(image.Id)}`, style: 'danger' }],
      });
    } else {
      images.push({ ...base, effect: 'delete', untags: references, keptBecause: null, freesBytes: 0 });
    }
  }

  if (conflicts.length) throw inUseError(conflicts);

  const deleting = new Set(images.filter((i) => i.effect === 'delete').map((i) => i.id));
  if (deleting.size === 0 || options.space === false) return { images, reclaimableBytes: 0 };
  // Containers keep the layers of their image even when -f deletes the image record.
  const ownership = await LayerOwnership.of(engine, all);
  const inUse = new Set(usage.keys());
  for (const item of images) if (item.effect === 'delete') item.freesBytes = ownership.freedBy(new Set([item.id]), inUse);
  return { images, reclaimableBytes: ownership.freedBy(deleting, inUse) };
}

/**
 * The previewed removal, checked against the engine now: each previewed ID or reference must
 * still be the same image, with the same effect and the same references going. Anything that
 * changed (a tag moved to another image, a new tag, a container using it) stops the whole
 * removal before anything changes; the preview's space figure stands (no histories read again).
 */
async function stillAsPreviewed(ctx: CommandContext, preview: StoredRemoval): Promise<RemovalPlan> {
  const current = await planRemoval(ctx, { names: preview.images.map((i) => i.target), space: false });
  const byTarget = new Map(current.images.map((i) => [i.image, i]));
  const changes: string[] = [];
  for (const shown of preview.images) {
    const now = byTarget.get(shown.target);
    if (!now) changes.push(`${shown.image}: no longer found as ${shown.target}`);
    else if (now.id !== shown.id) changes.push(`${shown.image}: ${shown.target} now names image ${shortId(now.id)}, not ${shortId(shown.id)}`);
    else if (now.effect !== shown.effect) changes.push(`${shown.image}: it would now ${now.effect === 'delete' ? 'be deleted' : `only be untagged (${now.keptBecause})`}, not ${shown.effect === 'delete' ? 'deleted' : 'untagged'}`);
    else if ([...now.untags].sort().join(' ') !== [...shown.untags].sort().join(' ')) changes.push(`${shown.image}: its references are now ${now.untags.join(', ') || 'none'}, not ${shown.untags.join(', ')}`);
  }
  if (changes.length) {
    throw new UserError('conflict', `the images changed since the preview; nothing was removed: ${changes.join('; ')}`, {
      hint: 'run the command again to see what it would remove now',
      data: { changes },
    });
  }
  const once = preview.images.filter((shown, index, all) => all.findIndex((other) => other.target === shown.target) === index);
  return { images: once.map((shown) => ({ ...shown, ...(byTarget.get(shown.target) as ImageRemoval), image: shown.image, freesBytes: shown.freesBytes })), reclaimableBytes: preview.reclaimableBytes };
}

const normalizedOrNull = (text: string): string | null => {
  try {
    return withDefaultTag(parseReference(text)).normalized;
  } catch {
    return null;
  }
};

/**
 * The reference (as the engine lists it) that the argument names, or null when the argument
 * names the image by ID. The engine tries a name before an ID prefix, and so does this.
 */
function matchedReference(argument: ReturnType<typeof classifyImageArgument>, typed: string, tags: string[], digests: string[]): string | null {
  if (argument.kind === 'id') return null;
  if (argument.kind === 'id-prefix' && !argument.reference) return null;
  const wanted = normalizedOrNull(typed);
  if (!wanted) return null;
  return [...tags, ...digests].find((ref) => normalizedOrNull(ref) === wanted) ?? null;
}

/** The references left after untagging `removed`; digests of its repository go along with its last tag there. */
function remainingReferences(removed: string, tags: string[], digests: string[]): string[] {
  const others = [...tags, ...digests].filter((r) => r !== removed);
  const repository = repositoryOf(removed);
  const otherTagsHere = tags.some((t) => t !== removed && repositoryOf(t) === repository);
  return others.filter((r) => otherTagsHere || !digests.includes(r) || repositoryOf(r) !== repository);
}

function sameRepositoryDigests(removed: string, digests: string[]): string[] {
  return digests.filter((d) => d !== removed && repositoryOf(d) === repositoryOf(removed));
}

function repositoryOf(ref: string): string | null {
  try {
    return nameOnly(parseReference(ref)).normalized;
  } catch {
    return null;
  }
}

/** The engine removes all references of an image given by ID only when they are one tag of one repository. */
function isSingleReference(references: string[]): boolean {
  const tagCount = references.filter((r) => !r.includes('@')).length;
  return tagCount <= 1 && new Set(references.map(repositoryOf)).size <= 1;
}

interface Conflict {
  image: string;
  id: string;
  containers: ContainerUse[];
  /** -f would go ahead (stopped containers only). */
  forceHelps: boolean;
}

function describeUse(containers: readonly ContainerUse[]): string {
  const active = containers.filter(isActive);
  const stopped = containers.filter((c) => !isActive(c));
  const parts: string[] = [];
  if (active.length) parts.push(`running container${active.length === 1 ? '' : 's'} ${active.map((c) => `${c.name} (${shortId(c.id)})`).join(', ')}`);
  if (stopped.length) parts.push(`stopped container${stopped.length === 1 ? '' : 's'} ${stopped.map((c) => `${c.name} (${shortId(c.id)})`).join(', ')}`);
  return parts.join(' and ');
}

/** `conflict` naming the containers that use the images, with buttons to stop or remove them. */
function inUseError(conflicts: readonly Conflict[]): UserError {
  const message = conflicts.map((c) => `image ${c.image} is being used by ${describeUse(c.containers)}`).join('; ');
  const containers = [...new Map(conflicts.flatMap((c) => c.containers).map((c) => [c.id, c])).values()];
  const actions: SuggestedAction[] = [];
  for (const c of containers.slice(0, 2)) {
    if (isActive(c)) actions.push({ label: `Stop ${c.name}`, command: `stop ${c.name}` });
    actions.push({ label: `Remove ${c.name}${isActive(c) ? ' (-f)' : ''}`, command: isActive(c) ? `rm -f ${c.name}` : `rm ${c.name}`, style: 'danger' });
  }
  const anyRunning = containers.some(isActive);
  return new UserError('conflict', `${message}; nothing was removed`, {
    hint: anyRunning
      ? 'stop and remove those containers first (-f does not remove an image a running container uses)'
      : 'remove those containers first, or use -f to remove the image anyway (the containers keep their files)',
    data: { images: conflicts.map((c) => ({ image: c.image, id: c.id, containers: c.containers })) },
    actions,
  });
}

/** An engine failure part-way: say what was already removed, then the failure. */
async function partialFailure(err: unknown, item: ImageRemoval, removed: ReadonlyArray<{ image: string }>, ctx: CommandContext): Promise<unknown> {
  let mapped = mapEngineError(err, ctx.services.docker.address);
  if (mapped?.code === 'conflict') {
    // Something started using the image since the plan was made: name it as the plan would.
    const containers = (await containersByImage(ctx.services.docker.engine)).get(item.id) ?? [];
    if (containers.length) mapped = inUseError([{ image: item.image, id: item.id, containers, forceHelps: !containers.some(isActive) }]);
  }
  if (!mapped) return err;
  if (removed.length === 0) return mapped;
  return new UserError(mapped.code, `${mapped.message} (already removed before this: ${removed.map((r) => r.image).join(', ')})`, {
    ...(mapped.hint ? { hint: mapped.hint } : {}),
    actions: mapped.actions,
    data: { removed, failed: item.image },
    cause: err,
  });
}

function planReply(plan: RemovalPlan, title: string, force: boolean): Reply {
  const rows = plan.images.map((i) => [
    i.image,
    shortId(i.id),
    humanSize(i.sizeBytes),
    i.effect === 'delete' ? 'delete image' : `untag only (${i.keptBecause})`,
    i.containers.length ? i.containers.map((c) => `${c.name} (${c.state})`).join(', ') : '-',
  ]);
  const blocks: Block[] = [table(['IMAGE', 'IMAGE ID', 'SIZE', 'EFFECT', 'USED BY'], rows)];
  const notes: string[] = [];
  const untagged = plan.images.flatMap((i) => i.untags);
  if (untagged.length) notes.push(`references removed: ${untagged.join(', ')}`);
  notes.push(plan.reclaimableBytes > 0 ? `frees ${humanSize(plan.reclaimableBytes)}` : 'frees no disk space: the layers stay in use by other images or containers');
  if (force) notes.push('-f: stopped containers using an image do not keep it');
  blocks.push(context(notes.join('\n')));
  if (plan.images.some((i) => i.effect === 'delete')) blocks.unshift(text('Images deleted here cannot be restored except by pulling or building them again.'));
  return reply(blocks, { title, tone: 'warn' });
}
