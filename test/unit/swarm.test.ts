// The Swarm pieces that need no engine: the run policy over service specs, the engine's "not a
// manager" answer as a coded error, `SERVICE=N`, Swarm names at the engine layer, task ordering.
import { describe, expect, it } from 'vitest';
import { parseScaleArgument, MAX_REPLICAS } from '../../commands/service-scale.js';
import { DEFAULT_RUN_POLICY, type RunPolicyConfig } from '../../src/config.js';
import { UserError } from '../../src/core/errors.js';
import { engineSegment } from '../../src/docker/engine-guard.js';
import { mapEngineError } from '../../src/docker/errors.js';
import { serviceSpecViolations, type PolicyServiceSpec } from '../../src/docker/run-policy.js';
import { checkStackName, taskRows, type SwarmTask } from '../../src/docker/swarm.js';

const policy = (extra: Partial<RunPolicyConfig> = {}): RunPolicyConfig => ({ ...DEFAULT_RUN_POLICY, ...extra });
const networks = new Map([
  ['hostnetid', 'host'],
  ['overlayid', 'backend'],
]);
const facts = { networkName: (id: string) => networks.get(id) };
const rules = (spec: PolicyServiceSpec, p = policy()) => serviceSpecViolations(spec, p, facts).map((v) => v.rule);
const withContainer = (container: NonNullable<NonNullable<PolicyServiceSpec['TaskTemplate']>['ContainerSpec']>, networksOf: string[] = []): PolicyServiceSpec => ({
  TaskTemplate: { ContainerSpec: { Image: 'busybox:1', ...container }, Networks: networksOf.map((Target) => ({ Target })) },
});

