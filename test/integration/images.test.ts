// `dockbot exec --json "images ..."` must report what `docker images --format '{{json .}}'` reports.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClockBetween } from '../support/clock.js';
import { busybox, docker, dockbotJson, dockerJsonLines, engine, registry, skipReason, TEST_LABEL } from '../support/engine.js';

const LABEL = `${TEST_LABEL}=images`;
const APP = 'dockbot-images/app';
const OTHER = 'dockbot-images/other';
type Row = Record<string, string>;

/** Fields computed from the clock ("2 seconds ago") may tick between two calls. */
const CLOCK_FIELDS = ['CreatedSince'];

// Images created in the same second come back from the engine in any order, and the CLI walks
// an image's repositories in Go's (random) map order: rows are matched by what identifies them.
const rowKey = (r: Row): string => [r.ID, r.Repository, r.Tag, r.Digest].join(' ');

/** Ours must equal the CLI's output taken just before or just after it, row by row, field by field. */
async function expectSameAsCli(text: string, cliArgs: string[]): Promise<Row[]> {
  const before = await dockerJsonLines<Row>(...cliArgs);
  const { code, body } = await dockbotJson<{ ok: boolean; command: string; data: Row[] }>(text);
  const after = await dockerJsonLines<Row>(...cliArgs);
  expect(code).toBe(0);
  expect(body.ok).toBe(true);
  expect(body.command).toBe('images');
  expect(body.data.map(rowKey).sort()).toEqual(before.map(rowKey).sort());
  for (const row of body.data) {
    const b = before.find((r) => rowKey(r) === rowKey(row)) as Row;
    const a = after.find((r) => rowKey(r) === rowKey(row)) ?? b;
    expect(Object.keys(row).sort()).toEqual(Object.keys(b).sort());
    for (const [field, value] of Object.entries(row)) {
      if (CLOCK_FIELDS.includes(field)) expectClockBetween(value, b[field] as string, a[field] as string);
      else expect({ row: rowKey(row), field, value }).toEqual({ row: rowKey(row), field, value: b[field] });
    }
  }
  return body.data;
}

async function removeTestImages(): Promise<void> {
  const e = engine();
  const labelled = await e.listImages({ all: true, filters: JSON.stringify({ label: [LABEL] }) });
  for (const image of labelled) await e.getImage(image.Id).remove({ force: true }).catch(() => undefined);
}

describe.skipIf(skipReason)('images against the Docker CLI', () => {
  let context = '';
  let danglingId = '';
  let appId = '';

  beforeAll(async () => {
    await removeTestImages();
    context = mkdtempSync(join(tmpdir(), 'dockbot-images-'));
    const build = async (content: string): Promise<string> => {
      writeFileSync(join(context, 'Dockerfile'), `FROM ${busybox}\nRUN echo ${content} > /version\n`);
      await docker('build', '-q', '--label', LABEL, '-t', `${APP}:v1`, context);
      return (await docker('image', 'inspect', '--format', '{{.Id}}', `${APP}:v1`)).trim();
    };
    // The same tag built twice: the first image loses its tag and becomes dangling.
    danglingId = await build('one');
    appId = await build('two');
    await docker('tag', `${APP}:v1`, `${APP}:latest`);
    await docker('tag', `${APP}:v1`, `${OTHER}:1`);
    // A pull from the loopback registry gives the base image a digest.
    if (registry) await docker('pull', '-q', `${registry}/library/busybox:1`);
  });

  afterAll(async () => {
    await removeTestImages();
    if (registry) await docker('rmi', `${registry}/library/busybox:1`).catch(() => undefined);
    if (context) rmSync(context, { recursive: true, force: true });
  });

  it('images lists tagged and dangling images, one row per tag', async () => {
    const rows = await expectSameAsCli('images', ['images']);
    const short = (id: string): string => id.replace('sha256:', '').slice(0, 12);
    const app = rows.filter((r) => r.ID === short(appId));
    expect(app.map((r) => `${r.Repository}:${r.Tag}`).sort()).toEqual([`${APP}:latest`, `${APP}:v1`, `${OTHER}:1`]);
    expect(rows.find((r) => r.ID === short(danglingId))).toMatchObject({ Repository: '<none>', Tag: '<none>', Digest: '<none>' });
  });

  it('image ls -a adds the intermediate images', async () => {
    const all = await expectSameAsCli('image ls -a', ['images', '-a']);
    const top = await expectSameAsCli('/docker images', ['images']);
    expect(all.length).toBeGreaterThan(top.length);
  });

  it.each([
    ['dangling=true', 'dangling=true'],
    ['dangling=false', 'dangling=false'],
    ['reference', `reference=dockbot-images/*`],
    ['label', `label=${LABEL}`],
    ['before', `before=${APP}:v1`],
    ['since', `since=${busybox}`],
  ])('images --filter %s', async (_kind, filter) => {
    const rows = await expectSameAsCli(`images --filter "${filter}"`, ['images', '--filter', filter]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('images REPOSITORY[:TAG] narrows by reference', async () => {
    const repository = await expectSameAsCli(`images ${APP}`, ['images', APP]);
    expect(repository.map((r) => r.Tag).sort()).toEqual(['latest', 'v1']);
    const tagged = await expectSameAsCli(`image list ${APP}:v1 -a`, ['images', '-a', `${APP}:v1`]);
    expect(tagged.map((r) => r.Tag)).toEqual(['v1']);
  });

  it('--digests and --no-trunc agree with the CLI', async () => {
    const rows = await expectSameAsCli('images --digests', ['images', '--digests']);
    if (registry) {
      const pulled = rows.filter((r) => r.Repository === `${registry}/library/busybox`);
      expect(pulled.length).toBeGreaterThan(0);
      for (const r of pulled) expect(r.Digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    const full = await expectSameAsCli('images --no-trunc --digests -a', ['images', '--no-trunc', '--digests', '-a']);
    for (const r of full) expect(r.ID).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('images -q prints only ids, one per row as the CLI does', async () => {
    for (const flags of ['-q', '-aq', '-q --filter dangling=true']) {
      const cli = (await docker('images', ...flags.split(' '))).trim().split('\n').filter(Boolean);
      const { body } = await dockbotJson<{ data: string[] }>(`images ${flags}`);
      expect(body.data.slice().sort()).toEqual(cli.sort());
    }
  });

  it('a bad filter is a usage error naming the allowed ones', async () => {
    const { code, body } = await dockbotJson<{ ok: boolean; error: { code: string; message: string; hint: string } }>('images --filter status=exited');
    expect(code).toBe(1);
    expect(body.error.code).toBe('usage');
    expect(body.error.hint).toContain('dangling');
  });
});
