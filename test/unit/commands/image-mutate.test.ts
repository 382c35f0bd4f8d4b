// image prune, image rm and tag through the dispatcher against a fake engine whose images can
// change between the preview and the Confirm press: a confirmed command acts on what was
// previewed and still qualifies, nothing else; tag keeps to the registry allowlist.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { imagePrune } from '../../../commands/image-prune.js';
import { imageRm } from '../../../commands/image-rm.js';
import { tag } from '../../../commands/tag.js';
import type { Requester } from '../../../src/core/command.js';
import { ConfirmationStore } from '../../../src/core/confirm.js';
import { Dispatcher, type Outcome } from '../../../src/core/dispatcher.js';
import { RolePolicy } from '../../../src/core/policy.js';
import { mapEngineError } from '../../../src/docker/errors.js';
import { parseReference, withDefaultTag } from '../../../src/docker/reference.js';
import type { Services } from '../../../src/services.js';

interface FakeImage {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  ParentId: string;
  Created: number;
  Size: number;
  Labels: Record<string, string>;
}

interface FakeContainer {
  Id: string;
  Names: string[];
  ImageID: string;
  State: string;
}

const hex = (c: string): string => c.repeat(64);
const id = (c: string): string => `sha256:${hex(c)}`;
const image = (c: string, tags: string[] = [], extra: Partial<FakeImage> = {}): FakeImage => ({
  Id: id(c),
  RepoTags: tags,
  RepoDigests: [],
  ParentId: '',
  Created: 1_700_000_000 + c.charCodeAt(0),
  Size: 1000,
  Labels: {},
  ...extra,
});

const normalized = (name: string): string | null => {
  try {
    return withDefaultTag(parseReference(name)).normalized;
  } catch {
    return null;
  }
};

/** An engine with images and containers the test changes at will; it records what it is asked to do. */
class FakeEngine {
  images: FakeImage[] = [];
  containers: FakeContainer[] = [];
  readonly removed: string[] = [];
  readonly pruned: unknown[] = [];
  readonly tagged: Array<{ image: string; repo: string; tag: string }> = [];
  historyReads = 0;
  /** Called after every listImages: lets a test change the engine between two looks. */
  onList: (count: number) => void = () => undefined;
  private lists = 0;
  /** A remove that fails: the target and the engine's error. */
  failRemove: { target: string; error: unknown } | undefined;

  find(name: string): FakeImage | undefined {
    const wanted = normalized(name);
    return (
      this.images.find((i) => i.Id === name || i.Id === `sha256:${name}`) ??
      this.images.find((i) => wanted !== null && [...i.RepoTags, ...i.RepoDigests].some((r) => normalized(r) === wanted)) ??
      (/^(sha256:)?[0-9a-f]{1,63}$/.test(name) ? this.images.find((i) => i.Id.startsWith(name.startsWith('sha256:') ? name : `sha256:${name}`)) : undefined)
    );
  }

  async listImages() {
    const answer = structuredClone(this.images);
    this.onList(++this.lists);
    return answer;
  }

  async listContainers(options: { filters?: string } = {}) {
    const wanted = options.filters ? (JSON.parse(options.filters) as { id?: string[] }).id : undefined;
    return this.containers.filter((c) => !wanted || wanted.some((w) => c.Id.startsWith(w)));
  }

  getContainer(name: string) {
    return { inspect: async () => ({ Id: name, HostConfig: { PortBindings: {} } }) };
  }

  async pruneImages(options: unknown) {
    this.pruned.push(options);
    return { ImagesDeleted: [], SpaceReclaimed: 0 };
  }

  getImage(name: string) {
    const notFound = () => Object.assign(new Error(`(HTTP code 404) no such image - No such image: ${name}`), { statusCode: 404, json: { message: `No such image: ${name}` } });
    return {
      inspect: async () => {
        const found = this.find(name);
        if (!found) throw notFound();
        return structuredClone(found);
      },
      history: async () => {
        this.historyReads++;
        const found = this.find(name);
        if (!found) throw notFound();
        return [{ Created: found.Created, CreatedBy: `layer of ${found.Id}`, Size: found.Size }];
      },
      tag: async (options: { repo: string; tag: string }) => {
        this.tagged.push({ image: name, ...options });
      },
      remove: async () => {
        if (this.failRemove?.target === name) throw this.failRemove.error;
        const found = this.find(name);
        if (!found) throw notFound();
        this.removed.push(name);
        const ref = [...found.RepoTags, ...found.RepoDigests].find((r) => r === name);
        if (ref) {
          found.RepoTags = found.RepoTags.filter((r) => r !== ref);
          found.RepoDigests = found.RepoDigests.filter((r) => r !== ref);
          if (found.RepoTags.length + found.RepoDigests.length > 0) return [{ Untagged: ref }];
        }
        this.images = this.images.filter((i) => i !== found);
        return [...(ref ? [{ Untagged: ref }] : []), { Deleted: found.Id }];
      },
    };
  }
}

