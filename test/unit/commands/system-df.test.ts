import { describe, expect, it } from 'vitest';
import { diskUsageRows } from '../../../commands/system-df.js';

describe('diskUsageRows (docker/cli disk usage formatter)', () => {
  it('matches `docker system df` for the engine answer seen on the test engine', () => {
    expect(
      diskUsageRows({
        LayersSize: 1985480,
        Images: [
          { Containers: 0, Size: 1985476, SharedSize: 1985472 },
          { Containers: 0, Size: 1985476, SharedSize: 1985472 },
          { Containers: 2, Size: 1985472, SharedSize: 1985472 },
        ],
        Containers: [{ State: 'exited' }, { State: 'running' }],
        Volumes: [{ UsageData: { RefCount: 1, Size: 3 } }],
        BuildCache: null,
      }),
    ).toEqual([
      { Active: '1', Reclaimable: '1.985MB (100%)', Size: '1.985MB', TotalCount: '3', Type: 'Images' },
      { Active: '1', Reclaimable: '0B', Size: '0B', TotalCount: '2', Type: 'Containers' },
      { Active: '1', Reclaimable: '0B (0%)', Size: '3B', TotalCount: '1', Type: 'Local Volumes' },
      { Active: '0', Reclaimable: '0B', Size: '0B', TotalCount: '0', Type: 'Build Cache' },
    ]);
  });

  it('counts what running, paused or restarting containers and used images and volumes hold as not reclaimable', () => {
    const [images, containers, volumes, cache] = diskUsageRows({
      LayersSize: 3000,
      Images: [
        { Containers: 1, Size: 2000, SharedSize: 500 },
        { Containers: 0, Size: 1000, SharedSize: 500 },
        { Containers: -1, Size: 700, SharedSize: -1 },
      ],
      Containers: [
        { State: 'running', SizeRw: 100 },
        { State: 'paused', SizeRw: 100 },
        { State: 'restarting', SizeRw: 100 },
        { State: 'exited', SizeRw: 700 },
        { State: 'created' },
      ],
      Volumes: [{ UsageData: { RefCount: 0, Size: 250 } }, { UsageData: { RefCount: 2, Size: 750 } }, { UsageData: { RefCount: 0, Size: -1 } }, {}],
      BuildCache: [
        { InUse: true, Shared: false, Size: 100 },
        { InUse: false, Shared: false, Size: 300 },
        { InUse: true, Shared: true, Size: 1000 },
      ],
    });
    expect(images).toEqual({ Active: '1', Reclaimable: '1.5kB (50%)', Size: '3kB', TotalCount: '3', Type: 'Images' });
    expect(containers).toEqual({ Active: '3', Reclaimable: '700B (70%)', Size: '1kB', TotalCount: '5', Type: 'Containers' });
    expect(volumes).toEqual({ Active: '1', Reclaimable: '250B (25%)', Size: '1kB', TotalCount: '4', Type: 'Local Volumes' });
    expect(cache).toEqual({ Active: '2', Reclaimable: '300B', Size: '400B', TotalCount: '3', Type: 'Build Cache' });
  });

  it('copes with an engine that has nothing at all', () => {
    expect(diskUsageRows({}).map((r) => [r.Type, r.TotalCount, r.Size, r.Reclaimable])).toEqual([
      ['Images', '0', '0B', '0B'],
      ['Containers', '0', '0B', '0B'],
      ['Local Volumes', '0', '0B', '0B'],
      ['Build Cache', '0', '0B', '0B'],
    ]);
  });
});