describe('the run policy over service specs', () => {
  it('allows a plain service on an overlay network with a named volume', () => {
    expect(rules(withContainer({ Mounts: [{ Type: 'volume', Source: 'data', Target: '/data' }] }, ['overlayid']))).toEqual([]);
  });

  it.each<[string, PolicyServiceSpec, string]>([
    ['the host network', withContainer({}, ['hostnetid']), 'host-namespaces'],
    ['a network no task names', withContainer({}, ['unknownid']), 'host-namespaces'],
    ['a bind mount', withContainer({ Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x', ReadOnly: true }] }), 'bind-mounts'],
    ['an added capability', withContainer({ CapabilityAdd: ['SYS_ADMIN'] }), 'cap-add'],
    ['seccomp unconfined', withContainer({ Privileges: { Seccomp: { Mode: 'unconfined' } } }), 'security-options'],
    ['AppArmor disabled', withContainer({ Privileges: { AppArmor: { Mode: 'disabled' } } }), 'security-options'],
    ['SELinux disabled', withContainer({ Privileges: { SELinuxContext: { Disable: true } } }), 'security-options'],
    ['a plugin service', { TaskTemplate: { Runtime: 'plugin' } }, 'privileged'],
  ])('refuses %s', (_what, spec, rule) => {
    expect(rules(spec)).toEqual([rule]);
  });

  it('relaxes as the config says, and holds the registry allowlist on the image', () => {
    expect(rules(withContainer({}, ['hostnetid']), policy({ allowHostNamespaces: true }))).toEqual([]);
    expect(rules(withContainer({ Mounts: [{ Type: 'bind', Source: '/srv/ref/x', Target: '/x', ReadOnly: true }] }), policy({ bindMounts: ['/srv/ref'] }))).toEqual([]);
    // Read-only allowlisted path, mounted writable: refused.
    expect(rules(withContainer({ Mounts: [{ Type: 'bind', Source: '/srv/ref', Target: '/x' }] }), policy({ bindMounts: ['/srv/ref'] }))).toEqual(['bind-mounts']);
    const registries = policy({ registries: ['registry.example'] });
    expect(rules(withContainer({ Image: 'registry.example/team/web:2@sha256:' + 'a'.repeat(64) }), registries)).toEqual([]);
    expect(rules(withContainer({ Image: 'busybox:1' }), registries)).toEqual(['registries']);
    expect(rules(withContainer({ Image: 'NOT A REFERENCE' }), registries)).toEqual(['registries']);
  });
});

describe('Swarm errors and arguments', () => {
  it('maps "not a swarm manager" to not_swarm_manager with the way to make one', () => {
    const err = Object.assign(new Error('(HTTP code 503) unexpected'), {
      statusCode: 503,
      json: { message: 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.' },
    });
    const mapped = mapEngineError(err, 'unix:///x.sock');
    expect(mapped).toBeInstanceOf(UserError);
    expect(mapped?.code).toBe('not_swarm_manager');
    expect(mapped?.hint).toContain('docker swarm init');
    const worker = mapEngineError({ ...err, json: { message: "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state." } }, 'unix:///x.sock');
    expect(worker?.code).toBe('not_swarm_manager');
    expect(worker?.hint).toContain('manager node');
    // Another 503 stays an engine error.
    expect(mapEngineError({ ...err, json: { message: 'busy' } }, 'unix:///x.sock')?.code).toBe('engine_error');
  });

  it('reads SERVICE=N, refusing what is not a whole number in range', () => {
    expect(parseScaleArgument('web=3')).toEqual({ service: 'web', replicas: 3 });
    expect(parseScaleArgument('shop_web=0')).toEqual({ service: 'shop_web', replicas: 0 });
    expect(parseScaleArgument(`web=${MAX_REPLICAS}`).replicas).toBe(MAX_REPLICAS);
    for (const bad of ['web', '=3', 'web=']) expect(() => parseScaleArgument(bad), bad).toThrow(UserError);
    for (const [bad, code] of [['web=-1', 'invalid_argument'], ['web=1.5', 'invalid_argument'], [`web=${MAX_REPLICAS + 1}`, 'invalid_argument'], ['web=1e3', 'invalid_argument'], ['web', 'usage']]) {
      try {
        parseScaleArgument(bad as string);
        throw new Error(`${bad} was accepted`);
      } catch (err) {
        expect({ bad, code: (err as UserError).code }).toEqual({ bad, code });
      }
    }
  });

  it('checks service, task and node names and stack names before any request', () => {
    expect(engineSegment('service', 'shop_web-1')).toBe('shop_web-1');
    expect(engineSegment('service', 'wh9wqgxcuulaghfq6nqrg41w0')).toBe('wh9wqgxcuulaghfq6nqrg41w0');
    for (const bad of ['', 'a.b', '-web', 'web-', 'a/b', '..', 'x'.repeat(64), 'web?x=1']) expect(() => engineSegment('service', bad), bad).toThrow(UserError);
    expect(engineSegment('node', 'node-1.example')).toBe('node-1.example');
    expect(() => engineSegment('node', '../info')).toThrow(UserError);
    expect(() => engineSegment('task', 'ABC')).toThrow(UserError);
    expect(checkStackName('shop')).toBe('shop');
    for (const bad of ['', '-x', 'a b', 'a=b', 'x'.repeat(64)]) expect(() => checkStackName(bad), bad).toThrow(UserError);
  });
});

describe('task rows', () => {
  it('orders by slot, newest first, marking older tasks of a slot as history', () => {
    const task = (id: string, slot: number, time: string, state: string, err?: string): SwarmTask => ({
      ID: id,
      ServiceID: 'svc',
      Slot: slot,
      NodeID: 'n1',
      DesiredState: state === 'running' ? 'running' : 'shutdown',
      Status: { Timestamp: time, State: state, ...(err ? { Err: err } : {}) },
      Spec: { ContainerSpec: { Image: `busybox:1@sha256:${'b'.repeat(64)}` } },
    });
    const rows = taskRows(
      [task('old1', 1, '2024-01-01T00:00:00Z', 'rejected', 'No such image: x'), task('new2', 2, '2024-01-01T00:01:00Z', 'running'), task('new1', 1, '2024-01-01T00:02:00Z', 'running')],
      new Map([['svc', 'web']]),
      new Map([['n1', 'node-1']]),
      Date.parse('2024-01-01T00:03:00Z'),
    );
    expect(rows.map((r) => [r.ID, r.Name, r.History, r.Node, r.Image])).toEqual([
      ['new1', 'web.1', false, 'node-1', 'busybox:1'],
      ['old1', 'web.1', true, 'node-1', 'busybox:1'],
      ['new2', 'web.2', false, 'node-1', 'busybox:1'],
    ]);
    expect(rows[1]).toMatchObject({ DesiredState: 'Shutdown', CurrentState: 'Rejected 3 minutes ago', Error: 'No such image: x' });
  });
});
