// The run policy: what `run` may ask of the engine, for every role; only config relaxes it.
import { describe, expect, it } from 'vitest';
import type { RunPolicyConfig } from '../../src/config.js';
import { UserError } from '../../src/core/errors.js';
import { applyRunPolicy, findViolations, isUnderAllowedPath, joinedNamespaces } from '../../src/core/run-policy.js';
import { buildRunSpec, type RunOptions } from '../../src/docker/run-spec.js';

/** The schema's defaults (config.ts): everything dangerous off, 512m and 1 CPU. */
const DEFAULTS: RunPolicyConfig = {
  allowPrivileged: false,
  allowHostNamespaces: false,
  allowCapAdd: false,
  allowDevices: false,
  bindMounts: [],
  registries: [],
  defaultMemory: '512m',
  defaultCpus: 1,
  foregroundTimeoutSeconds: 60,
};

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

  it('allows named volumes, anonymous volumes and networks that are not the host', () => {
    expect(findViolations(spec({ volumes: ['cache:/cache', '/scratch'], network: 'backend', pid: 'container:db' }), DEFAULTS)).toEqual([]);
  });

  it('lists the namespaces taken from other containers, for the caller to look up', () => {
    expect(joinedNamespaces(spec({ network: 'container:db', pid: 'container:web', ipc: 'shareable' }).body)).toEqual([
      { flag: '--network', field: 'NetworkMode', container: 'db' },
      { flag: '--pid', field: 'PidMode', container: 'web' },
    ]);
    expect(joinedNamespaces(spec({ network: 'backend' }).body)).toEqual([]);
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
