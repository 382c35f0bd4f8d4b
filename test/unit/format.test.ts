// Cases from go-units (size_test.go, duration_test.go) and docker/cli's formatter tests, so
// our output stays what the Docker CLI prints.
import { describe, expect, it } from 'vitest';
import {
  ago,
  bytesSize,
  displayablePorts,
  ellipsis,
  humanDuration,
  humanSize,
  joinLabels,
  reclaimableSize,
  shortId,
  type EnginePort,
} from '../../src/docker/format.js';

const KB = 1000;
const MB = 1000 * KB;
const GB = 1000 * MB;
const TB = 1000 * GB;
const PB = 1000 * TB;
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
const PiB = 1024 * TiB;

describe('humanSize (go-units HumanSize = precision 4)', () => {
  it.each([
    [1000, '1kB'],
    [1024, '1.024kB'],
    [1000000, '1MB'],
    [1048576, '1.049MB'],
    [2 * MB, '2MB'],
    [3.42 * GB, '3.42GB'],
    [5.372 * TB, '5.372TB'],
    [2.22 * PB, '2.22PB'],
    [0, '0B'],
    [999, '999B'],
  ])('%d -> %s', (bytes, expected) => {
    expect(humanSize(bytes, 4)).toBe(expected);
  });

  it('defaults to precision 3, as `docker images` SIZE and `docker ps -s` use', () => {
    expect(humanSize(1985476)).toBe('1.99MB');
    expect(humanSize(1985476, 4)).toBe('1.985MB');
    expect(humanSize(10)).toBe('10B');
    expect(humanSize(10000)).toBe('10kB');
  });

  it("switches to Go's exponent form when rounding reaches the next power of ten, as %g does", () => {
    expect(humanSize(999_950)).toBe('1e+03kB');
    expect(humanSize(999.6 * MB)).toBe('1e+03MB');
    expect(humanSize(10 * 1000 ** 9, 4)).toBe('1e+04YB');
  });
});

describe('bytesSize (go-units BytesSize)', () => {
  it.each([
    [1024, '1KiB'],
    [1024 * 1024, '1MiB'],
    [1048576, '1MiB'],
    [2 * MiB, '2MiB'],
    [3.42 * GiB, '3.42GiB'],
    [5.372 * TiB, '5.372TiB'],
    [2.22 * PiB, '2.22PiB'],
    [25276063744, '23.54GiB'],
    [0, '0B'],
  ])('%d -> %s', (bytes, expected) => {
    expect(bytesSize(bytes)).toBe(expected);
  });
});

describe('reclaimableSize (docker system df RECLAIMABLE)', () => {
  it('adds the integer percentage of the total', () => {
    expect(reclaimableSize(1985480, 1985480)).toBe('1.985MB (100%)');
    expect(reclaimableSize(0, 3)).toBe('0B (0%)');
    // Go's integer division truncates: 2/3 is 66%, not 67%.
    expect(reclaimableSize(2, 3)).toBe('2B (66%)');
  });
  it('has no percentage without a total', () => {
    expect(reclaimableSize(0, 0)).toBe('0B');
  });
});

describe('humanDuration (go-units HumanDuration)', () => {
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  const week = 7 * day;
  const month = 30 * day;
  const year = 365 * day;
  it.each([
    [450, 'Less than a second'],
    [1 * second, '1 second'],
    [45 * second, '45 seconds'],
    [46 * second, '46 seconds'],
    [59 * second, '59 seconds'],
    [60 * second, 'About a minute'],
    [1 * minute, 'About a minute'],
    [3 * minute, '3 minutes'],
    [35 * minute, '35 minutes'],
    [35 * minute + 40 * second, '35 minutes'],
    [45 * minute, '45 minutes'],
    [45 * minute + 40 * second, '45 minutes'],
    [46 * minute, '46 minutes'],
    [59 * minute, '59 minutes'],
    [1 * hour, 'About an hour'],
    [1 * hour + 29 * minute, 'About an hour'],
    [1 * hour + 31 * minute, '2 hours'],
    [1 * hour + 59 * minute, '2 hours'],
    [3 * hour, '3 hours'],
    [3 * hour + 29 * minute, '3 hours'],
    [3 * hour + 31 * minute, '4 hours'],
    [3 * hour + 59 * minute, '4 hours'],
    [3 * hour + 60 * minute, '4 hours'],
    [24 * hour, '24 hours'],
    [1 * day + 12 * hour, '36 hours'],
    [2 * day, '2 days'],
    [7 * day, '7 days'],
    [13 * day + 5 * hour, '13 days'],
    [2 * week, '2 weeks'],
    [2 * week + 4 * day, '2 weeks'],
    [3 * week, '3 weeks'],
    [4 * week, '4 weeks'],
    [4 * week + 3 * day, '4 weeks'],
    [1 * month, '4 weeks'],
    [1 * month + 2 * week, '6 weeks'],
    [2 * month, '2 months'],
    [2 * month + 2 * week, '2 months'],
    [3 * month, '3 months'],
    [3 * month + 1 * week, '3 months'],
    [5 * month + 2 * week, '5 months'],
    [13 * month, '13 months'],
    [23 * month, '23 months'],
    [24 * month, '24 months'],
    [24 * month + 2 * week, '2 years'],
    [3 * year + 2 * month, '3 years'],
  ])('%d ms -> %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });

  it('ago() counts from a Unix time in seconds', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(ago(now / 1000 - 24 * 3600, now)).toBe('24 hours ago');
  });
});

const port = (p: Partial<EnginePort> & { PrivatePort: number; Type: string }): EnginePort => p;

