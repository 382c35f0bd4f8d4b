import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { containerBlocks, containerPorts, imageBlocks, summarizeContainer, summarizeImage } from '../../../commands/inspect.js';
import { plainText, reply } from '../../../src/core/reply.js';
import { redactEnv, redactEnvEntry } from '../../../src/core/redact.js';

describe('redactEnv', () => {
  it('keeps the names and hides the values', () => {
    expect(redactEnv(['SECRET=hunter2', 'EMPTY=', 'WITH_EQUALS=a=b', 'BARE'])).toEqual([
      'SECRET=[redacted]',
      'EMPTY=[redacted]',
      'WITH_EQUALS=[redacted]',
      'BARE',
    ]);
    expect(redactEnv(null)).toEqual([]);
    expect(redactEnvEntry('PATH=/usr/bin')).toBe('PATH=[redacted]');
  });
});

function container(overrides: Record<string, unknown> = {}): Dockerode.ContainerInspectInfo {
  const base = {
    Id: '2041b894a7c8f205a299174dc018e979e2bbdb5871f8ad1ee1b0bfa63dcdd4cd',
    Created: '2026-11-27T20:30:13.212278915Z',
    Path: 'sh',
    Args: ['-c', 'echo "$SECRET" && sleep 600'],
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 10798,
      ExitCode: 0,
      Error: '',
      StartedAt: '2026-11-27T20:30:13.39980881Z',
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: 'sha256:8076bb078054dbcd052d7bf9f98227d4f01d5997a4e0e067c8ef678a169f8b5d',
    Name: '/web',
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }], '443/tcp': [{ HostIp: '', HostPort: '' }] }, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } },
    Mounts: [
      { Type: 'volume', Name: 'data', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', Mode: 'z', RW: true, Propagation: '' },
      { Type: 'bind', Source: '/etc/app', Destination: '/config', Mode: '', RW: false, Propagation: 'rprivate' },
    ],
    Config: {
      Image: 'busybox:1',
      Env: ['SECRET=hunter2', 'PATH=/usr/bin'],
      ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {} },
      Labels: { team: 'blue', 'dockbot.test': 'unit' },
      Tty: false,
    },
    NetworkSettings: { Ports: {}, Networks: { bridge: { IPAddress: '172.17.0.2' } } },
    ...overrides,
  };
  return base as unknown as Dockerode.ContainerInspectInfo;
}

describe('container summary', () => {
  it('keeps the useful fields and never an env value', () => {
    const summary = summarizeContainer(container());
    expect(summary).toMatchObject({
      type: 'container',
      name: 'web',
      image: 'busybox:1',
      command: ['sh', '-c', 'echo "$SECRET" && sleep 600'],
      ports: ['53/udp', '127.0.0.1:8081->80/tcp', '(random)->443/tcp'],
      mounts: [
        { type: 'volume', source: 'data', destination: '/data', readOnly: false },
        { type: 'bind', source: '/etc/app', destination: '/config', readOnly: true },
      ],
      networks: { bridge: '172.17.0.2' },
      restartPolicy: 'on-failure:3',
      env: ['SECRET=[redacted]', 'PATH=[redacted]'],
      state: { status: 'running', pid: 10798 },
    });
    const text = plainText(reply(containerBlocks(summary)));
    expect(text).not.toContain('hunter2');
    expect(text).toContain('SECRET=[redacted]');
    expect(text).toContain("sh -c 'echo \"$SECRET\" && sleep 600'");
    expect(text).toContain('volume data -> /data, bind /etc/app -> /config (ro)');
    expect(text).toContain('running since');
  });

  it('prefers the live port bindings of a running container', () => {
    const live = container({ NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '49153' }, { HostIp: '::', HostPort: '49153' }] }, Networks: {} } });
    expect(containerPorts(live)).toEqual(['53/udp', '0.0.0.0:49153->80/tcp', '[::]:49153->80/tcp', '(random)->443/tcp']);
  });

  it('describes an exited container by its exit code', () => {
    const exited = container({
      State: { Status: 'exited', Running: false, Pid: 0, ExitCode: 1, StartedAt: '2026-11-27T20:30:13Z', FinishedAt: '2026-11-27T20:30:14Z' },
      HostConfig: { RestartPolicy: { Name: '' } },
    });
    const text = plainText(reply(containerBlocks(summarizeContainer(exited))));
    expect(text).toMatch(/State: exited \(1\) .* ago/);
    expect(text).toContain('Restart policy: no');
  });
});

describe('image summary', () => {
  const image = {
    Id: 'sha256:5177b8fb82878bda5b91f0750645c42eba85007011198fa936db3d61602822e1',
    RepoTags: ['imgtest/app:latest', 'imgtest/app:v1'],
    RepoDigests: [],
    Created: '2026-11-27T20:27:01.831562261Z',
    Size: 1985476,
    Architecture: 'amd64',
    Os: 'linux',
    RootFS: { Type: 'layers', Layers: ['sha256:a', 'sha256:b', 'sha256:c'] },
    Config: { Env: ['PATH=/bin', 'SECRET=hunter2'], Cmd: ['sh'], Entrypoint: null, ExposedPorts: { '80/tcp': {}, '53/udp': {} }, Labels: null, WorkingDir: '', User: '' },
  } as unknown as Dockerode.ImageInspectInfo;

  it('lists tags, layers, ports and env names only', () => {
    const summary = summarizeImage(image);
    expect(summary).toMatchObject({
      tags: ['imgtest/app:latest', 'imgtest/app:v1'],
      layers: 3,
      cmd: ['sh'],
      entrypoint: [],
      exposedPorts: ['53/udp', '80/tcp'],
      env: ['PATH=[redacted]', 'SECRET=[redacted]'],
      labels: {},
    });
    const text = plainText(reply(imageBlocks(summary)));
    expect(text).not.toContain('hunter2');
    expect(text).toContain('Size: 1.99MB');
    expect(text).toContain('Entrypoint: none');
    expect(text).toContain('Platform: linux/amd64');
  });
});
