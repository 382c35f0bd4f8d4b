// Image commands that change things, against the private engine, checked with the Docker CLI:
// image rm / rmi behind confirmation, conflicts naming the containers, tag, image prune
// removing exactly the dangling images, -a for admins only, and --dry-run changing nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main.js';
import { asUser, busybox, chatUser, cleanup, docker, dockbotJson, skipReason, TEST_LABEL, testApp } from '../support/engine.js';
import { actionIds } from '../support/actions.js';

const FILE = 'images-mutate';
const LABEL = `${TEST_LABEL}=${FILE}`;
const ROLES = 'roles:\n  operator: ["slack:UOPS"]\n  admin: ["slack:UADMIN"]\n';
const operator = chatUser('UOPS');
const admin = chatUser('UADMIN');
const viewer = chatUser('UVIEWER');
const REPO = 'dockbot-test/im';

interface ErrorBody {
  ok: boolean;
  data: Record<string, unknown> | null;
  error: { code: string; message: string; hint?: string };
}

let context: string;
let buildCount = 0;

/** Builds a small image of its own (a unique layer) FROM busybox, labelled for this file. */
async function build(tag: string): Promise<string> {
  writeFileSync(join(context, 'Dockerfile'), `FROM ${busybox}\nRUN echo ${tag} ${++buildCount} ${Date.now()} > /marker\n`);
  await docker('build', '-q', '--label', LABEL, '-t', tag, context);
  return (await docker('image', 'inspect', '--format', '{{.Id}}', tag)).trim();
}

async function exists(image: string): Promise<boolean> {
  return docker('image', 'inspect', image).then(
    () => true,
    () => false,
  );
}

