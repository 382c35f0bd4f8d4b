// What removing images touches: the containers that use each image, and the disk space the
// images hold on their own. Shared by `image rm` and `image prune` for their previews.
import type Dockerode from 'dockerode';

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
      name: (c.Names.find((n) => n.lastIndexOf('/') === 0) ?? c.Names[0] ?? c.Id).replace(/^\//, ''),
      state: c.State,
    };
    const list = byImage.get(c.ImageID) ?? [];
    list.push(use);
    byImage.set(c.ImageID, list);
  }
  return byImage;
}

interface DiskUsageImage {
  Id: string;
  Size: number;
  SharedSize: number;
}

/**
 * Bytes each image holds that no other image shares (`docker system df -v`'s UNIQUE SIZE).
 * Removing an image frees at least that much; layers it shares only with other removed images
 * are freed too but not counted, so a sum over several images is a lower bound.
 */
export async function uniqueSizes(engine: Dockerode): Promise<Map<string, number>> {
  const usage = (await engine.df()) as { Images?: DiskUsageImage[] | null };
  const sizes = new Map<string, number>();
  for (const image of usage.Images ?? []) sizes.set(image.Id, image.SharedSize >= 0 ? image.Size - image.SharedSize : image.Size);
  return sizes;
}

/** Engines before API 1.43 list an untagged image with `<none>` placeholders instead of empty lists. */
export function realTags(image: { RepoTags?: string[] | null | undefined }): string[] {
  return (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
}

export function realDigests(image: { RepoDigests?: string[] | null | undefined }): string[] {
  return (image.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
}

/** The image's inspect answer, or null when the engine has no such image. */
export async function inspectImageOrNull(engine: Dockerode, name: string): Promise<Dockerode.ImageInspectInfo | null> {
  try {
    return await engine.getImage(name).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}
