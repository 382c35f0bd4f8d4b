// imageRows against docker/cli's formatter tests (TestImageContext, TestImageContextWrite).
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { imageRows } from '../../../commands/images.js';

const DIGEST = 'sha256:cbbf2f9a99b47fc460d422812b6a5adff7dfee951d8fa2e4a98caa0382cfbdbf';
const now = Date.UTC(2026, 5, 1, 12);
const dayAgo = now / 1000 - 24 * 3600;

function summary(fields: Partial<Dockerode.ImageInfo>): Dockerode.ImageInfo {
  return {
    Id: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    ParentId: '',
    RepoTags: [],
    RepoDigests: [],
    Created: dayAgo,
    Size: 0,
    VirtualSize: 0,
    SharedSize: -1,
    Labels: {},
    Containers: -1,
    ...fields,
  };
}

const cliImages = [
  summary({ Id: 'imageID1', RepoTags: ['image:tag1'], RepoDigests: [`image@${DIGEST}`] }),
  summary({ Id: 'imageID2', RepoTags: ['image:tag2'] }),
  summary({ Id: 'imageID3', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] }),
];

const pick = (rows: ReturnType<typeof imageRows>) => rows.map((r) => [r.Repository, r.Tag, r.Digest, r.ID, r.CreatedSince, r.Size]);

describe('imageRows', () => {
  it('prints the table docker/cli expects, without digests', () => {
    expect(pick(cliImages.flatMap((i) => imageRows(i, { trunc: true, digests: false, now })))).toEqual([
      ['image', 'tag1', '<none>', 'imageID1', '24 hours ago', '0B'],
      ['image', 'tag2', '<none>', 'imageID2', '24 hours ago', '0B'],
      ['<none>', '<none>', '<none>', 'imageID3', '24 hours ago', '0B'],
    ]);
  });

  it('shows each tag’s digests with --digests', () => {
    expect(pick(cliImages.flatMap((i) => imageRows(i, { trunc: true, digests: true, now })))).toEqual([
      ['image', 'tag1', DIGEST, 'imageID1', '24 hours ago', '0B'],
      ['image', 'tag2', '<none>', 'imageID2', '24 hours ago', '0B'],
      ['<none>', '<none>', '<none>', 'imageID3', '24 hours ago', '0B'],
    ]);
  });

  it('gives one row per tag, across repositories, in familiar names', () => {
    const image = summary({ RepoTags: ['app:v1', 'app:latest', 'docker.io/library/redis:7', '127.0.0.1:5000/library/app:v1'] });
    expect(imageRows(image, { trunc: true, digests: false, now }).map((r) => `${r.Repository}:${r.Tag}`)).toEqual([
      'app:v1',
      'app:latest',
      'redis:7',
      '127.0.0.1:5000/library/app:v1',
    ]);
  });

  it('lists digest-only references with an empty digest, or each digest with --digests', () => {
    const other = 'sha256:d149ab53f8718e987c3a3024bb8aa0e2caadf6c0328f1d9d850b2a2a67f2819a';
    const image = summary({ RepoTags: ['app:v1'], RepoDigests: [`registry.local/app@${DIGEST}`, `registry.local/app@${other}`] });
    expect(pick(imageRows(image, { trunc: true, digests: false, now })).map((r) => r.slice(0, 3))).toEqual([
      ['app', 'v1', '<none>'],
      ['registry.local/app', '<none>', ''],
    ]);
    expect(pick(imageRows(image, { trunc: true, digests: true, now })).map((r) => r.slice(0, 3))).toEqual([
      ['app', 'v1', '<none>'],
      ['registry.local/app', '<none>', DIGEST],
      ['registry.local/app', '<none>', other],
    ]);
  });

  it('treats empty tag and digest lists as dangling, as newer engines report them', () => {
    expect(pick(imageRows(summary({ RepoTags: [], RepoDigests: [] }), { trunc: true, digests: false, now }))).toEqual([
      ['<none>', '<none>', '<none>', '0123456789ab', '24 hours ago', '0B'],
    ]);
  });

  it('formats the other fields as the CLI does', () => {
    const id = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const [row] = imageRows(summary({ Id: id, RepoTags: ['busybox:latest'], Size: 1985476, SharedSize: 5000, Containers: 10 }), {
      trunc: false,
      digests: false,
      now,
    });
    expect(row).toMatchObject({
      ID: id,
      Size: '1.99MB',
      VirtualSize: '1.985MB',
      SharedSize: '5kB',
      UniqueSize: '1.98MB',
      Containers: '10',
    });
    const [unknown] = imageRows(summary({ RepoTags: ['busybox:latest'], Size: 10 }), { trunc: true, digests: false, now });
    expect(unknown).toMatchObject({ Size: '10B', SharedSize: 'N/A', UniqueSize: 'N/A', Containers: 'N/A' });
  });

  it('leaves CreatedSince empty for Go’s zero time', () => {
    const [row] = imageRows(summary({ RepoTags: ['a:b'], Created: -62135596800 }), { trunc: true, digests: false, now });
    expect(row?.CreatedSince).toBe('');
  });
});
