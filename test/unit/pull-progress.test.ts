// The pull stream aggregator on a recorded Engine stream, and pullImage against a fake engine:
// CLI-like lines, a percent from layer bytes, and error items in the stream as failures.
import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { Reply } from '../../src/core/reply.js';
import { pullImage, PullProgress, type PullContext, type PullEvent } from '../../src/docker/pull.js';
import { parseReference } from '../../src/docker/reference.js';
import type { Services } from '../../src/services.js';

// Recorded from a private engine pulling a 5-layer image (2 layers already present) from a
// loopback registry; the `progress` bar strings are left out (the aggregator does not read them).
const RECORDED: PullEvent[] = [
  { status: 'Pulling from test/multi', id: '1' },
  { status: 'Already exists', id: 'a5040228409d' },
  { status: 'Already exists', id: 'c20f097a764d' },
  { status: 'Pulling fs layer', id: 'bbcce5408f30' },
  { status: 'Pulling fs layer', id: 'f50276d007e9' },
  { status: 'Pulling fs layer', id: '0d9c6fa410fa' },
  { status: 'Downloading', progressDetail: { current: 3678, total: 200257 }, id: 'f50276d007e9' },
  { status: 'Downloading', progressDetail: { current: 200257, total: 200257 }, id: 'f50276d007e9' },
  { status: 'Verifying Checksum', id: 'f50276d007e9' },
  { status: 'Download complete', id: 'f50276d007e9' },
  { status: 'Downloading', progressDetail: { current: 3678, total: 300289 }, id: 'bbcce5408f30' },
  { status: 'Downloading', progressDetail: { current: 300289, total: 300289 }, id: 'bbcce5408f30' },
  { status: 'Verifying Checksum', id: 'bbcce5408f30' },
  { status: 'Download complete', id: 'bbcce5408f30' },
  { status: 'Extracting', progressDetail: { current: 32768, total: 300289 }, id: 'bbcce5408f30' },
  { status: 'Downloading', progressDetail: { current: 3678, total: 100236 }, id: '0d9c6fa410fa' },
  { status: 'Downloading', progressDetail: { current: 100236, total: 100236 }, id: '0d9c6fa410fa' },
  { status: 'Verifying Checksum', id: '0d9c6fa410fa' },
  { status: 'Download complete', id: '0d9c6fa410fa' },
  { status: 'Extracting', progressDetail: { current: 300289, total: 300289 }, id: 'bbcce5408f30' },
  { status: 'Extracting', progressDetail: { current: 300289, total: 300289 }, id: 'bbcce5408f30' },
  { status: 'Pull complete', id: 'bbcce5408f30' },
  { status: 'Extracting', progressDetail: { current: 32768, total: 200257 }, id: 'f50276d007e9' },
  { status: 'Extracting', progressDetail: { current: 163840, total: 200257 }, id: 'f50276d007e9' },
  { status: 'Extracting', progressDetail: { current: 200257, total: 200257 }, id: 'f50276d007e9' },
  { status: 'Extracting', progressDetail: { current: 200257, total: 200257 }, id: 'f50276d007e9' },
  { status: 'Pull complete', id: 'f50276d007e9' },
  { status: 'Extracting', progressDetail: { current: 32768, total: 100236 }, id: '0d9c6fa410fa' },
  { status: 'Extracting', progressDetail: { current: 100236, total: 100236 }, id: '0d9c6fa410fa' },
  { status: 'Extracting', progressDetail: { current: 100236, total: 100236 }, id: '0d9c6fa410fa' },
  { status: 'Pull complete', id: '0d9c6fa410fa' },
  { status: 'Digest: sha256:46a1433576f6dbf4e8d5535979361cc28b4dab31d03c5df96ef34b033cfd7e24' },
  { status: 'Status: Downloaded newer image for 127.0.0.1:5999/test/multi:1' },
];

const lineOf = (p: PullProgress, id: string): string | undefined => p.steps().find((s) => s.label === id)?.status;