const operator: Requester = { platform: 'slack', userId: 'UOPS', channelId: 'C1' };
const admin: Requester = { platform: 'slack', userId: 'UADMIN', channelId: 'C1' };

function setup(registries: string[] = []) {
  const engine = new FakeEngine();
  const services = { docker: { engine, address: 'unix:///fake.sock' }, config: { policy: { registries } } } as unknown as Services;
  const dispatcher = new Dispatcher({
    commands: [imagePrune, imageRm, tag],
    services,
    log: pino({ level: 'silent' }),
    roles: new RolePolicy({ admin: ['slack:UADMIN'], operator: ['slack:UOPS'], channels: {} }),
    audit: { record: () => undefined },
    confirmations: new ConfirmationStore(120_000),
    mapError: (err) => mapEngineError(err, 'unix:///fake.sock'),
  });
  let seq = 0;
  const ask = (text: string, options: { by?: Requester; confirmed?: boolean; flagsConfirm?: boolean } = {}) =>
    dispatcher.handle({ id: `t${++seq}`, text, requester: options.by ?? operator, confirmed: options.confirmed ?? false, flagsConfirm: options.flagsConfirm ?? false });
  return { engine, dispatcher, ask };
}

/** The Confirm button's action id, checked against the token the data gives. */
function confirmId(outcome: Outcome): string {
  expect(outcome.error?.code).toBe('confirmation_required');
  const token = (outcome.data as { confirm: { token: string } }).confirm.token;
  const actions = outcome.reply.blocks.flatMap((b) => (b.type === 'actions' ? b.actions.map((a) => a.id) : []));
  expect(actions).toEqual([`confirm:${token}`, `cancel:${token}`]);
  return `confirm:${token}`;
}

