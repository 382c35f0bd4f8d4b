// What removing images touches: the containers that use each image, and the disk space that
// deleting them frees. Shared by `image rm` and `image prune` for their previews.
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import { UserError } from '../core/errors.js';
import { engineMessage } from './errors.js';
import { containerName } from './format.js';

export interface ContainerUse {
  id: string;
  name: string;
  /** created, running, paused, restarting, exited, dead. */
  state: string;
}

/** Containers that keep an image from being removed without force (running ones even with it). */
export const isActive = (c: ContainerUse): boolean => ['running', 'paused', 'restarting'].includes(c.state);

/** Every container of the engine, grouped by the ID of the image it was created from. */
export async function containersByImage(engine: Dockerode): Promise<Map<string, ContainerUse[]>> {
  const byImage = new Map<string, ContainerUse[]>();
  for (const c of await engine.listContainers({ all: true })) {
    const use: ContainerUse = {
      id: c.Id,
      name: containerName(c),
      state: c.State,
    };
    const list = byImage.get(c.ImageID) ?? [];
    list.push(use);
    byImage.set(c.ImageID, list);
  }
  return byImage;
}

interface HistoryEntry {
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment?: string;
}

/**
 * Which images hold which layers, and how big each layer is, from every image's history (a
 * history entry with a size is a layer, sized as the engine counts it on disk). A layer is
 * keyed by the history up to it: images built on the same base share those entries exactly,
 * whether they were pulled or built here.
 */
export class LayerOwnership {
  private constructor(private readonly layers: ReadonlyMap<string, { size: number; owners: Set<string> }>) {}

  /**
   * Reads the history of every image that holds layers of its own accord: tagged images and
   * those nothing is built on (an untagged parent's layers are a prefix of its children's).
   */
  static async of(engine: Dockerode, images: readonly Dockerode.ImageInfo[]): Promise<LayerOwnership> {
    const parents = new Set(images.map((i) => i.ParentId).filter(Boolean));
    const holders = images.filter((i) => realTags(i).length > 0 || realDigests(i).length > 0 || !parents.has(i.Id));
    const layers = new Map<string, { size: number; owners: Set<string> }>();
    await forEachLimited(holders, 8, async (image) => {
      let history: HistoryEntry[];
      try {
        history = (await engine.getImage(image.Id).history()) as HistoryEntry[];
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return; // removed meanwhile
        throw err;
      }
      let key = '';
      // The engine lists the newest entry first.
      for (const entry of [...history].reverse()) {
        key = createHash('sha256').update(key).update(JSON.stringify([entry.Created, entry.CreatedBy, entry.Size, entry.Comment ?? ''])).digest('hex');
        if (entry.Size <= 0) continue;
        const layer = layers.get(key) ?? { size: entry.Size, owners: new Set<string>() };
        layer.owners.add(image.Id);
        layers.set(key, layer);
      }
    });
    return new LayerOwnership(layers);
  }

  /** Bytes freed by deleting `removing`: layers that only those images hold, unless `keep` holds them. */
  freedBy(removing: ReadonlySet<string>, keep: ReadonlySet<string> = new Set()): number {
    let bytes = 0;
    for (const { size, owners } of this.layers.values()) {
      let freed = false;
      for (const owner of owners) {
        if (keep.has(owner) || !removing.has(owner)) {
          freed = false;
          break;
        }
        freed = true;
      }
      if (freed) bytes += size;
    }
    return bytes;
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Engines before API 1.43 list an untagged image with `<none>` placeholders instead of empty lists. */
export function realTags(image: { RepoTags?: string[] | null | undefined }): string[] {
  return (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
}

export function realDigests(image: { RepoDigests?: string[] | null | undefined }): string[] {
  return (image.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
}

/**
 * The image's inspect answer, or null when the engine has no such image. A reference the
 * grammar allows but this engine version cannot read (an IPv6 registry on older engines) is
 * said to be the engine's refusal, with its version, not a missing image.
 */
export async function inspectImageOrNull(engine: Dockerode, name: string): Promise<Dockerode.ImageInspectInfo | null> {
  try {
    return await engine.getImage(name).inspect();
  } catch (err) {
    // Refused before any call (a name no image can have): that is the user's, not the engine's.
    if (err instanceof UserError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404 && !refusesReference(err)) return null;
    if ((status === 400 || status === 404) && refusesReference(err)) throw await referenceRefused(engine, name, err);
    throw err;
  }
}

const refusesReference = (err: unknown): boolean => /invalid reference format/i.test(engineMessage(err as { message?: string }));

async function referenceRefused(engine: Dockerode, name: string, cause: unknown): Promise<UserError> {
  const version = await engine.version().then(
    (v) => `Docker ${v.Version}, API ${v.ApiVersion}`,
    () => 'version unknown',
  );
  return new UserError('invalid_reference', `the engine (${version}) refused the reference ${name}: it answered "invalid reference format", though the reference is valid by the reference grammar`, {
    hint: 'this engine version does not read this form of reference (e.g. an IPv6 registry address): write the registry another way, or use a newer engine',
    cause,
  });
}
