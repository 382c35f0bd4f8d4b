// `docker run` flags -> the Engine's create body, as the Docker CLI builds it.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { buildRunSpec, cpusToNano, parseMemorySize, parseRestartPolicy, parseVolume, type RunOptions } from '../../src/docker/run-spec.js';

const IMAGE = 'nginx:1.27';
const spec = (options: Partial<RunOptions>) => buildRunSpec({ image: IMAGE, command: [], ...options });

function failure(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (err) {
    if (err instanceof UserError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('buildRunSpec', () => {
  it('run -d -p 8080:80 -e A=1 -l k=v --name web IMAGE sleep 60', () => {
    const { body, foreground, image } = spec({
      detach: true,
      publish: ['8080:80'],
      env: ['A=1'],
      labels: ['k=v'],
      name: 'web',
      command: ['sleep', '60'],
    });
    expect(foreground).toBe(false);
    expect(image).toMatchObject({ kind: 'reference', reference: { normalized: 'docker.io/library/nginx:1.27' } });
    expect(body).toEqual({
      name: 'web',
      Image: IMAGE,
      Cmd: ['sleep', '60'],
      Env: ['A=1'],
      Labels: { k: 'v' },
      ExposedPorts: { '80/tcp': {} },
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      OpenStdin: false,
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
    });
  });

  it('a foreground run attaches stdout and stderr and keeps the image CMD when none is given', () => {
    const { body, foreground } = spec({});
    expect(foreground).toBe(true);
    expect(body).toMatchObject({ AttachStdout: true, AttachStderr: true, AttachStdin: false });
    expect(body).not.toHaveProperty('Cmd');
    expect(body).not.toHaveProperty('name');
  });

  it('maps the remaining flags to HostConfig', () => {
    const { body } = spec({
      autoRemove: true,
      workdir: '/app',
      entrypoint: '/bin/sh',
      user: '1000:1000',
      memory: '256m',
      cpus: 1.5,
      network: 'backend',
      restart: 'no',
      volumes: ['cache:/cache', '/srv/data:/data:ro', '/scratch'],
      pid: 'container:db',
      ipc: 'shareable',
      uts: 'host',
      privileged: true,
      capAdd: ['NET_ADMIN'],
      devices: ['/dev/fuse'],
    });
    expect(body).toMatchObject({
      WorkingDir: '/app',
      Entrypoint: ['/bin/sh'],
      User: '1000:1000',
      Volumes: { '/scratch': {} },
      HostConfig: {
        AutoRemove: true,
        Memory: 256 * 1024 * 1024,
        NanoCpus: 1_500_000_000,
        NetworkMode: 'backend',
        RestartPolicy: { Name: 'no' },
        Binds: ['cache:/cache', '/srv/data:/data:ro'],
        PidMode: 'container:db',
        IpcMode: 'shareable',
        UTSMode: 'host',
        Privileged: true,
        CapAdd: ['NET_ADMIN'],
        Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      },
    });
  });

  it('--entrypoint "" clears the image entrypoint', () => {
    expect(spec({ entrypoint: '' }).body.Entrypoint).toEqual(['']);
  });

  it('-l key without a value is an empty label; -e KEY without a value is refused', () => {
    expect(spec({ labels: ['team', 'a=b=c'] }).body.Labels).toEqual({ team: '', a: 'b=c' });
    expect(failure(() => spec({ env: ['TOKEN'] }))).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('-e TOKEN has no value') });
    expect(failure(() => spec({ env: ['=x'] })).code).toBe('invalid_argument');
  });

  it('validates names as the engine does', () => {
    expect(spec({ name: 'web-1.a_b' }).body.name).toBe('web-1.a_b');
    expect(spec({ name: '/web' }).body.name).toBe('web');
    for (const bad of ['x', '-web', 'we b', 'wéb']) expect(failure(() => spec({ name: bad })).code).toBe('invalid_argument');
  });

  it('refuses --rm with a restart policy, as the CLI does', () => {
    expect(failure(() => spec({ autoRemove: true, restart: 'always' }))).toMatchObject({ code: 'usage', message: 'conflicting options: --restart and --rm' });
    expect(spec({ autoRemove: true, restart: 'no' }).body.HostConfig.AutoRemove).toBe(true);
  });

  it('refuses a relative working directory', () => {
    expect(failure(() => spec({ workdir: 'app' })).code).toBe('invalid_argument');
  });

  it('reports bad references and port specs with their own codes', () => {
    expect(failure(() => spec({ image: 'Nginx' })).code).toBe('invalid_reference');
    expect(failure(() => spec({ publish: ['80:80:80:80'] })).code).toBe('invalid_argument');
  });

  it('accepts image ids', () => {
    const id = 'a'.repeat(64);
    expect(buildRunSpec({ image: id, command: [] }).image).toEqual({ kind: 'id', id: `sha256:${id}` });
  });

  it('validates namespace modes', () => {
    expect(failure(() => spec({ pid: 'hots' }))).toMatchObject({ code: 'invalid_argument', message: 'invalid --pid mode "hots"' });
    expect(failure(() => spec({ uts: 'container:x' })).code).toBe('invalid_argument');
    expect(spec({ ipc: 'none' }).body.HostConfig.IpcMode).toBe('none');
  });

  it('parses --device as the CLI does', () => {
    const devices = spec({ devices: ['/dev/sda:/dev/xvda:r', '/dev/tty0:rw', '/dev/a:/dev/b'] }).body.HostConfig.Devices;
    expect(devices).toEqual([
      { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' },
      { PathOnHost: '/dev/tty0', PathInContainer: '/dev/tty0', CgroupPermissions: 'rw' },
      { PathOnHost: '/dev/a', PathInContainer: '/dev/b', CgroupPermissions: 'rwm' },
    ]);
    expect(failure(() => spec({ devices: ['sda'] })).code).toBe('invalid_argument');
    expect(failure(() => spec({ devices: ['/dev/sda:/dev/b:rwx'] })).code).toBe('invalid_argument');
  });
});

describe('parseVolume', () => {
  it.each([
    ['/data', { kind: 'anonymous', target: '/data' }],
    ['/data:ro', { kind: 'anonymous', target: '/data', mode: 'ro' }],
    ['cache:/cache', { kind: 'volume', source: 'cache', target: '/cache' }],
    ['cache:/cache:ro,nocopy', { kind: 'volume', source: 'cache', target: '/cache', mode: 'ro,nocopy' }],
    ['/srv/data:/data', { kind: 'bind', source: '/srv/data', target: '/data' }],
    ['/srv/data/../../etc:/etc2:rw', { kind: 'bind', source: '/etc', target: '/etc2', mode: 'rw' }],
    ['/srv//data/./x/:/x/../y', { kind: 'bind', source: '/srv/data/x/', target: '/y' }],
  ])('%s', (raw, expected) => {
    expect(parseVolume(raw)).toEqual(expected);
  });

  it.each([
    ['relative host path', './data:/data'],
    ['home-relative host path', '~/data:/data'],
    ['relative container path', 'cache:data'],
    ['root as target', 'cache:/'],
    ['bad mode', '/a:/b:rx'],
    ['too many parts', '/a:/b:ro:z'],
    ['bad volume name', 'c@che:/cache'],
    ['empty source', ':/data'],
  ])('refuses a %s', (_what, raw) => {
    expect(failure(() => parseVolume(raw)).code).toBe('invalid_argument');
  });
});

describe('sizes, CPUs and restart policies', () => {
  it.each([
    ['1048576', 1048576],
    ['512m', 512 * 1024 ** 2],
    ['512M', 512 * 1024 ** 2],
    ['512MiB', 512 * 1024 ** 2],
    ['512mb', 512 * 1024 ** 2],
    ['1.5g', 1.5 * 1024 ** 3],
    ['64k', 64 * 1024],
    ['2 g', 2 * 1024 ** 3],
    ['100b', 100],
  ])('memory %s', (raw, bytes) => {
    expect(parseMemorySize(raw)).toBe(bytes);
  });

  it('refuses memory sizes that are not sizes, or below the engine minimum', () => {
    for (const bad of ['', 'lots', '1x', '-1m', '1.2.3m']) expect(failure(() => parseMemorySize(bad)).code).toBe('invalid_argument');
    expect(failure(() => spec({ memory: '4m' })).message).toContain('the minimum is 6MB');
    // 0 is the engine's "not set": the policy default applies later.
    expect(spec({ memory: '0' }).body.HostConfig.Memory).toBe(0);
  });

  it('cpus', () => {
    expect(cpusToNano(0.5)).toBe(500_000_000);
    expect(cpusToNano(2)).toBe(2_000_000_000);
    expect(failure(() => cpusToNano(-1)).code).toBe('invalid_argument');
    expect(failure(() => cpusToNano(0.001)).code).toBe('invalid_argument');
  });

  it.each([
    ['no', { Name: 'no' }],
    ['always', { Name: 'always' }],
    ['unless-stopped', { Name: 'unless-stopped' }],
    ['on-failure', { Name: 'on-failure' }],
    ['on-failure:3', { Name: 'on-failure', MaximumRetryCount: 3 }],
  ])('restart %s', (raw, expected) => {
    expect(parseRestartPolicy(raw)).toEqual(expected);
  });

  it('refuses bad restart policies', () => {
    for (const bad of ['sometimes', 'always:3', 'on-failure:x', 'on-failure:1:2']) expect(failure(() => parseRestartPolicy(bad)).code).toBe('invalid_argument');
  });
});
