import type Dockerode from 'dockerode';
import { defineCommand } from '../src/core/command.js';
import { plural, reply, table, text } from '../src/core/reply.js';
import { parseFilters } from '../src/docker/filters.js';
import { ago, goTime, humanSize, shortId } from '../src/docker/format.js';
import { parseReference } from '../src/docker/reference.js';

/** The filters of `docker images` the Engine understands. */
const FILTERS = ['dangling', 'reference', 'label', 'before', 'since'];

const NONE = '<none>';

/** Go's zero time.Time in Unix seconds: the CLI leaves CREATED empty for it. */
const GO_ZERO_TIME = -62135596800;

/** One row, with the field names and values of `docker images --format '{{json .}}'`. */
export interface ImageRow {
  Containers: string;
  CreatedAt: string;
  CreatedSince: string;
  Digest: string;
  ID: string;
  Repository: string;
  SharedSize: string;
  Size: string;
  Tag: string;
  UniqueSize: string;
  VirtualSize: string;
}

export interface ImageRowOptions {
  trunc: boolean;
  /** `--digests`: one row per digest of each tag, and digest-only references show theirs. */
  digests: boolean;
  now?: number;
}

/** Engines before API 1.43 mark untagged images with these placeholders instead of empty lists. */
function isDangling(image: Dockerode.ImageInfo): boolean {
  const tags = image.RepoTags ?? [];
  const digests = image.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

/** Groups references by familiar repository name, in the order the engine lists them. */
function byRepository(references: readonly string[] | undefined, part: 'tag' | 'digest'): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const raw of references ?? []) {
    let value: string | undefined;
    let repository: string;
    try {
      const reference = parseReference(raw);
      value = part === 'tag' ? reference.tag : reference.digest;
      repository = reference.familiarName;
    } catch {
      // The CLI skips references it cannot parse (the `<none>` placeholders among them).
      continue;
    }
    if (value === undefined) continue;
    const values = grouped.get(repository) ?? [];
    values.push(value);
    grouped.set(repository, values);
  }
  return grouped;
}

/** The rows the CLI prints for one image: one per tag (per tag and digest with --digests). */
export function imageRows(image: Dockerode.ImageInfo, options: ImageRowOptions): ImageRow[] {
  const row = (repository: string, tag: string, digest: string): ImageRow => imageRow(image, repository, tag, digest, options);
  if (isDangling(image)) return [row(NONE, NONE, NONE)];

  const tags = byRepository(image.RepoTags, 'tag');
  const digests = byRepository(image.RepoDigests, 'digest');
  const rows: ImageRow[] = [];
  for (const [repository, repositoryTags] of tags) {
    const repositoryDigests = options.digests ? (digests.get(repository) ?? []) : [];
    // A repository with tags shows its digests on the tag rows, never on rows of their own.
    digests.delete(repository);
    for (const tag of repositoryTags) {
      if (repositoryDigests.length === 0) rows.push(row(repository, tag, NONE));
      for (const digest of repositoryDigests) rows.push(row(repository, tag, digest));
    }
  }
  for (const [repository, repositoryDigests] of digests) {
    if (options.digests) for (const digest of repositoryDigests) rows.push(row(repository, NONE, digest));
    else rows.push(row(repository, NONE, ''));
  }
  return rows;
}

function imageRow(image: Dockerode.ImageInfo, repository: string, tag: string, digest: string, options: ImageRowOptions): ImageRow {
  // -1 means "not computed": only `system df` asks the engine for these.
  const containers = image.Containers ?? -1;
  const shared = image.SharedSize ?? -1;
  return {
    Containers: containers === -1 ? 'N/A' : String(containers),
    CreatedAt: goTime(image.Created),
    CreatedSince: image.Created === GO_ZERO_TIME ? '' : ago(image.Created, options.now),
    Digest: digest,
    ID: options.trunc ? shortId(image.Id) : image.Id,
    Repository: repository,
    SharedSize: shared === -1 ? 'N/A' : humanSize(shared, 4),
    Size: humanSize(image.Size),
    Tag: tag,
    UniqueSize: image.Size === -1 || shared === -1 ? 'N/A' : humanSize(image.Size - shared, 4),
    VirtualSize: humanSize(image.Size, 4),
  };
}

export const images = defineCommand({
  name: 'images',
  aliases: ['image ls', 'image list'],
  summary: 'List images',
  options: [
    { name: 'all', short: 'a', type: 'boolean', description: 'Show all images (default hides intermediate images)' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Only show image IDs' },
    { name: 'no-trunc', type: 'boolean', description: "Don't truncate output" },
    { name: 'digests', type: 'boolean', description: 'Show digests' },
    { name: 'filter', short: 'f', type: 'string', multiple: true, placeholder: 'filter', description: `Filter output based on conditions (${FILTERS.join('=, ')}=)` },
  ],
  positionals: [{ name: 'repository', description: 'Only images of this REPOSITORY[:TAG]', complete: 'image' }],
  access: 'read',
  async run(ctx) {
    const { args } = ctx;
    const filters = parseFilters(args.strings('filter'), FILTERS);
    const repository = args.positional(0);
    if (repository) (filters.reference ??= []).push(repository);
    const list = await ctx.services.docker.engine.listImages({
      all: args.bool('all'),
      ...(Object.keys(filters).length ? { filters: JSON.stringify(filters) } : {}),
    });
    const withDigests = args.bool('digests');
    const now = Date.now();
    const rows = list.flatMap((image) => imageRows(image, { trunc: !args.bool('no-trunc'), digests: withDigests, now }));

    if (args.bool('quiet')) {
      const ids = rows.map((r) => r.ID);
      return { ok: true, data: ids, reply: reply([{ type: 'code', text: ids.join('\n') || '(none)' }]) };
    }
    const columns = ['REPOSITORY', 'TAG', ...(withDigests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
    const cells = rows.map((r) => [r.Repository, r.Tag, ...(withDigests ? [r.Digest] : []), r.ID, r.CreatedSince || 'N/A', r.Size]);
    const count = new Set(list.map((image) => image.Id)).size;
    const filtered = Object.keys(filters).length > 0;
    return {
      ok: true,
      data: rows,
      reply: reply(rows.length === 0 ? [text(filtered ? 'No images match.' : 'No images.')] : [table(columns, cells)], {
        // One row per tag, as the Docker CLI lists them: the title counts rows, and images when fewer.
        title: rows.length === count ? plural(count, 'image') : `${plural(rows.length, 'row')}: ${plural(count, 'image')}, one row per tag`,
      }),
    };
  },
});
