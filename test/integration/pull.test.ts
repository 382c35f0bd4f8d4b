// `pull` through the dispatcher against the private engine and the loopback registry: live
// progress (throttled to one update a second), the digest the engine records, and errors that
// say what the registry does have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushManyLayerImage, throttledRegistry, type ThrottledRegistry } from '../../bench/pull.js';
import type { Reply } from '../../src/core/reply.js';
import { liveOnlySink } from '../../src/core/progress.js';
import type { App } from '../../src/main.js';
import { asUser, busybox, chatUser, docker, dockbotJson, dockerHost, registry, skipReason, TEST_LABEL, testApp } from '../support/engine.js';

const LABEL = `${TEST_LABEL}=pull`;
const ROLES = 'roles:\n  operator: ["slack:UOPS"]\n  admin: ["slack:UADMIN"]\n';
const operator = chatUser('UOPS');
const viewer = chatUser('UVIEWER');
const LAYERS = 6;

interface PullData {
  reference: string;
  digest: string;
  repoDigest: string;
  id: string;
  status: string;
  layers: number;
  layersDownloaded: number;
}
type ProgressBlock = Extract<Reply['blocks'][number], { type: 'progress' }>;
const progressOf = (r: Reply): ProgressBlock | undefined => r.blocks.find((b): b is ProgressBlock => b.type === 'progress');

