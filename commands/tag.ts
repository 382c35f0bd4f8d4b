import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { context, fields, reply } from '../src/core/reply.js';
import { shortId } from '../src/docker/format.js';
import { inspectImageOrNull } from '../src/docker/image-space.js';
import { classifyImageArgument, parseReference, withDefaultTag } from '../src/docker/reference.js';

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
    classifyImageArgument(source);
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
    const previous = await inspectImageOrNull(engine, target.normalized);
    const replaces = previous && previous.Id !== sourceImage.Id ? previous.Id : null;
    const already = previous?.Id === sourceImage.Id;
    const summary = { source, sourceId: sourceImage.Id, target: target.normalized, replacesImageId: replaces };
    const facts = fields([
      ['Source', `${source} (${shortId(sourceImage.Id)})`],
      ['Target', target.familiar],
      ...(replaces ? ([['Moves the tag from', shortId(replaces)]] as Array<[string, string]>) : []),
    ]);

    if (ctx.dryRun) {
      return { ok: true, data: { plan: { action: already ? 'none' : 'tag', ...summary } }, reply: reply([facts], { title: 'Dry run: nothing was tagged', tone: 'info' }) };
    }
    if (!already) await engine.getImage(source).tag({ repo: target.name, tag: target.tag as string });
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