describe('image prune', () => {
  it('an empty preview skips the confirmation and then removes nothing, even what became dangling since', async () => {
    for (const flagsConfirm of [false, true]) {
      const { engine, ask } = setup();
      engine.images = [image('a', ['app:1'])];
      // The preview looks first and sees nothing dangling; by the time the command runs, one is.
      engine.onList = (count) => {
        if (count === 1) engine.images.push(image('b'));
      };
      const outcome = await ask('image prune', { flagsConfirm });
      expect(outcome.ok).toBe(true);
      expect(outcome.data).toEqual({ deleted: [], untagged: [], reclaimedBytes: 0 });
      expect(engine.pruned).toEqual([]);
      expect(engine.removed).toEqual([]);
      expect(engine.images.map((i) => i.Id)).toEqual([id('a'), id('b')]);
    }
  });

  it('Confirm removes exactly the previewed images that still qualify, one by one; an image dangling since the preview stays', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:1']), image('b'), image('c')];
    const asked = await ask('image prune');
    expect((asked.data as { preview: { images: Array<{ id: string }> } }).preview.images.map((i) => i.id)).toEqual([id('c'), id('b')]);
    const reads = engine.historyReads;
    expect(reads).toBeGreaterThan(0);

    // Between the preview and the press: app:1 is rebuilt (its old image dangles), and c gets a tag.
    engine.images.find((i) => i.Id === id('a'))!.RepoTags = [];
    engine.images.find((i) => i.Id === id('c'))!.RepoTags = ['keep:1'];

    const done = await dispatcher.act(confirmId(asked), operator);
    expect(done.error).toBeUndefined();
    expect(engine.pruned).toEqual([]);
    expect(engine.removed).toEqual([id('b')]);
    expect(engine.images.map((i) => i.Id).sort()).toEqual([id('a'), id('c')]);
    expect(done.data).toMatchObject({ deleted: [id('b')], untagged: [], skipped: [{ id: id('c') }] });
    // Something changed, so the space was worked out again for what went.
    expect((done.data as { reclaimedBytes: number }).reclaimedBytes).toBe(1000);
  });

  it('Confirm with nothing changed reads no image history again and reports the previewed space', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:1']), image('b'), image('c', [], { RepoDigests: ['app@sha256:' + hex('d')] })];
    const asked = await ask('image prune');
    const preview = (asked.data as { preview: { reclaimableBytes: number } }).preview;
    expect(preview.reclaimableBytes).toBe(2000);
    const reads = engine.historyReads;
    const done = await dispatcher.act(confirmId(asked), operator);
    expect(done.ok).toBe(true);
    expect(engine.historyReads).toBe(reads);
    // A digest-only image goes by its reference, as the engine's prune removes it.
    expect(engine.removed.sort()).toEqual(['app@sha256:' + hex('d'), id('b')].sort());
    expect(done.data).toEqual({ deleted: expect.arrayContaining([id('b'), id('c')]) as string[], untagged: ['app@sha256:' + hex('d')], reclaimedBytes: 2000 });
    expect((done.data as { deleted: string[] }).deleted).toHaveLength(2);
  });

  it('-a: Confirm removes only the references that were shown; a tag added since keeps the image', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:1', 'app:2']), image('b', ['tool:1'])];
    const asked = await ask('image prune -a', { by: admin });
    engine.images.find((i) => i.Id === id('a'))!.RepoTags.push('app:3');
    const done = await dispatcher.act(confirmId(asked), admin);
    expect(done.ok).toBe(true);
    expect(engine.removed.sort()).toEqual(['app:1', 'app:2', 'tool:1']);
    expect(engine.images.map((i) => [i.Id, i.RepoTags])).toEqual([[id('a'), ['app:3']]]);
  });

  it('an image a container started using since the preview is kept, and the reason names the container', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('b'), image('c')];
    const asked = await ask('image prune');
    const holder = hex('9');
    engine.failRemove = {
      target: id('b'),
      error: Object.assign(new Error('conflict'), {
        statusCode: 409,
        json: { message: `conflict: unable to delete ${hex('b').slice(0, 12)} (cannot be forced) - image is being used by running container ${holder.slice(0, 12)}` },
      }),
    };
    engine.containers = [{ Id: holder, Names: ['/web'], ImageID: id('x'), State: 'running' }];
    const done = await dispatcher.act(confirmId(asked), operator);
    expect(done.ok).toBe(true);
    expect(engine.removed).toEqual([id('c')]);
    const skipped = (done.data as { skipped: Array<{ id: string; reason: string }> }).skipped;
    expect(skipped).toEqual([{ id: id('b'), reason: expect.stringContaining('web') as string }]);
  });

  it('in chat -f does not skip the preview; in a terminal -f and --yes use the engine prune', async () => {
    const { engine, ask } = setup();
    engine.images = [image('b')];
    expect((await ask('image prune -f')).error?.code).toBe('confirmation_required');
    expect(engine.pruned).toEqual([]);
    engine.historyReads = 0;
    expect((await ask('image prune -f', { flagsConfirm: true })).ok).toBe(true);
    expect((await ask('image prune', { confirmed: true })).ok).toBe(true);
    expect(engine.pruned).toEqual([{ filters: '{"dangling":["true"]}' }, { filters: '{"dangling":["true"]}' }]);
    expect(engine.historyReads).toBe(0);
  });

  it('engine failures are explained as for container prune', async () => {
    const { engine, ask } = setup();
    engine.listImages = async () => {
      throw Object.assign(new Error('boom'), { statusCode: 500, json: { message: 'write /var/lib/docker/x: no space left on device' } });
    };
    const outcome = await ask('image prune --dry-run');
    expect(outcome.error?.code).toBe('no_space');
  });
});

