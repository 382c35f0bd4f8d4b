import type Dockerode from 'dockerode';
import { defineCommand, dryRun } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, fields, reply } from '../src/core/reply.js';
import { isRegistryAllowed } from '../src/core/run-policy.js';
import { shortId } from '../src/docker/format.js';
import { inspectImageOrNull, realTags } from '../src/docker/image-space.js';
import { classifyImageArgument, parseReference, withDefaultTag, type ImageArgument, type ImageReference } from '../src/docker/reference.js';

export const tag = defineCommand({
  name: 'tag',
  aliases: ['image tag'],
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  options: [],
  positionals: [
    { name: 'source_image', description: 'SOURCE_IMAGE[:TAG] (name or ID)', required: true, complete: 'image' },
    { name: 'target_image', description: 'TARGET_IMAGE[:TAG]', required: true },
  ],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const source = ctx.args.positional(0) ?? '';
    const targetText = ctx.args.positional(1) ?? '';
    const argument = classifyImageArgument(source);
    const registries = ctx.services.config.policy.registries;
    // A name is checked before the engine is asked anything.
    if (argument.kind === 'reference') checkSourceRegistry(argument.reference, registries);
    const parsed = parseReference(targetText);
    if (parsed.digest !== undefined) {
      throw new UserError('invalid_reference', `refusing to create a tag with a digest reference ("${targetText}")`, {
        hint: 'a target is NAME[:TAG]; drop the @digest part',
      });
    }
    const target = withDefaultTag(parsed);
    const engine = ctx.services.docker.engine;

    const sourceImage = await inspectImageOrNull(engine, source);
    if (!sourceImage) {
      throw new UserError('not_found', `no such image: ${source}`, {
        hint: '`images` lists the images there are; `pull` fetches one from a registry',
        actions: [{ label: 'List images', command: 'images' }],
      });
    }
    if (argument.kind !== 'reference' && registries.length) checkSourceById(argument, sourceImage, registries);
    const previous = await inspectImageOrNull(engine, target.normalized);
    const replaces = previous && previous.Id !== sourceImage.Id ? previous.Id : null;
    const already = previous?.Id === sourceImage.Id;
    const summary = { source, sourceId: sourceImage.Id, target: target.normalized, replacesImageId: replaces };
    const facts = fields([
      ['Source', `${source} (${shortId(sourceImage.Id)})`],
      ['Target', target.familiar],
      ...(replaces ? ([['Moves the tag from', shortId(replaces)]] as Array<[string, string]>) : []),
    ]);

    if (dryRun(ctx)) {
      return { ok: true, data: { plan: { action: already ? 'none' : 'tag', ...summary } }, reply: reply([facts], { title: 'Dry run: nothing was tagged', tone: 'info' }) };
    }
    // The image inspected (and checked) above, by ID: not the name looked up again.
    if (!already) await engine.getImage(sourceImage.Id).tag({ repo: target.name, tag: target.tag as string });
    return {
      ok: true,
      data: { ...summary, changed: !already },
      reply: reply([facts, ...(replaces ? [context(`the tag used to name ${shortId(replaces)}; that image keeps its other tags, if any`)] : [])], {
        title: already ? `${target.familiar} already names that image` : `Tagged ${target.familiar}`,
        tone: 'ok',
      }),
    };
  },
});

/**
 * `policy.registries` says where images may come from, and `run` checks the name it is given.
 * A tag would let any local image pass for one of an allowed registry, so with an allowlist the
 * source must itself be named from an allowed registry.
 */
function checkSourceRegistry(source: ImageReference, registries: readonly string[]): void {
  if (isRegistryAllowed(source.domain, registries)) return;
  throw new UserError(
    'forbidden',
    `policy.registries: images must come from an allowed registry (${registries.join(', ')}); the source ${source.familiar} is from ${source.domain}, and a new tag would not change where it came from`,
    { hint: 'an admin can add the registry to policy.registries in dockbot.yaml', data: { rules: ['registries'] } },
  );
}

/**
 * A source given by ID (or a hex prefix the engine read as one) says nothing about its registry:
 * refused under an allowlist, as `run` refuses an image ID. A hex argument that is a name of the
 * image is checked as that name.
 */
function checkSourceById(argument: Exclude<ImageArgument, { kind: 'reference' }>, image: Dockerode.ImageInspectInfo, registries: readonly string[]): void {
  const names = realTags(image).map(referenceOrNull).filter((r): r is ImageReference => r !== null);
  if (argument.kind === 'id-prefix' && argument.reference) {
    const wanted = withDefaultTag(argument.reference).normalized;
    if (names.some((n) => n.normalized === wanted)) return checkSourceRegistry(argument.reference, registries);
  }
  const allowed = names.filter((n) => isRegistryAllowed(n.domain, registries)).map((n) => n.familiar);
  throw new UserError(
    'forbidden',
    `policy.registries: an image ID cannot be checked against the registry allowlist (${registries.join(', ')}); name the source by repository`,
    {
      hint: allowed.length ? `it is named ${allowed.join(', ')}: use that name as the source` : 'none of its names is from an allowed registry',
      data: { rules: ['registries'] },
    },
  );
}

function referenceOrNull(text: string): ImageReference | null {
  try {
    return withDefaultTag(parseReference(text));
  } catch {
    return null;
  }
}