describe('PullProgress', () => {
  it('keeps one line per id, in first-seen order, as docker pull prints them', () => {
    const progress = new PullProgress();
    for (const event of RECORDED) progress.apply(event);
    expect(progress.steps().map((s) => `${s.label}: ${s.status}`)).toEqual([
      '1: Pulling from test/multi',
      'a5040228409d: Already exists',
      'c20f097a764d: Already exists',
      'bbcce5408f30: Pull complete',
      'f50276d007e9: Pull complete',
      '0d9c6fa410fa: Pull complete',
    ]);
    expect(progress.messages()).toEqual([
      'Digest: sha256:46a1433576f6dbf4e8d5535979361cc28b4dab31d03c5df96ef34b033cfd7e24',
      'Status: Downloaded newer image for 127.0.0.1:5999/test/multi:1',
    ]);
    expect(progress.digests).toEqual(['sha256:46a1433576f6dbf4e8d5535979361cc28b4dab31d03c5df96ef34b033cfd7e24']);
    expect(progress.tags).toEqual(['1']);
    expect(progress.statusLine).toMatch(/^Status: Downloaded newer image/);
    expect(progress.summary()).toEqual({ layers: 5, downloaded: 3, alreadyExisted: 2, downloadedBytes: 200257 + 300289 + 100236 });
  });

  it('shows byte progress with a percent on the layer line', () => {
    const progress = new PullProgress();
    for (const event of RECORDED.slice(0, 7)) progress.apply(event);
    expect(lineOf(progress, 'f50276d007e9')).toBe('Downloading 1% (3.68kB/200kB)');
    expect(lineOf(progress, 'bbcce5408f30')).toBe('Pulling fs layer');
    progress.apply(RECORDED[14] as PullEvent);
    expect(lineOf(progress, 'bbcce5408f30')).toBe('Extracting 10% (32.8kB/300kB)');
  });

  it('computes an overall percent from layer bytes that never goes back and ends at 100', () => {
    const progress = new PullProgress();
    const seen: number[] = [];
    for (const event of RECORDED) {
      progress.apply(event);
      seen.push(progress.percent());
    }
    expect(seen.at(-1)).toBe(100);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
    // Layers that already existed count for nothing; three layers waiting are at 0 %.
    expect(seen[5]).toBe(0);
    // f50276d007e9 downloaded (half of its work) while the others wait: its share of the
    // average-weighted total, about 200257/2 of 600782 when sizes were estimated.
    expect(seen[9]).toBeGreaterThan(10);
    expect(seen[9]).toBeLessThan(40);
    // Every layer done, no final status yet: not 100.
    expect(seen[RECORDED.length - 3]).toBe(99);
  });

  it('weights layers by size: a big layer done counts more than a small one', () => {
    const big = new PullProgress();
    const small = new PullProgress();
    const start: PullEvent[] = [
      { status: 'Downloading', progressDetail: { current: 0, total: 900 }, id: 'big' },
      { status: 'Downloading', progressDetail: { current: 0, total: 100 }, id: 'small' },
    ];
    for (const e of start) {
      big.apply(e);
      small.apply(e);
    }
    big.apply({ status: 'Pull complete', id: 'big' });
    small.apply({ status: 'Pull complete', id: 'small' });
    expect(big.percent()).toBe(90);
    expect(small.percent()).toBe(10);
  });

  it('records an error item of the stream as the failure, whatever came before', () => {
    const progress = new PullProgress();
    progress.apply(RECORDED[0] as PullEvent);
    expect(progress.apply({ errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' })).toBe(true);
    progress.apply({ error: 'a second one' });
    expect(progress.error).toBe('unexpected EOF');
  });

  it('reports no change for an event that changes nothing shown', () => {
    const progress = new PullProgress();
    expect(progress.apply({ status: 'Waiting', id: 'abc' })).toBe(true);
    expect(progress.apply({ status: 'Waiting', id: 'abc' })).toBe(false);
  });
});

/** An engine whose pull answers with the given JSON lines (or rejects), and an image to inspect. */
function fakeContext(answer: string[] | Error): { ctx: PullContext; updates: Reply[]; requests: Array<Record<string, unknown>> } {
  const updates: Reply[] = [];
  const requests: Array<Record<string, unknown>> = [];
  const engine = {
    async createImage(options: Record<string, unknown>) {
      requests.push(options);
      if (answer instanceof Error) throw answer;
      // Chunks that split lines in the middle, as a socket may deliver them.
      const text = answer.map((l) => `${l}\r\n`).join('');
      return Readable.from([text.slice(0, 17), text.slice(17, 60), text.slice(60)]);
    },
    getImage: () => ({ inspect: async () => ({ Id: 'sha256:' + 'a'.repeat(64) }) }),
  };
  const services = { docker: { engine, address: 'unix:///fake.sock' } } as unknown as Services;
  return { ctx: { services, progress: (r) => void updates.push(r) }, updates, requests };
}

const json = (events: PullEvent[]): string[] => events.map((e) => JSON.stringify(e));

describe('pullImage', () => {
  it('asks the engine for the normalised name and tag, reports progress and the result', async () => {
    const { ctx, updates, requests } = fakeContext(json(RECORDED));
    const result = await pullImage(ctx, parseReference('127.0.0.1:5999/test/multi:1'));
    expect(requests).toEqual([{ fromImage: '127.0.0.1:5999/test/multi', tag: '1' }]);
    expect(result).toMatchObject({
      reference: '127.0.0.1:5999/test/multi:1',
      digest: 'sha256:46a1433576f6dbf4e8d5535979361cc28b4dab31d03c5df96ef34b033cfd7e24',
      repoDigest: '127.0.0.1:5999/test/multi@sha256:46a1433576f6dbf4e8d5535979361cc28b4dab31d03c5df96ef34b033cfd7e24',
      status: 'downloaded',
      layers: 5,
      layersDownloaded: 3,
      layersAlreadyExisted: 2,
    });
    expect(updates.length).toBeGreaterThan(10);
    const last = updates.at(-1) as Reply;
    expect(last.title).toBe('Pulling 127.0.0.1:5999/test/multi:1');
    expect(last.blocks[0]).toMatchObject({ type: 'progress', percent: 100 });
  });

  it('pulls latest for a bare name and the digest when there is both a tag and a digest', async () => {
    const done = json([{ status: 'Digest: sha256:' + 'b'.repeat(64) }, { status: 'Status: Image is up to date for busybox:latest' }]);
    const bare = fakeContext(done);
    const result = await pullImage(bare.ctx, parseReference('busybox'));
    expect(bare.requests[0]).toEqual({ fromImage: 'docker.io/library/busybox', tag: 'latest' });
    expect(result.status).toBe('up_to_date');
    const pinned = fakeContext(done);
    await pullImage(pinned.ctx, parseReference(`busybox:1@sha256:${'c'.repeat(64)}`));
    expect(pinned.requests[0]).toEqual({ fromImage: 'docker.io/library/busybox', tag: `sha256:${'c'.repeat(64)}` });
  });

  it('treats an error item in the stream as a failure, not a success', async () => {
    const { ctx } = fakeContext(json([...RECORDED.slice(0, 8), { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' }]));
    const failure = await pullImage(ctx, parseReference('127.0.0.1:5999/test/multi:1')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).code).toBe('engine_error');
    expect((failure as UserError).message).toContain('unexpected EOF');
    expect((failure as UserError).message).not.toContain('{');
  });

  it('maps a full disk reported in the stream to no_space with the next step', async () => {
    const { ctx } = fakeContext(json([RECORDED[0] as PullEvent, { error: 'write /var/lib/docker/tmp/x: no space left on device' }]));
    const failure = (await pullImage(ctx, parseReference('busybox:1')).catch((e: unknown) => e)) as UserError;
    expect(failure.code).toBe('no_space');
    expect(failure.hint).toContain('system df');
  });

  it('fails when the stream ends without the final status', async () => {
    const { ctx } = fakeContext(json(RECORDED.slice(0, 10)));
    const failure = (await pullImage(ctx, parseReference('busybox:1')).catch((e: unknown) => e)) as UserError;
    expect(failure.code).toBe('engine_error');
  });

  it('refuses -a with a tag, as the CLI does', async () => {
    const { ctx, requests } = fakeContext(json(RECORDED));
    const failure = (await pullImage(ctx, parseReference('busybox:1'), { allTags: true }).catch((e: unknown) => e)) as UserError;
    expect(failure.code).toBe('usage');
    expect(requests).toEqual([]);
  });

  it('sends no progress when quiet', async () => {
    const { ctx, updates } = fakeContext(json(RECORDED));
    await pullImage(ctx, parseReference('127.0.0.1:5999/test/multi:1'), { quiet: true });
    expect(updates).toEqual([]);
  });

  describe('a missing tag, told with what the registry has', () => {
    // Near-misses of "1.2" that are not tags: each would make a button run something else.
    const EVIL_TAGS = ['1.2 && rm -rf', '1.2\nstop web', '1.2 -a', '-1.2', '1.2`id`', '1.2;x', '1.2/../x', '1.3'];
    let server: Server;
    let registry = '';
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/v2/team/app/tags/list') res.end(JSON.stringify({ name: 'team/app', tags: ['1.0', '1.1', '2.0', 'latest'] }));
        else if (req.url === '/v2/team/evil/tags/list') res.end(JSON.stringify({ name: 'team/evil', tags: EVIL_TAGS }));
        else res.writeHead(404).end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      registry = `127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const manifestUnknown = (ref: string): Error =>
      Object.assign(new Error(`(HTTP code 404) unexpected - manifest for ${ref} not found: manifest unknown: manifest unknown `), { statusCode: 404, json: null });

    it('says the repository exists and lists the closest tags', async () => {
      const { ctx } = fakeContext(manifestUnknown(`${registry}/team/app:1.2`));
      const failure = (await pullImage(ctx, parseReference(`${registry}/team/app:1.2`)).catch((e: unknown) => e)) as UserError;
      expect(failure.code).toBe('not_found');
      expect(failure.message).toContain('the repository exists');
      expect(failure.hint).toContain('1.1');
      expect(failure.data).toMatchObject({ repositoryExists: true, tagCount: 4 });
      expect(failure.actions[0]?.command).toMatch(new RegExp(`^pull ${registry}/team/app:1\\.[01]$`));
    });

    it('puts only tags by the grammar into the text and the Pull buttons', async () => {
      const { ctx } = fakeContext(manifestUnknown(`${registry}/team/evil:1.2`));
      const failure = (await pullImage(ctx, parseReference(`${registry}/team/evil:1.2`)).catch((e: unknown) => e)) as UserError;
      expect(failure.code).toBe('not_found');
      expect(failure.data).toMatchObject({ repositoryExists: true, tags: ['1.3'], tagCount: 1 });
      expect(failure.hint).toBe('tags it has: 1.3');
      expect(failure.actions.map((a) => a.command)).toEqual([`pull ${registry}/team/evil:1.3`]);
    });

    it('says the repository does not exist', async () => {
      const { ctx } = fakeContext(manifestUnknown(`${registry}/team/nope:1`));
      const failure = (await pullImage(ctx, parseReference(`${registry}/team/nope:1`)).catch((e: unknown) => e)) as UserError;
      expect(failure.code).toBe('not_found');
      expect(failure.message).toBe(`repository ${registry}/team/nope does not exist on ${registry}`);
      expect(failure.data).toMatchObject({ repositoryExists: false });
    });
  });
});