/** Dangling images of this file, as the CLI lists them (full IDs, sorted). */
async function danglingIds(): Promise<string[]> {
  const out = await docker('images', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', `label=${LABEL}`);
  return [...new Set(out.split('\n').filter(Boolean))].sort();
}

describe.skipIf(skipReason)('image rm, tag, image prune', () => {
  let app: App;

  beforeAll(async () => {
    context = mkdtempSync(join(tmpdir(), 'dockbot-im-'));
    ({ app } = await testApp(ROLES));
    await cleanup(FILE);
  });

  afterAll(async () => {
    await cleanup(FILE);
    const leftovers = (await docker('images', '-a', '-q', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean);
    for (const id of new Set(leftovers)) await docker('rmi', '-f', id).catch(() => undefined);
    await docker('rmi', `${REPO}-tagged:2`).catch(() => undefined);
    rmSync(context, { recursive: true, force: true });
  });

  it('rmi needs confirmation: without --yes nothing is removed and the preview says what would go', async () => {
    const id = await build(`${REPO}-rmi:1`);
    const first = await dockbotJson<ErrorBody>(`rmi ${REPO}-rmi:1`);
    expect(first.code).toBe(1);
    expect(first.body.error.code).toBe('confirmation_required');
    const preview = first.body.data?.preview as { images: Array<{ id: string; effect: string; tags: string[]; sizeBytes: number }> };
    expect(preview.images).toHaveLength(1);
    expect(preview.images[0]).toMatchObject({ id, effect: 'delete', tags: [`${REPO}-rmi:1`] });
    expect(preview.images[0]?.sizeBytes).toBeGreaterThan(0);
    expect(await docker('images', '-q', `${REPO}-rmi`)).not.toBe('');

    const confirmed = await dockbotJson<{ ok: boolean; data: { removed: Array<{ id: string; untagged: string[]; deleted: string[] }> } }>(`rmi ${REPO}-rmi:1`, ['--yes']);
    expect(confirmed.code).toBe(0);
    expect(confirmed.body.data.removed[0]?.untagged).toContain(`${REPO}-rmi:1`);
    expect(confirmed.body.data.removed[0]?.deleted).toContain(id);
    expect((await docker('images', '-q', `${REPO}-rmi`)).trim()).toBe('');
  });

  it('rmi through a chat confirmation: the preview, then Confirm removes it', async () => {
    await build(`${REPO}-chat:1`);
    const asked = await asUser(app, operator, `image rm ${REPO}-chat:1`);
    expect(asked.error?.code).toBe('confirmation_required');
    expect(await exists(`${REPO}-chat:1`)).toBe(true);
    const token = (asked.data as { confirm: { token: string } }).confirm.token;
    const buttons = asked.reply.blocks.flatMap((b) => (b.type === 'actions' ? b.actions.map((a) => a.id) : []));
    expect(buttons).toEqual([`confirm:${token}`, `cancel:${token}`]);

    const done = await app.dispatcher.act(`confirm:${token}`, operator);
    expect(done.ok).toBe(true);
    expect(await exists(`${REPO}-chat:1`)).toBe(false);
  });

  it('rmi Confirm acts on the image previewed: a tag rebuilt meanwhile is not removed', async () => {
    const first = await build(`${REPO}-moved:1`);
    const asked = await asUser(app, operator, `rmi ${REPO}-moved:1`);
    expect(asked.error?.code).toBe('confirmation_required');
    const token = (asked.data as { confirm: { token: string } }).confirm.token;
    // Rebuilt between the preview and the press: the tag now names another image.
    const second = await build(`${REPO}-moved:1`);
    expect(second).not.toBe(first);
    const done = await app.dispatcher.act(`confirm:${token}`, operator);
    expect(done.error?.code).toBe('conflict');
    expect(done.error?.message).toContain('changed since the preview');
    expect((await docker('image', 'inspect', '--format', '{{.Id}}', `${REPO}-moved:1`)).trim()).toBe(second);
    expect(await exists(first)).toBe(true);
    // Cleaned up here so the prunes below see only their own images.
    await docker('rmi', `${REPO}-moved:1`, first);
  });

  it('an image a container uses: conflict naming the container, with buttons to stop or remove it', async () => {
    await build(`${REPO}-used:1`);
    await docker('run', '-d', '--name', 'im-user', '-l', LABEL, `${REPO}-used:1`, 'sleep', '600');
    const outcome = await asUser(app, operator, `rmi ${REPO}-used:1`);
    expect(outcome.error?.code).toBe('conflict');
    expect(outcome.error?.message).toContain('im-user');
    expect(outcome.error?.message).toContain('running');
    const commands = actionIds(app.dispatcher, outcome.reply);
    expect(commands).toEqual(expect.arrayContaining(['cmd:stop im-user', 'cmd:rm -f im-user']));
    // Confirmed or not, the image stays: nothing was removed.
    const confirmed = await asUser(app, operator, `rmi ${REPO}-used:1`, true);
    expect(confirmed.error?.code).toBe('conflict');
    expect(await exists(`${REPO}-used:1`)).toBe(true);
    // By ID even -f cannot remove it: a running container uses it.
    const id = (await docker('image', 'inspect', '--format', '{{.Id}}', `${REPO}-used:1`)).trim();
    const forced = await asUser(app, operator, `rmi -f ${id.slice(7, 19)}`, true);
    expect(forced.error?.code).toBe('conflict');
    expect(await exists(id)).toBe(true);
  });

  it('rmi of a missing image is not_found and removes none of the others', async () => {
    await build(`${REPO}-other:1`);
    const outcome = await asUser(app, operator, `rmi ${REPO}-other:1 ${REPO}-missing:1`, true);
    expect(outcome.error?.code).toBe('not_found');
    expect(outcome.error?.message).toContain(`${REPO}-missing:1`);
    expect(await exists(`${REPO}-other:1`)).toBe(true);
  });

  it('rmi of one of two tags only untags', async () => {
    await docker('tag', `${REPO}-other:1`, `${REPO}-other:2`);
    const outcome = await asUser(app, operator, `rmi ${REPO}-other:2`, true);
    expect(outcome.ok).toBe(true);
    expect(outcome.data).toMatchObject({ removed: [{ untagged: [`${REPO}-other:2`], deleted: [] }], deletedImages: 0 });
    expect(await exists(`${REPO}-other:1`)).toBe(true);
    expect(await exists(`${REPO}-other:2`)).toBe(false);
  });

  it('tag creates the reference the CLI then sees; the target is validated', async () => {
    const outcome = await asUser(app, operator, `tag ${busybox} ${REPO}-tagged:2`);
    expect(outcome.ok).toBe(true);
    const busyboxId = (await docker('image', 'inspect', '--format', '{{.Id}}', busybox)).trim();
    expect(outcome.data).toMatchObject({ sourceId: busyboxId, target: `docker.io/${REPO}-tagged:2`, replacesImageId: null, changed: true });
    expect((await docker('image', 'inspect', '--format', '{{.Id}}', `${REPO}-tagged:2`)).trim()).toBe(busyboxId);

    const invalid = await asUser(app, operator, `tag ${busybox} ${REPO}-Tagged:2`);
    expect(invalid.error?.code).toBe('invalid_reference');
    const digest = await asUser(app, operator, `tag ${busybox} ${REPO}-tagged@sha256:${'a'.repeat(64)}`);
    expect(digest.error?.code).toBe('invalid_reference');
    const missing = await asUser(app, operator, `tag ${REPO}-nothing:1 ${REPO}-tagged:3`);
    expect(missing.error?.code).toBe('not_found');
  });

  it('tag under a registry allowlist: the source must come from an allowed registry, not be any local image or an ID', async () => {
    const allowed = 'registry.test:5000';
    const { app: strict } = await testApp(`${ROLES}policy:\n  registries: ["${allowed}"]\n`);
    const busyboxId = (await docker('image', 'inspect', '--format', '{{.Id}}', busybox)).trim();
    for (const source of [busybox, busyboxId, busyboxId.slice(7, 19)]) {
      const refused = await asUser(strict, operator, `tag ${source} ${allowed}/dockbot-test/im-fake:1`);
      expect({ source, code: refused.error?.code }).toEqual({ source, code: 'forbidden' });
      expect(refused.error?.message).toContain('policy.registries');
      expect(refused.data).toMatchObject({ rules: ['registries'] });
    }
    expect(await exists(`${allowed}/dockbot-test/im-fake:1`)).toBe(false);

    await docker('tag', busybox, `${allowed}/dockbot-test/im-src:1`);
    try {
      const ok = await asUser(strict, operator, `tag ${allowed}/dockbot-test/im-src:1 ${allowed}/dockbot-test/im-dst:1`);
      expect(ok.ok).toBe(true);
      expect((await docker('image', 'inspect', '--format', '{{.Id}}', `${allowed}/dockbot-test/im-dst:1`)).trim()).toBe(busyboxId);
    } finally {
      await docker('rmi', `${allowed}/dockbot-test/im-src:1`, `${allowed}/dockbot-test/im-dst:1`).catch(() => undefined);
    }
  });

  it('--dry-run plans and changes nothing', async () => {
    const rmi = await asUser(app, operator, `rmi --dry-run ${REPO}-other:1`);
    expect(rmi.ok).toBe(true);
    expect(rmi.data).toMatchObject({ plan: { images: [{ image: `${REPO}-other:1`, effect: 'delete' }] } });
    expect(await exists(`${REPO}-other:1`)).toBe(true);

    const tag = await asUser(app, operator, `tag --dry-run ${REPO}-other:1 ${REPO}-dry:1`);
    expect(tag.ok).toBe(true);
    expect(await exists(`${REPO}-dry:1`)).toBe(false);

    const invalid = await asUser(app, operator, `rmi --dry-run ${REPO}-Other:1`);
    expect(invalid.error?.code).toBe('invalid_reference');
  });

  it('a viewer may not remove images', async () => {
    const outcome = await asUser(app, viewer, `rmi ${REPO}-other:1`);
    expect(outcome.error?.code).toBe('forbidden');
    expect(await exists(`${REPO}-other:1`)).toBe(true);
  });

  describe('image prune', () => {
    const filter = `--filter label=${LABEL}`;
    let keptByContainer = '';

    beforeAll(async () => {
      // Rebuilding a tag leaves the old image dangling: two of those...
      await build(`${REPO}-dangle:1`);
      await build(`${REPO}-dangle:1`);
      await build(`${REPO}-dangle:1`);
      // ...and one more that a stopped container still uses, which prune must keep.
      keptByContainer = await build(`${REPO}-kept:1`);
      await docker('create', '--name', 'im-kept', '-l', LABEL, keptByContainer, 'true');
      await build(`${REPO}-kept:1`);
    });

    it('without confirmation removes nothing; the preview lists exactly the dangling images the CLI shows', async () => {
      const dangling = await danglingIds();
      expect(dangling).toHaveLength(3);
      const first = await dockbotJson<ErrorBody>(`image prune ${filter}`);
      expect(first.code).toBe(1);
      expect(first.body.error.code).toBe('confirmation_required');
      const preview = first.body.data?.preview as { images: Array<{ id: string }>; reclaimableBytes: number; keptInUse: number };
      expect(preview.images.map((i) => i.id).sort()).toEqual(dangling.filter((id) => id !== keptByContainer));
      expect(preview.keptInUse).toBe(1);
      expect(preview.reclaimableBytes).toBeGreaterThan(0);
      expect(await danglingIds()).toEqual(dangling);
    });

    it('the until filter keeps images newer than the limit; a bad one is a usage error', async () => {
      const recent = await asUser(app, operator, `image prune --dry-run ${filter} --filter until=1h`);
      expect((recent.data as { plan: { images: unknown[] } }).plan.images).toEqual([]);
      const future = await asUser(app, operator, `image prune --dry-run ${filter} --filter until=${Math.floor(Date.now() / 1000) + 3600}`);
      expect((future.data as { plan: { images: unknown[] } }).plan.images).toHaveLength(2);
      const bad = await asUser(app, operator, `image prune ${filter} --filter until=yesterday`);
      expect(bad.error?.code).toBe('usage');
    });

    it('--dry-run shows the same plan and removes nothing', async () => {
      const before = await danglingIds();
      const outcome = await asUser(app, operator, `image prune --dry-run ${filter}`);
      expect(outcome.ok).toBe(true);
      expect((outcome.data as { plan: { images: unknown[] } }).plan.images).toHaveLength(2);
      expect(await danglingIds()).toEqual(before);
    });

    it('-f removes exactly the dangling images, keeps the one in use and every tagged image', async () => {
      const tagged = (await docker('images', '-q', '--no-trunc', '--filter', 'dangling=false', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean).sort();
      const expected = (await danglingIds()).filter((id) => id !== keptByContainer);
      const planned = await asUser(app, operator, `image prune --dry-run ${filter}`);
      const outcome = await dockbotJson<{ ok: boolean; data: { deleted: string[]; reclaimedBytes: number } }>(`image prune -f ${filter}`);
      expect(outcome.code).toBe(0);
      expect(outcome.body.data.deleted).toEqual(expect.arrayContaining(expected));
      expect(outcome.body.data.reclaimedBytes).toBeGreaterThan(0);
      // The space the preview announced is what the engine reports it reclaimed.
      expect((planned.data as { plan: { reclaimableBytes: number } }).plan.reclaimableBytes).toBe(outcome.body.data.reclaimedBytes);
      expect(await danglingIds()).toEqual([keptByContainer]);
      const taggedAfter = (await docker('images', '-q', '--no-trunc', '--filter', 'dangling=false', '--filter', `label=${LABEL}`)).split('\n').filter(Boolean).sort();
      expect(taggedAfter).toEqual(tagged);
      expect(await exists(busybox)).toBe(true);
    });

    it('Confirm removes the dangling images previewed, not one that dangles since; in chat -f still asks', async () => {
      await build(`${REPO}-late:1`);
      await build(`${REPO}-late:1`);
      const before = await danglingIds();
      const previewed = before.filter((i) => i !== keptByContainer);
      expect(previewed).toHaveLength(1);

      // Docker's -f confirms in a terminal (above), not in chat.
      const forced = await asUser(app, operator, `image prune -f ${filter}`);
      expect(forced.error?.code).toBe('confirmation_required');
      expect(await danglingIds()).toEqual(before);

      const asked = await asUser(app, operator, `image prune ${filter}`);
      expect(asked.error?.code).toBe('confirmation_required');
      expect((asked.data as { preview: { images: Array<{ id: string }> } }).preview.images.map((i) => i.id)).toEqual(previewed);
      const token = (asked.data as { confirm: { token: string } }).confirm.token;
      // Rebuilt between the preview and the press: one more dangling image, never shown.
      await build(`${REPO}-late:1`);
      const late = (await danglingIds()).filter((i) => !before.includes(i));
      expect(late).toHaveLength(1);

      const done = await app.dispatcher.act(`confirm:${token}`, operator);
      expect(done.error).toBeUndefined();
      expect((done.data as { deleted: string[] }).deleted).toContain(previewed[0]);
      expect(await exists(previewed[0] as string)).toBe(false);
      expect(await exists(late[0] as string)).toBe(true);
      expect((await danglingIds()).sort()).toEqual([keptByContainer, late[0]].sort());
    });

    it('-a needs admin: an operator is denied, an admin removes every unused image of the filter', async () => {
      const denied = await asUser(app, operator, `image prune -a -f ${filter}`);
      expect(denied.error?.code).toBe('forbidden');
      expect(denied.error?.message).toContain('admin');
      expect(await exists(`${REPO}-other:1`)).toBe(true);

      const asked = await asUser(app, admin, `image prune -a ${filter}`);
      expect(asked.error?.code).toBe('confirmation_required');
      const preview = (asked.data as { preview: { images: Array<{ tags: string[] }>; reclaimableBytes: number } }).preview;
      const previewTags = preview.images.flatMap((i) => i.tags);
      expect(previewTags).toEqual(expect.arrayContaining([`${REPO}-other:1`, `${REPO}-dangle:1`, `${REPO}-kept:1`]));
      expect(previewTags).not.toContain(`${REPO}-used:1`);

      const done = await asUser(app, admin, `image prune -a ${filter}`, true);
      expect(done.ok).toBe(true);
      expect((done.data as { reclaimedBytes: number }).reclaimedBytes).toBe(preview.reclaimableBytes);
      expect(await exists(`${REPO}-other:1`)).toBe(false);
      expect(await exists(`${REPO}-dangle:1`)).toBe(false);
      // In use by containers: stays.
      expect(await exists(`${REPO}-used:1`)).toBe(true);
      expect(await exists(keptByContainer)).toBe(true);
      // Other files' images and the base image are not touched by a labelled prune.
      expect(await exists(busybox)).toBe(true);
    });

    it('nothing to prune: no confirmation needed, nothing removed', async () => {
      const outcome = await asUser(app, operator, `image prune ${filter}`);
      expect(outcome.ok).toBe(true);
      expect(outcome.data).toEqual({ deleted: [], untagged: [], reclaimedBytes: 0 });
    });
  });
});