describe('displayablePorts (docker/cli TestDisplayablePorts)', () => {
  it.each<[EnginePort[], string]>([
    [[port({ PrivatePort: 9988, Type: 'tcp' })], '9988/tcp'],
    [[port({ PrivatePort: 9988, Type: 'udp' })], '9988/udp'],
    [[port({ IP: '0.0.0.0', PrivatePort: 9988, Type: 'tcp' })], '0.0.0.0:0->9988/tcp'],
    [[port({ IP: '::', PrivatePort: 9988, Type: 'tcp' })], '[::]:0->9988/tcp'],
    [[port({ PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' })], '9988/tcp'],
    [[port({ IP: '4.3.2.1', PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' })], '4.3.2.1:8899->9988/tcp'],
    [[port({ IP: '4.3.2.1', PrivatePort: 9988, PublicPort: 9988, Type: 'tcp' })], '4.3.2.1:9988->9988/tcp'],
    [[port({ PrivatePort: 9988, Type: 'udp' }), port({ PrivatePort: 9988, Type: 'udp' })], '9988/udp, 9988/udp'],
    [
      [port({ IP: '1.2.3.4', PublicPort: 9998, PrivatePort: 9998, Type: 'udp' }), port({ IP: '1.2.3.4', PublicPort: 9999, PrivatePort: 9999, Type: 'udp' })],
      '1.2.3.4:9998-9999->9998-9999/udp',
    ],
    [
      [port({ IP: '1.2.3.4', PublicPort: 8887, PrivatePort: 9998, Type: 'udp' }), port({ IP: '1.2.3.4', PublicPort: 8888, PrivatePort: 9999, Type: 'udp' })],
      '1.2.3.4:8887->9998/udp, 1.2.3.4:8888->9999/udp',
    ],
    [[port({ PrivatePort: 9998, Type: 'udp' }), port({ PrivatePort: 9999, Type: 'udp' })], '9998-9999/udp'],
    [
      [port({ IP: '1.2.3.4', PrivatePort: 6677, PublicPort: 7766, Type: 'tcp' }), port({ PrivatePort: 9988, PublicPort: 8899, Type: 'udp' })],
      '9988/udp, 1.2.3.4:7766->6677/tcp',
    ],
    [
      [
        port({ IP: '1.2.3.4', PrivatePort: 9988, PublicPort: 8899, Type: 'udp' }),
        port({ IP: '1.2.3.4', PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' }),
        port({ IP: '4.3.2.1', PrivatePort: 2233, PublicPort: 3322, Type: 'tcp' }),
      ],
      '4.3.2.1:3322->2233/tcp, 1.2.3.4:8899->9988/tcp, 1.2.3.4:8899->9988/udp',
    ],
    [
      [
        port({ PrivatePort: 9988, PublicPort: 8899, Type: 'udp' }),
        port({ IP: '1.2.3.4', PrivatePort: 6677, PublicPort: 7766, Type: 'tcp' }),
        port({ IP: '4.3.2.1', PrivatePort: 2233, PublicPort: 3322, Type: 'tcp' }),
      ],
      '9988/udp, 4.3.2.1:3322->2233/tcp, 1.2.3.4:7766->6677/tcp',
    ],
    [
      [
        port({ PrivatePort: 80, Type: 'tcp' }),
        port({ PrivatePort: 1024, Type: 'tcp' }),
        port({ PrivatePort: 80, Type: 'udp' }),
        port({ PrivatePort: 1024, Type: 'udp' }),
        port({ IP: '1.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'tcp' }),
        port({ IP: '1.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'udp' }),
        port({ IP: '1.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'tcp' }),
        port({ IP: '1.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'udp' }),
        port({ IP: '2.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'tcp' }),
        port({ IP: '2.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'udp' }),
        port({ IP: '2.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'tcp' }),
        port({ IP: '2.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'udp' }),
        port({ PrivatePort: 12345, Type: 'sctp' }),
      ],
      '80/tcp, 80/udp, 1024/tcp, 1024/udp, 12345/sctp, 1.1.1.1:1024->80/tcp, 1.1.1.1:1024->80/udp, 2.1.1.1:1024->80/tcp, 2.1.1.1:1024->80/udp, 1.1.1.1:80->1024/tcp, 1.1.1.1:80->1024/udp, 2.1.1.1:80->1024/tcp, 2.1.1.1:80->1024/udp',
    ],
  ])('case %#', (ports, expected) => {
    expect(displayablePorts(ports)).toBe(expected);
  });

  it('leaves the caller’s array in its order', () => {
    const ports = [port({ PrivatePort: 9999, Type: 'udp' }), port({ PrivatePort: 9998, Type: 'udp' })];
    displayablePorts(ports);
    expect(ports.map((p) => p.PrivatePort)).toEqual([9999, 9998]);
  });
});

describe('small CLI helpers', () => {
  it('ellipsis keeps width-1 characters and adds …', () => {
    expect(ellipsis('sh -c \'echo out1; echo err1\'', 20)).toBe("sh -c 'echo out1; e…");
    expect(ellipsis('short', 20)).toBe('short');
    expect(ellipsis('日本語のテキスト', 4)).toBe('日本語…');
  });
  it('shortId drops the algorithm and keeps 12 characters', () => {
    expect(shortId('sha256:8076bb078054dbcd052d7bf9f98227d4f01d5997a4e0e067c8ef678a169f8b5d')).toBe('8076bb078054');
    expect(shortId('65b1e8e20b3d3f44ab60c17cc5017ba5c5769012b381339b78c85c42e6632647')).toBe('65b1e8e20b3d');
  });
  it('joinLabels sorts bytewise', () => {
    expect(joinLabels({ team: 'blue', 'dockbot.test': 'ps', Zed: '1' })).toBe('Zed=1,dockbot.test=ps,team=blue');
    expect(joinLabels(null)).toBe('');
  });
});
