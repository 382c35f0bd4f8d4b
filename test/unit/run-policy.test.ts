// The run policy: what `run` may ask of the engine, for every role; only config relaxes it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_POLICY, type RunPolicyConfig } from '../../src/config.js';
import { UserError } from '../../src/core/errors.js';
import { applyRunPolicy, containerViolations, findViolations, isUnderAllowedPath, refuseStoredViolations, type StoredContainer } from '../../src/docker/run-policy.js';
import { buildRunSpec, type RunOptions } from '../../src/docker/run-spec.js';

const DEFAULTS: RunPolicyConfig = DEFAULT_RUN_POLICY;

const spec = (options: Partial<RunOptions>) => buildRunSpec({ image: 'busybox', command: [], ...options });

function denial(options: Partial<RunOptions>, policy: Partial<RunPolicyConfig> = {}): UserError {
  try {
    applyRunPolicy(spec(options), { ...DEFAULTS, ...policy });
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected the policy to refuse');
}

describe('run policy', () => {
  it.each<[string, Partial<RunOptions>, string, string]>([
    ['--privileged', { privileged: true }, 'privileged', 'policy.allowPrivileged: true'],
    ['--network host', { network: 'host' }, 'host-namespaces', 'policy.allowHostNamespaces: true'],
    ['--pid host', { pid: 'host' }, 'host-namespaces', 'policy.allowHostNamespaces: true'],
    ['--ipc host', { ipc: 'host' }, 'host-namespaces', 'policy.allowHostNamespaces: true'],
    ['--uts host', { uts: 'host' }, 'host-namespaces', 'policy.allowHostNamespaces: true'],
    ['--cap-add', { capAdd: ['SYS_ADMIN'] }, 'cap-add', 'policy.allowCapAdd: true'],
    ['--device', { devices: ['/dev/kmsg'] }, 'devices', 'policy.allowDevices: true'],
    ['a bind mount', { volumes: ['/etc:/host-etc'] }, 'bind-mounts', 'policy.bindMounts'],
  ])('refuses %s by default, naming the rule and the setting that relaxes it', (_what, options, rule, setting) => {
    const err = denial(options);
    expect(err.code).toBe('forbidden');
    expect(err.message).toContain(`rule ${rule}`);
    expect(err.message).toContain('nothing was created');
    expect(err.hint).toContain(setting);
    expect(err.data).toMatchObject({ rules: [rule] });
  });

  it('allows each of them once config relaxes it', () => {
    const relaxed = { allowPrivileged: true, allowHostNamespaces: true, allowCapAdd: true, allowDevices: true, bindMounts: ['/etc'] };
    const all: Partial<RunOptions> = {
      privileged: true,
      network: 'host',
      pid: 'host',
      ipc: 'host',
      uts: 'host',
      capAdd: ['SYS_ADMIN'],
      devices: ['/dev/kmsg'],
      volumes: ['/etc:/host-etc'],
    };
    expect(findViolations(spec(all), { ...DEFAULTS, ...relaxed })).toEqual([]);
    expect(findViolations(spec(all), DEFAULTS).map((v) => v.rule)).toEqual([
      'privileged',
      'host-namespaces',
      'host-namespaces',
      'host-namespaces',
      'host-namespaces',
      'cap-add',
      'devices',
      'bind-mounts',
    ]);
  });

  it('names every broken rule at once', () => {
    const err = denial({ privileged: true, network: 'host' });
    expect(err.message).toContain('--privileged');
    expect(err.message).toContain('--network host');
    expect(err.data).toMatchObject({ rules: ['privileged', 'host-namespaces'] });
  });

  it('allows named volumes, anonymous volumes, networks that are not the host and private namespaces', () => {
    expect(findViolations(spec({ volumes: ['cache:/cache', '/scratch'], network: 'backend', ipc: 'shareable' }), DEFAULTS)).toEqual([]);
    expect(findViolations(spec({ network: 'none', ipc: 'private' }), DEFAULTS)).toEqual([]);
  });

  describe("joining another container's namespaces", () => {
    // `--pid container:X` reaches X's mounts through /proc/1/root; X may itself join the host or
    // another container: refused outright (fail closed), with the host namespaces' setting.
    it.each<[string, Partial<RunOptions>, string]>([
      ['--pid container:db', { pid: 'container:db' }, '--pid container:db'],
      ['--ipc container:db', { ipc: 'container:db' }, '--ipc container:db'],
      ['--network container:db', { network: 'container:db' }, '--network container:db'],
    ])('%s is refused, naming the rule and the setting', (_what, options, subject) => {
      const err = denial(options);
      expect(err.code).toBe('forbidden');
      expect(err.message).toContain(`${subject} (rule container-namespaces: `);
      expect(err.message).toContain('nothing was created');
      expect(err.hint).toContain('policy.allowHostNamespaces: true');
      expect(err.data).toMatchObject({ rules: ['container-namespaces'] });
    });

    it('is allowed once config allows host namespaces', () => {
      const joins = spec({ pid: 'container:db', ipc: 'container:db', network: 'container:db' });
      expect(findViolations(joins, { ...DEFAULTS, allowHostNamespaces: true })).toEqual([]);
      expect(findViolations(joins, DEFAULTS).map((v) => v.subject)).toEqual(['--network container:db', '--pid container:db', '--ipc container:db']);
    });
  });

  describe('bind mounts', () => {
    const allowlist = { bindMounts: ['/srv/data', '/opt/shared/'] };
    it.each([
      ['/srv/data:/data', true],
      ['/srv/data/app:/data:ro', true],
      ['/opt/shared:/shared', true],
      ['/srv/data/../data/x:/x', true],
      ['/srv/data/../../etc:/etc2', false],
      ['/srv/database:/db', false],
      ['/srv:/srv', false],
      ['/:/host', false],
    ])('%s allowed: %s', (volume, allowed) => {
      const violations = findViolations(spec({ volumes: [volume] }), { ...DEFAULTS, ...allowlist });
      expect(violations.length === 0).toBe(allowed);
    });

    it('resolves `.` and `..` before comparing', () => {
      expect(isUnderAllowedPath('/srv/data/./a/../b', ['/srv/data'])).toBe(true);
      expect(isUnderAllowedPath('/srv/data/../secret', ['/srv/data'])).toBe(false);
      expect(isUnderAllowedPath('/anything', ['/'])).toBe(true);
    });
  });

  describe('registry allowlist', () => {
    const registries = { registries: ['127.0.0.1:5000', 'index.docker.io'] };
    it('checks the domain of the parsed reference', () => {
      expect(findViolations(spec({ image: '127.0.0.1:5000/team/app:1' }), { ...DEFAULTS, ...registries })).toEqual([]);
      // `busybox` is docker.io/library/busybox; index.docker.io is Docker Hub too.
      expect(findViolations(spec({ image: 'busybox' }), { ...DEFAULTS, ...registries })).toEqual([]);
      const err = denial({ image: 'ghcr.io/org/app:1' }, registries);
      expect(err.message).toContain('rule registries');
      expect(err.message).toContain('ghcr.io');
      expect(err.hint).toContain('policy.registries');
    });

    it('refuses image ids while an allowlist is set (their registry cannot be told)', () => {
      const id = 'b'.repeat(64);
      expect(denial({ image: id }, registries).data).toMatchObject({ rules: ['registries'] });
      expect(findViolations(spec({ image: id }), DEFAULTS)).toEqual([]);
    });

    it.each(['363b3a', 'cafe', 'sha256:363b3a', `sha256:${'c'.repeat(64)}`])(
      'refuses %s while an allowlist is set: the engine may resolve it as an image ID, whose registry cannot be told',
      (image) => {
        const err = denial({ image }, registries);
        expect(err.data).toMatchObject({ rules: ['registries'] });
        expect(err.message).toContain(`${image} (rule registries: an image ID`);
        expect(findViolations(spec({ image }), DEFAULTS)).toEqual([]);
      },
    );

    it('checks a hex-looking name given with its registry as the name it is', () => {
      expect(findViolations(spec({ image: 'docker.io/library/363b3a' }), { ...DEFAULTS, registries: ['docker.io'] })).toEqual([]);
      const err = denial({ image: 'docker.io/library/363b3a' }, { registries: ['127.0.0.1:5000'] });
      expect(err.message).toContain('363b3a (rule registries: images must come from an allowed registry (127.0.0.1:5000); this one is from docker.io)');
    });

    it('allows any registry without an allowlist', () => {
      expect(findViolations(spec({ image: 'quay.io/org/app' }), DEFAULTS)).toEqual([]);
    });
  });

  describe('default limits', () => {
    it('adds memory and CPU limits when the request has none', () => {
      const { body, defaultsApplied } = applyRunPolicy(spec({}), DEFAULTS);
      expect(body.HostConfig).toMatchObject({ Memory: 512 * 1024 * 1024, NanoCpus: 1_000_000_000 });
      expect(defaultsApplied).toEqual(['memory 512m', 'cpus 1']);
    });

    it('keeps limits that were asked for, and treats 0 (the engine\'s "unset") as none', () => {
      const asked = applyRunPolicy(spec({ memory: '64m', cpus: 0.5 }), DEFAULTS);
      expect(asked.body.HostConfig).toMatchObject({ Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000 });
      expect(asked.defaultsApplied).toEqual([]);
      const zero = applyRunPolicy(spec({ memory: '0', cpus: 0 }), { ...DEFAULTS, defaultMemory: '1g', defaultCpus: 2 });
      expect(zero.body.HostConfig).toMatchObject({ Memory: 1024 ** 3, NanoCpus: 2_000_000_000 });
    });

    it('does not change the spec it was given', () => {
      const original = spec({});
      applyRunPolicy(original, DEFAULTS);
      expect(original.body.HostConfig).toEqual({});
    });
  });
});

describe('containers created elsewhere (start, restart)', () => {
  /** What `docker inspect` stores for a container created by the Docker CLI. */
  const stored = (host: NonNullable<StoredContainer['HostConfig']> = {}, mounts: StoredContainer['Mounts'] = []): StoredContainer => ({
    HostConfig: { NetworkMode: 'bridge', IpcMode: 'private', PidMode: '', UTSMode: '', CapAdd: null, Devices: [], Binds: null, Mounts: null, ...host },
    Mounts: mounts,
  });

  it('allows what the Docker CLI stores for a plain container', () => {
    expect(containerViolations(stored(), DEFAULTS)).toEqual([]);
    expect(containerViolations(stored({ NetworkMode: 'default', IpcMode: 'shareable' }, [{ Type: 'volume', Source: '/var/lib/docker/volumes/x/_data', Destination: '/x' }]), DEFAULTS)).toEqual([]);
  });

  it.each<[string, StoredContainer, string, string]>([
    ['--privileged', stored({ Privileged: true }), 'privileged', '--privileged'],
    ['--network host', stored({ NetworkMode: 'host' }), 'host-namespaces', '--network host'],
    ['--pid host', stored({ PidMode: 'host' }), 'host-namespaces', '--pid host'],
    ['--ipc host', stored({ IpcMode: 'host' }), 'host-namespaces', '--ipc host'],
    ['--uts host', stored({ UTSMode: 'host' }), 'host-namespaces', '--uts host'],
    ['--pid container:', stored({ PidMode: 'container:abc' }), 'container-namespaces', '--pid container:abc'],
    ['--network container:', stored({ NetworkMode: 'container:abc' }), 'container-namespaces', '--network container:abc'],
    ['--cap-add', stored({ CapAdd: ['CAP_SYS_ADMIN'] }), 'cap-add', '--cap-add CAP_SYS_ADMIN'],
    ['--device', stored({ Devices: [{ PathOnHost: '/dev/kmsg' }] }), 'devices', '--device /dev/kmsg'],
    ['-v /etc:/x', stored({ Binds: ['/etc:/x:ro'] }), 'bind-mounts', '-v /etc:/x'],
    ['--mount type=bind', stored({ Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x' }] }), 'bind-mounts', '-v /etc:/x'],
    ['a bind mount the engine lists', stored({}, [{ Type: 'bind', Source: '/root', Destination: '/r' }]), 'bind-mounts', '-v /root:/r'],
  ])('finds %s in the stored HostConfig', (_what, info, rule, subject) => {
    expect(containerViolations(info, DEFAULTS)).toEqual([expect.objectContaining({ rule, subject })]);
  });

  it('counts a bind mount listed twice (Binds and Mounts) once, and allows the allowlist and named volumes', () => {
    const both = stored({ Binds: ['/etc:/x', 'cache:/cache'] }, [{ Type: 'bind', Source: '/etc', Destination: '/x' }]);
    expect(containerViolations(both, DEFAULTS)).toHaveLength(1);
    // Writable (no :ro): only an entry that allows writing admits it; the plain form is read-only.
    expect(containerViolations(both, { ...DEFAULTS, bindMounts: [{ path: '/etc', rw: true }] })).toEqual([]);
    expect(containerViolations(both, { ...DEFAULTS, bindMounts: ['/etc'] })).toEqual([expect.objectContaining({ rule: 'bind-mounts', reason: expect.stringContaining('read-only') })]);
  });

  it('refuses naming each container and its rules; nothing is started', () => {
    const containers = [
      { name: 'plain', info: stored() },
      { name: 'priv', info: stored({ Privileged: true, PidMode: 'host' }) },
    ];
    let err: unknown;
    try {
      refuseStoredViolations(containers, DEFAULTS, 'nothing was started');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe(
      "the run policy forbids priv: --privileged (rule privileged: privileged containers have full access to the host); priv: --pid host (rule host-namespaces: containers may not share the host's namespaces); nothing was started",
    );
    expect(e.hint).toContain('containers created outside dockbot');
    expect(e.data).toMatchObject({ rules: ['privileged', 'host-namespaces'], violations: [{ container: 'priv' }, { container: 'priv' }] });
    expect(() => refuseStoredViolations([containers[0] as (typeof containers)[0]], DEFAULTS, 'nothing was started')).not.toThrow();
  });
});