async function repoDigests(image: string): Promise<string[]> {
  return JSON.parse(await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', image)) as string[];
}

async function imageExists(image: string): Promise<boolean> {
  return docker('image', 'inspect', image).then(
    () => true,
    () => false,
  );
}

describe.skipIf(skipReason || !registry)('pull', () => {
  let app: App;
  let proxy: ThrottledRegistry;
  const layered = `${registry}/dockbot-test/pull-layers:1`;
  const pulled: string[] = [];

  beforeAll(async () => {
    ({ app } = await testApp(ROLES));
    // Several RUN layers of random bytes FROM the busybox image, in the registry only.
    await pushManyLayerImage(dockerHost, busybox, layered, LAYERS, 384 * 1024, LABEL);
    // Downloads through the proxy take seconds, so the throttle of progress updates shows.
    proxy = await throttledRegistry(registry, 256 * 1024);
  });

  afterAll(async () => {
    await proxy?.close();
    for (const image of pulled) await docker('rmi', image).catch(() => undefined);
  });

  it('pulls the seeded busybox image with progress and reports the digest the engine recorded', async () => {
    const image = `${registry}/library/busybox:1`;
    pulled.push(image);
    const updates: Reply[] = [];
    const outcome = await app.dispatcher.handle({ id: 'pull-busybox', text: `pull ${image}`, requester: operator }, { onProgress: liveOnlySink((r) => void updates.push(r)) });
    expect(outcome.error).toBeUndefined();
    const data = outcome.data as PullData;
    expect(data.reference).toBe(image);
    expect(data.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await repoDigests(image)).toContain(`${registry}/library/busybox@${data.digest}`);
    expect(data.repoDigest).toBe(`${registry}/library/busybox@${data.digest}`);
    expect(data.id).toBe((await docker('image', 'inspect', '--format', '{{.Id}}', image)).trim());
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(progressOf(updates[0] as Reply)?.steps[0]).toEqual({ label: '1', status: 'Pulling from library/busybox' });
    expect(outcome.reply.title).toMatch(/busybox:1/);
  });

  it('shows per-layer lines and an overall percent, at most one update per second', async () => {
    const image = `${proxy.address}/dockbot-test/pull-layers:1`;
    pulled.push(image);
    const updates: Array<{ at: number; reply: Reply }> = [];
    const started = performance.now();
    const outcome = await app.dispatcher.handle(
      { id: 'pull-layers', text: `pull ${image}`, requester: operator },
      { onProgress: liveOnlySink((reply) => void updates.push({ at: performance.now(), reply })) },
    );
    const seconds = (performance.now() - started) / 1000;
    expect(outcome.error).toBeUndefined();
    const data = outcome.data as PullData;
    expect(await repoDigests(image)).toContain(`${proxy.address}/dockbot-test/pull-layers@${data.digest}`);
    expect(data.layersDownloaded).toBe(LAYERS);

    // A pull of several seconds: several updates, never two within a second.
    expect(seconds).toBeGreaterThan(2.5);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    for (let i = 1; i < updates.length; i++) expect((updates[i] as { at: number }).at - (updates[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(950);

    const percents = updates.map((u) => progressOf(u.reply)?.percent ?? -1);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1] as number);
    expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
    const layerLines = updates.flatMap((u) => progressOf(u.reply)?.steps ?? []).map((s) => `${s.label}: ${s.status}`);
    expect(layerLines.some((l) => /^[0-9a-f]{12}: Downloading \d+% \(/.test(l))).toBe(true);

    const final = progressOf(outcome.reply);
    expect(final?.percent).toBe(100);
    const complete = (final?.steps ?? []).filter((s) => /^[0-9a-f]{12}$/.test(s.label) && s.status === 'Pull complete');
    expect(complete).toHaveLength(LAYERS);
    expect((final?.steps ?? []).filter((s) => s.status === 'Already exists').length).toBeGreaterThanOrEqual(1);
  });

  it('says which tags the registry has when the tag is missing', async () => {
    const outcome = await asUser(app, operator, `pull ${registry}/library/busybox:nope`);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('not_found');
    expect(outcome.error?.message).toContain('the repository exists');
    expect(outcome.error?.hint).toContain('tags it has: 1');
    expect(outcome.data).toMatchObject({ repositoryExists: true, tags: ['1'] });
    expect(JSON.stringify(outcome.reply)).not.toMatch(/HTTP code|errorDetail|"message":/);
  });

  it('says the repository does not exist', async () => {
    const outcome = await asUser(app, operator, `pull ${registry}/dockbot-test/no-such-repo:1`);
    expect(outcome.error?.code).toBe('not_found');
    expect(outcome.error?.message).toBe(`repository ${registry}/dockbot-test/no-such-repo does not exist on ${registry}`);
    expect(outcome.data).toMatchObject({ repositoryExists: false });
  });

  it('rejects an invalid reference, with and without --dry-run, before asking the engine', async () => {
    for (const text of [`pull ${registry}/Dockbot/Upper:1`, 'pull busybox:-bad', `pull --dry-run ${registry}/Dockbot/Upper:1`, 'pull --dry-run busybox@sha256:123']) {
      const outcome = await asUser(app, operator, text);
      expect({ text, code: outcome.error?.code }).toEqual({ text, code: 'invalid_reference' });
      expect(outcome.error?.hint).toBeTruthy();
    }
  });

  it('--dry-run validates and plans without pulling', async () => {
    const image = `${registry}/dockbot-test/pull-layers:1`;
    const outcome = await asUser(app, operator, `pull --dry-run ${image}`);
    expect(outcome.ok).toBe(true);
    expect(outcome.data).toEqual({ plan: { action: 'pull', reference: image, registry, allTags: false, platform: null, presentImageId: null } });
    expect(await imageExists(image)).toBe(false);
  });

  it('the registry allowlist of the policy applies to pull', async () => {
    const { app: strict } = await testApp(`${ROLES}policy:\n  registries: ["ghcr.io"]\n`);
    const outcome = await asUser(strict, operator, `pull ${registry}/dockbot-test/pull-layers:1`);
    expect(outcome.error?.code).toBe('forbidden');
    expect(outcome.error?.message).toContain(`is from ${registry}`);
    expect(outcome.data).toMatchObject({ rules: ['registries'] });
  });

  it('a viewer may not pull', async () => {
    const outcome = await asUser(app, viewer, `pull ${registry}/library/busybox:1`);
    expect(outcome.error?.code).toBe('forbidden');
    expect(outcome.error?.message).toContain('operator');
  });

  it('pull -q from the binary prints the reference; -a pulls every tag', async () => {
    const quiet = await dockbotJson<{ ok: boolean; data: PullData }>(`pull -q ${registry}/library/busybox:1`);
    expect(quiet.code).toBe(0);
    expect(quiet.body.data.status).toBe('up_to_date');
    const all = await dockbotJson<{ ok: boolean; data: { tags: Array<{ tag: string; digest: string }> } }>(`pull -a ${registry}/library/busybox`);
    expect(all.code).toBe(0);
    expect(all.body.data.tags.map((t) => t.tag)).toEqual(['1']);
    const withTag = await dockbotJson<{ ok: boolean; error: { code: string } }>(`pull -a ${registry}/library/busybox:1`);
    expect(withTag.body.error.code).toBe('usage');
  });
});

