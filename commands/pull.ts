import { defineCommand, dryRun } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { isRegistryAllowed } from '../src/core/run-policy.js';
import { code, fields, reply } from '../src/core/reply.js';
import { shortId } from '../src/docker/format.js';
import { inspectImageOrNull } from '../src/docker/image-space.js';
import { engineTarget, pulledReply, pullImage } from '../src/docker/pull.js';
import { parseReference, type ImageReference } from '../src/docker/reference.js';
import type { RunPolicyConfig } from '../src/config.js';

export const pull = defineCommand({
  name: 'pull',
  aliases: ['image pull'],
  summary: 'Download an image from a registry',
  options: [
    { name: 'all-tags', short: 'a', type: 'boolean', description: 'Download all tagged images in the repository' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'Suppress verbose output' },
    { name: 'platform', type: 'string', placeholder: 'string', description: 'Set platform if server is multi-platform capable' },
  ],
  positionals: [{ name: 'name', description: 'NAME[:TAG|@DIGEST]', required: true, complete: 'image' }],
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const reference = parseReference(ctx.args.positional(0) ?? '');
    const allTags = ctx.args.bool('all-tags');
    const platform = ctx.args.string('platform');
    const target = engineTarget(reference, allTags);
    checkRegistryAllowed(reference, ctx.services.config.policy);

    if (dryRun(ctx)) {
      const present = allTags ? null : (await inspectImageOrNull(ctx.services.docker.engine, target.display))?.Id ?? null;
      const plan = { action: 'pull', reference: target.display, registry: reference.domain, allTags, platform: platform ?? null, presentImageId: present };
      return {
        ok: true,
        data: { plan },
        reply: reply(
          [
            fields([
              ['Would pull', target.familiar + (allTags ? ' (all tags)' : '')],
              ['Registry', reference.domain],
              ['Now', present ? `present locally as ${shortId(present)}` : 'not present locally'],
            ]),
          ],
          { title: 'Dry run: nothing was pulled', tone: 'info' },
        ),
      };
    }

    const quiet = ctx.args.bool('quiet');
    const result = await pullImage(ctx, reference, { allTags, quiet, ...(platform ? { platform } : {}) });
    const { steps: _lines, ...data } = result;
    return {
      ok: true,
      data,
      reply: quiet ? reply([code(result.reference)]) : pulledReply(result),
    };
  },
});

/** `policy.registries` names where images may come from; pulling is how they come. */
function checkRegistryAllowed(reference: ImageReference, policy: RunPolicyConfig): void {
  if (isRegistryAllowed(reference.domain, policy.registries)) return;
  throw new UserError('forbidden', `images must come from an allowed registry (${policy.registries.join(', ')}); ${reference.familiar} is from ${reference.domain}`, {
    hint: 'an admin can add the registry to policy.registries in dockbot.yaml',
    data: { rules: ['registries'] },
  });
}

