// What `run` may ask of the engine. The rules hold for every role, admin included: only
// dockbot.yaml (`policy:`) relaxes them. They are checked on the create body that would be
// sent, so no flag spelling can slip past them, and also under --dry-run.
import { posix } from 'node:path';
import type { RunPolicyConfig } from '../config.js';
import { canonicalRegistryDomain } from '../docker/reference.js';
import type { RunCreateBody, RunSpec } from '../docker/run-spec.js';
import { cpusToNano, parseMemorySize } from '../docker/run-spec.js';
import { UserError } from './errors.js';

export type RunRule = 'privileged' | 'host-namespaces' | 'cap-add' | 'devices' | 'bind-mounts' | 'registries';

export interface PolicyViolation {
  rule: RunRule;
  /** What in the request broke the rule, as typed: `--network host`, `-v /etc:/x`. */
  subject: string;
  /** The rule in words. */
  reason: string;
  /** The dockbot.yaml setting that relaxes it. */
  setting: string;
}

export interface PolicyDecision {
  /** The body to send: the request plus the default limits it did not set. */
  body: RunCreateBody;
  /** Limits the policy added, e.g. `memory 512m`. */
  defaultsApplied: string[];
}

const SETTING: Record<RunRule, string> = {
  privileged: 'policy.allowPrivileged: true',
  'host-namespaces': 'policy.allowHostNamespaces: true',
  'cap-add': 'policy.allowCapAdd: true',
  devices: 'policy.allowDevices: true',
  'bind-mounts': 'policy.bindMounts: [<host path>]',
  registries: 'policy.registries: [<registry>]',
};

/** Every rule the request breaks; empty when it may run. */
export function findViolations(spec: RunSpec, policy: RunPolicyConfig): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const add = (rule: RunRule, subject: string, reason: string): void => {
    violations.push({ rule, subject, reason, setting: SETTING[rule] });
  };
  const host = spec.body.HostConfig;

  if (host.Privileged && !policy.allowPrivileged) add('privileged', '--privileged', 'privileged containers have full access to the host');
  if (!policy.allowHostNamespaces) {
    const namespaces: Array<[string, string | undefined]> = [
      ['--network', host.NetworkMode],
      ['--pid', host.PidMode],
      ['--ipc', host.IpcMode],
      ['--uts', host.UTSMode],
    ];
    for (const [flag, mode] of namespaces) {
      if (mode === 'host') add('host-namespaces', `${flag} host`, "containers may not share the host's namespaces");
    }
  }
  if (host.CapAdd?.length && !policy.allowCapAdd) add('cap-add', `--cap-add ${host.CapAdd.join(',')}`, 'containers may not get added capabilities');
  if (host.Devices?.length && !policy.allowDevices) {
    add('devices', host.Devices.map((d) => `--device ${d.PathOnHost}`).join(' '), 'containers may not get host devices');
  }

  for (const mount of spec.mounts) {
    if (mount.kind !== 'bind') continue;
    if (!isUnderAllowedPath(mount.source, policy.bindMounts)) {
      const reason = policy.bindMounts.length ? `host paths must be inside ${policy.bindMounts.join(', ')}` : 'no host path may be mounted';
      add('bind-mounts', `-v ${mount.source}:${mount.target}`, reason);
    }
  }

  if (policy.registries.length) {
    const reference = spec.image.kind === 'id' ? undefined : spec.image.reference;
    if (!reference) {
      add('registries', spec.body.Image, 'an image ID cannot be checked against the registry allowlist: name the image by repository');
    } else if (!isRegistryAllowed(reference.domain, policy.registries)) {
      add('registries', reference.familiar, `images must come from an allowed registry (${policy.registries.join(', ')}); this one is from ${reference.domain}`);
    }
  }
  return violations;
}

export interface JoinedNamespace {
  flag: '--network' | '--pid' | '--ipc';
  /** The container whose namespace is shared (`--pid container:db` -> `db`). */
  container: string;
  field: 'NetworkMode' | 'PidMode' | 'IpcMode';
}

/**
 * Namespaces the request takes from other containers. Joining a container that uses the host's
 * namespace is using the host's namespace, so the caller looks each one up (this file stays pure).
 */
export function joinedNamespaces(body: RunCreateBody): JoinedNamespace[] {
  const joined: JoinedNamespace[] = [];
  const fields: Array<[JoinedNamespace['flag'], JoinedNamespace['field']]> = [
    ['--network', 'NetworkMode'],
    ['--pid', 'PidMode'],
    ['--ipc', 'IpcMode'],
  ];
  for (const [flag, field] of fields) {
    const mode = body.HostConfig[field];
    if (mode?.startsWith('container:')) joined.push({ flag, field, container: mode.slice('container:'.length) });
  }
  return joined;
}

/** The violation for joining a container that shares the host's namespace. */
export function hostNamespaceByProxy(joined: JoinedNamespace): PolicyViolation {
  return {
    rule: 'host-namespaces',
    subject: `${joined.flag} container:${joined.container}`,
    reason: `${joined.container} uses the host's namespace, so joining it would too`,
    setting: SETTING['host-namespaces'],
  };
}

/** Checks the rules and fills in the default limits; throws `forbidden` naming each broken rule. */
export function applyRunPolicy(spec: RunSpec, policy: RunPolicyConfig): PolicyDecision {
  const violations = findViolations(spec, policy);
  if (violations.length) throw policyError(violations);

  const hostConfig = { ...spec.body.HostConfig };
  const defaultsApplied: string[] = [];
  // 0 is the engine's "unset", so it gets the default too.
  if (!hostConfig.Memory) {
    hostConfig.Memory = parseMemorySize(policy.defaultMemory);
    defaultsApplied.push(`memory ${policy.defaultMemory}`);
  }
  if (!hostConfig.NanoCpus) {
    hostConfig.NanoCpus = cpusToNano(policy.defaultCpus);
    defaultsApplied.push(`cpus ${policy.defaultCpus}`);
  }
  return { body: { ...spec.body, HostConfig: hostConfig }, defaultsApplied };
}

export function policyError(violations: readonly PolicyViolation[]): UserError {
  const rules = [...new Set(violations.map((v) => v.rule))];
  const settings = [...new Set(violations.map((v) => v.setting))];
  const what = violations.map((v) => `${v.subject} (rule ${v.rule}: ${v.reason})`).join('; ');
  return new UserError('forbidden', `the run policy forbids ${what}; nothing was created`, {
    hint: `the policy applies to every role; an admin can relax it in dockbot.yaml with ${settings.join(', ')}`,
    data: { rules, violations },
  });
}

/** True when the host path is an allowed path or inside one (after resolving `.` and `..`). */
export function isUnderAllowedPath(hostPath: string, allowed: readonly string[]): boolean {
  const path = posix.normalize(hostPath);
  return allowed.some((entry) => {
    const root = posix.normalize(entry).replace(/\/+$/, '') || '/';
    return root === '/' || path === root || path.startsWith(`${root}/`);
  });
}

/**
 * `policy.registries`, for `run` and `pull` alike: true when no allowlist is set or the registry
 * is on it (Docker Hub under any of its spellings).
 */
export function isRegistryAllowed(domain: string, registries: readonly string[]): boolean {
  return registries.length === 0 || registries.map(canonicalRegistryDomain).includes(canonicalRegistryDomain(domain));
}