describe('image rm', () => {
  it('Confirm removes the previewed image by the reference matched, with the space of the preview', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:latest'])];
    const asked = await ask('rmi app');
    const reads = engine.historyReads;
    const done = await dispatcher.act(confirmId(asked), operator);
    expect(done.ok).toBe(true);
    expect(engine.removed).toEqual(['app:latest']);
    expect(engine.historyReads).toBe(reads);
    expect(done.data).toMatchObject({ removed: [{ image: 'app', id: id('a'), deleted: [id('a')] }], reclaimableBytes: 1000 });
  });

  it('a tag moved to another image between preview and Confirm: nothing is removed', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:1'])];
    const asked = await ask('rmi app:1');
    // app:1 is rebuilt: the tag now names b, a dangles.
    engine.images[0]!.RepoTags = [];
    engine.images.push(image('b', ['app:1']));
    const done = await dispatcher.act(confirmId(asked), operator);
    expect(done.error?.code).toBe('conflict');
    expect(done.error?.message).toContain('changed since the preview');
    expect(done.error?.message).toContain(`now names image ${hex('b').slice(0, 12)}`);
    expect(engine.removed).toEqual([]);
  });

  it('by ID: Confirm removes the full ID previewed; a tag added since stops it', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:1'])];
    const asked = await ask(`rmi ${hex('a').slice(0, 12)}`);
    engine.images[0]!.RepoTags.push('app:2');
    const changed = await dispatcher.act(confirmId(asked), operator);
    expect(changed.error?.code).toBe('conflict');
    expect(engine.removed).toEqual([]);

    engine.images[0]!.RepoTags = ['app:1'];
    const again = await ask(`rmi ${hex('a').slice(0, 12)}`);
    expect((await dispatcher.act(confirmId(again), operator)).ok).toBe(true);
    expect(engine.removed).toEqual([id('a')]);
  });

  it('an untag-only preview does not become a deletion at Confirm', async () => {
    const { engine, dispatcher, ask } = setup();
    engine.images = [image('a', ['app:1', 'app:2'])];
    const asked = await ask('rmi app:1');
    expect((asked.data as { preview: { images: Array<{ effect: string }> } }).preview.images[0]?.effect).toBe('untag');
    engine.images[0]!.RepoTags = ['app:1'];
    const done = await dispatcher.act(confirmId(asked), operator);
    expect(done.error?.code).toBe('conflict');
    expect(engine.removed).toEqual([]);
  });
});

describe('tag', () => {
  it('with a registry allowlist the source must be from an allowed registry; an ID is refused', async () => {
    const { engine, ask } = setup(['ghcr.io']);
    engine.images = [image('a', ['busybox:1']), image('b', ['ghcr.io/team/base:1'])];

    const outside = await ask('tag busybox:1 ghcr.io/team/app:1');
    expect(outside.error?.code).toBe('forbidden');
    expect(outside.error?.message).toContain('policy.registries');
    expect(outside.error?.message).toContain('busybox:1 is from docker.io');
    expect(outside.data).toMatchObject({ rules: ['registries'] });

    for (const byId of [hex('a'), id('a'), hex('a').slice(0, 12)]) {
      const refused = await ask(`tag ${byId} ghcr.io/team/app:1`);
      expect({ byId, code: refused.error?.code }).toEqual({ byId, code: 'forbidden' });
      expect(refused.error?.message).toContain('image ID');
    }
    const namedById = await ask(`tag ${hex('b').slice(0, 12)} ghcr.io/team/app:1`);
    expect(namedById.error?.hint).toContain('ghcr.io/team/base:1');
    const dry = await ask('tag --dry-run busybox:1 ghcr.io/team/app:1');
    expect(dry.error?.code).toBe('forbidden');
    expect(engine.tagged).toEqual([]);

    const inside = await ask('tag ghcr.io/team/base:1 ghcr.io/team/app:1');
    expect(inside.ok).toBe(true);
    // Tagged by the ID that was looked up and checked.
    expect(engine.tagged).toEqual([{ image: id('b'), repo: 'ghcr.io/team/app', tag: '1' }]);
  });

  it('without an allowlist any source will do, IDs included; moving a tag says which image lost it', async () => {
    const { engine, ask } = setup();
    engine.images = [image('a', ['busybox:1']), image('b', ['app:1'])];
    const outcome = await ask(`tag ${hex('a').slice(0, 12)} app:1`);
    expect(outcome.ok).toBe(true);
    expect(outcome.data).toMatchObject({ sourceId: id('a'), replacesImageId: id('b'), changed: true });
    expect(JSON.stringify(outcome.reply)).toContain(`the tag used to name ${hex('b').slice(0, 12)}`);
  });
});
