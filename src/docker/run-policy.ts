// What `run` may ask of the engine, and what `start`/`restart` may start. The rules hold for
// every role, admin included: only dockbot.yaml (`policy:`) relaxes them. They are checked on
// the create body that would be sent, so no flag spelling can slip past them, also under
// --dry-run; on the HostConfig the engine stored for an existing container, however it
// was created; and on the spec a Swarm service's tasks would be started from.
import { existsSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { RunPolicyConfig } from '../config.js';
import type { DockerHost } from './host.js';
import { canonicalRegistryDomain, parseReference } from './reference.js';
import type { RunCreateBody, RunSpec } from './run-spec.js';
import { cpusToNano, formatBind, parseMemorySize } from './run-spec.js';
import { UserError } from '../core/errors.js';

export type RunRule = 'privileged' | 'host-namespaces' | 'container-namespaces' | 'cap-add' | 'devices' | 'bind-mounts' | 'security-options' | 'registries';

export interface PolicyViolation {
  rule: RunRule;
  /** What in the request broke the rule, as typed: `--network host`, `-v /etc:/x`. */
  subject: string;
  /** The rule in words. */
  reason: string;
  /** The dockbot.yaml setting that relaxes it. */
  setting: string;
  /** The existing container that breaks it (`start`, `restart`); absent for `run`. */
  container?: string;
}

export interface PolicyDecision {
  /** The body to send: the request plus the default limits it did not set. */
  body: RunCreateBody;
  /** Limits the policy added, e.g. `memory 512m`. */
  defaultsApplied: string[];
}

/**
 * The part of a HostConfig the rules read: as `run` would send it, or as the engine stored it
 * for a container created some other way (the Docker CLI, compose), which `start` checks.
 */
export interface PolicyHostConfig {
  Privileged?: boolean | null;
  NetworkMode?: string | null;
  PidMode?: string | null;
  IpcMode?: string | null;
  UTSMode?: string | null;
  CapAdd?: readonly string[] | null;
  Devices?: ReadonlyArray<{ PathOnHost?: string }> | null;
  UsernsMode?: string | null;
  CgroupnsMode?: string | null;
  SecurityOpt?: readonly string[] | null;
}

/** A host path mounted into a container. */
export interface HostPathMount {
  source: string;
  target: string;
  /** Mounted read-only (`:ro`); writable otherwise. */
  readOnly: boolean;
}

/**
 * A host path's real location, symbolic links resolved, as a local engine would follow them.
 * A path that does not exist yet (the engine creates it) is resolved through its nearest
 * existing parent. Only meaningful when the engine runs on this host.
 */
export type RealPath = (hostPath: string) => string;

/** The real-path check applies when the engine shares this host's files (a unix socket). */
export const realPathFor = (host: { isLocal: boolean }): RealPath | undefined => (host.isLocal ? localRealPath : undefined);

/** What the checks of a stored container need to know about the engine that stored it. */
export interface EngineFacts {
  realPath?: RealPath;
  /** On cgroup v1 the engine gives every container the host's cgroup namespace: not something its creator asked for. */
  cgroupnsHostIsDefault?: boolean;
}

const factsCache = new WeakMap<object, EngineFacts>();

/** For `start` and `restart`: the real-path check and the engine's cgroup version (`info`, asked once). */
export async function storedContainerFacts(host: DockerHost): Promise<EngineFacts> {
  const known = factsCache.get(host);
  if (known) return known;
  const info = (await host.engine.info()) as { CgroupVersion?: string };
  const facts: EngineFacts = { ...(host.isLocal ? { realPath: localRealPath } : {}), cgroupnsHostIsDefault: info.CgroupVersion === '1' };
  factsCache.set(host, facts);
  return facts;
}

export const localRealPath: RealPath = (hostPath) => {
  const rest: string[] = [];
  let existing = posix.normalize(hostPath);
  while (existing !== '/' && !existsSync(existing)) {
    rest.unshift(posix.basename(existing));
    existing = posix.dirname(existing);
  }
  return posix.join(realpathSync(existing), ...rest);
};

/** One entry of `policy.bindMounts`: a plain path is read-only; `{path, rw: true}` may be written. */
export interface BindAllowance {
  path: string;
  rw: boolean;
}

export function bindAllowances(policy: Pick<RunPolicyConfig, 'bindMounts'>): BindAllowance[] {
  return policy.bindMounts.map((entry) => (typeof entry === 'string' ? { path: entry, rw: false } : { path: entry.path, rw: entry.rw }));
}

/** Security options that switch a confinement off: seccomp or AppArmor unconfined, SELinux labels disabled. */
const UNCONFINED_OPTION = /^(seccomp|apparmor|systempaths)[=:]unconfined$|^label[=:]disable$/i;

const SETTING: Record<RunRule, string> = {
  privileged: 'policy.allowPrivileged: true',
  'host-namespaces': 'policy.allowHostNamespaces: true',
  // Joining another container's namespace can reach the host's (or what that container can): same setting.
  'container-namespaces': 'policy.allowHostNamespaces: true',
  'cap-add': 'policy.allowCapAdd: true',
  devices: 'policy.allowDevices: true',
  'bind-mounts': 'policy.bindMounts: [<host path>] (or {path: <host path>, rw: true} to allow writing)',
  'security-options': 'policy.allowUnconfined: true',
  registries: 'policy.registries: [<registry>]',
};

const NAMESPACES: ReadonlyArray<[string, keyof PolicyHostConfig & ('NetworkMode' | 'PidMode' | 'IpcMode' | 'UTSMode')]> = [
  ['--network', 'NetworkMode'],
  ['--pid', 'PidMode'],
  ['--ipc', 'IpcMode'],
  ['--uts', 'UTSMode'],
];

const violation = (rule: RunRule, subject: string, reason: string): PolicyViolation => ({ rule, subject, reason, setting: SETTING[rule] });

/**
 * The rules that read a HostConfig and the host paths it mounts: privileged, host and container
 * namespaces, added capabilities, devices, bind mounts. The same for `run` and for `start`.
 */
export function hostConfigViolations(host: PolicyHostConfig, binds: readonly HostPathMount[], policy: RunPolicyConfig, facts: EngineFacts = {}): PolicyViolation[] {
  const { realPath } = facts;
  const violations: PolicyViolation[] = [];
  if (host.Privileged && !policy.allowPrivileged) violations.push(violation('privileged', '--privileged', 'privileged containers have full access to the host'));
  if (!policy.allowHostNamespaces) {
    for (const [flag, field] of NAMESPACES) {
      const mode = host[field];
      if (mode === 'host') violations.push(violation('host-namespaces', `${flag} host`, "containers may not share the host's namespaces"));
      // Fail closed: the container joined may use the host's namespaces, have mounts (reachable
      // through /proc/1/root with a shared PID namespace) or join yet another one.
      if (mode?.startsWith('container:')) {
        violations.push(
          violation('container-namespaces', `${flag} ${mode}`, "containers may not join another container's namespaces: that reaches whatever the other container can, its mounts and host namespaces included"),
        );
      }
    }
    // A host user namespace undoes user remapping; a host cgroup namespace shows the host's cgroup tree.
    if (host.UsernsMode === 'host') violations.push(violation('host-namespaces', '--userns host', "containers may not share the host's namespaces"));
    if (host.CgroupnsMode === 'host' && !facts.cgroupnsHostIsDefault) violations.push(violation('host-namespaces', '--cgroupns host', "containers may not share the host's namespaces"));
  }
  const unconfined = (host.SecurityOpt ?? []).filter((o) => UNCONFINED_OPTION.test(o));
  if (unconfined.length && !policy.allowUnconfined) {
    violations.push(violation('security-options', unconfined.map((o) => `--security-opt ${o}`).join(' '), 'containers may not run without seccomp, AppArmor or SELinux confinement'));
  }
  if (host.CapAdd?.length && !policy.allowCapAdd) violations.push(violation('cap-add', `--cap-add ${host.CapAdd.join(',')}`, 'containers may not get added capabilities'));
  if (host.Devices?.length && !policy.allowDevices) {
    violations.push(violation('devices', host.Devices.map((d) => `--device ${d.PathOnHost ?? '?'}`).join(' '), 'containers may not get host devices'));
  }
  const allowances = bindAllowances(policy);
  for (const mount of binds) violations.push(...bindViolations(mount, allowances, realPath));
  return violations;
}

/**
 * A bind mount is allowed when its source lies inside an allowlisted path, and, on a local
 * engine, still does once symbolic links are resolved (a link inside a writable allowlisted
 * directory must not lead to `/`). It may be writable only under an entry with `rw: true`.
 */
function bindViolations(mount: HostPathMount, allowances: readonly BindAllowance[], realPath: RealPath | undefined): PolicyViolation[] {
  const subject = `-v ${mount.source}:${mount.target}`;
  const paths = allowances.map((a) => a.path);
  const entry = allowanceFor(mount.source, allowances);
  if (!entry) {
    return [violation('bind-mounts', subject, paths.length ? `host paths must be inside ${paths.join(', ')}` : 'no host path may be mounted')];
  }
  if (realPath) {
    const real = realPath(mount.source);
    const realEntry = allowanceFor(real, allowances.map((a) => ({ ...a, path: realPath(a.path) })));
    if (!realEntry) return [violation('bind-mounts', subject, `${mount.source} leads to ${real} through a symbolic link, outside ${paths.join(', ')}`)];
    if (!mount.readOnly && !realEntry.rw) return [readOnlyViolation(subject, realEntry.path)];
  }
  return !mount.readOnly && !entry.rw ? [readOnlyViolation(subject, entry.path)] : [];
}

const readOnlyViolation = (subject: string, path: string): PolicyViolation =>
  violation('bind-mounts', subject, `${path} may only be mounted read-only (add :ro, or allow writing with {path: ${path}, rw: true})`);

/** The allowlist entry a path lies in; the most specific one when entries nest. */
function allowanceFor(hostPath: string, allowances: readonly BindAllowance[]): BindAllowance | undefined {
  return allowances
    .filter((a) => isUnderAllowedPath(hostPath, [a.path]))
    .sort((a, b) => b.path.length - a.path.length || Number(b.rw) - Number(a.rw))[0];
}

const isReadOnlyMode = (mode: string | undefined): boolean => (mode ?? '').split(',').includes('ro');

/** Every rule the request breaks; empty when it may run. */
export function findViolations(spec: RunSpec, policy: RunPolicyConfig, realPath?: RealPath): PolicyViolation[] {
  // Without a mode a bind is made read-only by applyRunPolicy: only an explicit `rw` asks to write.
  const binds = spec.mounts.flatMap((m) => (m.kind === 'bind' ? [{ source: m.source, target: m.target, readOnly: !(m.mode ?? '').split(',').includes('rw') }] : []));
  const violations = hostConfigViolations(spec.body.HostConfig, binds, policy, realPath ? { realPath } : {});

  if (policy.registries.length) {
    if (spec.image.kind !== 'reference') {
      // A hex argument such as `363b3a` may name a repository, but the engine also takes it as an
      // ID prefix: which image runs, and so its registry, cannot be told from here.
      const shown = spec.image.kind === 'id' ? spec.body.Image : spec.image.prefix;
      violations.push(
        violation('registries', shown, 'an image ID (or an argument the engine may read as one) cannot be checked against the registry allowlist: name the image by repository, with its registry (e.g. docker.io/library/NAME)'),
      );
    } else if (!isRegistryAllowed(spec.image.reference.domain, policy.registries)) {
      const reference = spec.image.reference;
      violations.push(violation('registries', reference.familiar, `images must come from an allowed registry (${policy.registries.join(', ')}); this one is from ${reference.domain}`));
    }
  }
  return violations;
}

/** What the engine stored for a container (`inspect`): the settings the policy reads. */
export interface StoredContainer {
  HostConfig?: (PolicyHostConfig & { Binds?: readonly string[] | null; Mounts?: ReadonlyArray<{ Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }> | null }) | null;
  Mounts?: ReadonlyArray<{ Type?: string; Source?: string; Destination?: string; RW?: boolean }> | null;
}

/**
 * The rules an existing container breaks, from what the engine stored: a container created
 * outside dockbot (`docker create --privileged`) must not be started through it either.
 */
export function containerViolations(info: StoredContainer, policy: RunPolicyConfig, facts: EngineFacts = {}): PolicyViolation[] {
  const host = info.HostConfig ?? {};
  const binds = new Map<string, HostPathMount>();
  const add = (source: string | undefined, target: string | undefined, readOnly: boolean): void => {
    if (!source || !source.startsWith('/')) return;
    const mount = { source: posix.normalize(source), target: target ?? '?', readOnly };
    const key = `${mount.source}:${mount.target}`;
    // The same mount seen twice (Binds and Mounts): writable if either says so.
    binds.set(key, { ...mount, readOnly: readOnly && (binds.get(key)?.readOnly ?? true) });
  };
  for (const bind of host.Binds ?? []) {
    // `/host/path:/container/path[:mode]`; anything not starting with `/` is a named volume.
    const [source, target, mode] = bind.split(':');
    add(source, target, isReadOnlyMode(mode));
  }
  for (const m of host.Mounts ?? []) if (m.Type === 'bind') add(m.Source, m.Target, m.ReadOnly === true);
  for (const m of info.Mounts ?? []) if (m.Type === 'bind') add(m.Source, m.Destination, m.RW === false);
  return hostConfigViolations(host, [...binds.values()], policy, facts);
}

/**
 * `start` and `restart`: throws `forbidden` naming each container and the rules it breaks, before
 * any of them is started. `outcome` says what did not happen ("nothing was started").
 */
export function refuseStoredViolations(containers: ReadonlyArray<{ name: string; info: StoredContainer }>, policy: RunPolicyConfig, outcome: string, facts: EngineFacts = {}): void {
  const violations = containers.flatMap((c) => containerViolations(c.info, policy, facts).map((v) => ({ ...v, container: c.name })));
  if (violations.length) throw policyError(violations, outcome);
}

/**
 * Checks the rules and fills in the default limits; throws `forbidden` naming each broken rule.
 * Bind mounts are made read-only unless their allowlist entry allows writing, and, given the
 * local engine's `realPath`, sent as their real path, so the engine follows no link we did not check.
 */
export function applyRunPolicy(spec: RunSpec, policy: RunPolicyConfig, realPath?: RealPath): PolicyDecision {
  const violations = findViolations(spec, policy, realPath);
  if (violations.length) throw policyError(violations);

  const hostConfig = { ...spec.body.HostConfig };
  const defaultsApplied: string[] = [];
  const allowances = bindAllowances(policy).map((a) => (realPath ? { ...a, path: realPath(a.path) } : a));
  const binds = spec.mounts.flatMap((m) => {
    if (m.kind === 'anonymous') return [];
    if (m.kind === 'volume') return [formatBind(m)];
    const source = realPath ? realPath(m.source) : m.source;
    const writable = (m.mode ?? '').split(',').includes('rw') || allowanceFor(source, allowances)?.rw === true;
    if (writable || isReadOnlyMode(m.mode)) return [formatBind({ ...m, source })];
    defaultsApplied.push(`read-only ${m.source}`);
    return [formatBind({ ...m, source, mode: m.mode ? `${m.mode},ro` : 'ro' })];
  });
  if (binds.length) hostConfig.Binds = binds;
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

export function policyError(violations: readonly PolicyViolation[], outcome = 'nothing was created'): UserError {
  const rules = [...new Set(violations.map((v) => v.rule))];
  const settings = [...new Set(violations.map((v) => v.setting))];
  const what = violations.map((v) => `${v.container ? `${v.container}: ` : ''}${v.subject} (rule ${v.rule}: ${v.reason})`).join('; ');
  return new UserError('forbidden', `the run policy forbids ${what}; ${outcome}`, {
    hint: `the policy applies to every role${violations.some((v) => v.container) ? ' and to containers created outside dockbot' : ''}; an admin can relax it in dockbot.yaml with ${settings.join(', ')}`,
    data: { rules, violations },
  });
}

/** True when the host path is an allowed path or inside one (after resolving `.` and `..`). */
export function isUnderAllowedPath(hostPath: string, allowed: ReadonlyArray<string | BindAllowance>): boolean {
  const path = posix.normalize(hostPath);
  return allowed.map((a) => (typeof a === 'string' ? a : a.path)).some((entry) => {
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

/** What the rules read of a Swarm service spec: its tasks' container settings and networks. */
export interface PolicyServiceSpec {
  TaskTemplate?: {
    Runtime?: string;
    ContainerSpec?: {
      Image?: string;
      Mounts?: ReadonlyArray<{ Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }> | null;
      CapabilityAdd?: readonly string[] | null;
      Privileges?: { Seccomp?: { Mode?: string } | null; AppArmor?: { Mode?: string } | null; SELinuxContext?: { Disable?: boolean } | null } | null;
    } | null;
    Networks?: ReadonlyArray<{ Target?: string }> | null;
  } | null;
  Networks?: ReadonlyArray<{ Target?: string }> | null;
}

/** What the service checks need to know of the swarm besides the run policy's engine facts. */
export interface SwarmFacts extends EngineFacts {
  /** The name of a network by id (Swarm stores ids in specs), as far as the swarm's tasks show them. */
  networkName(id: string): string | undefined;
}

/**
 * The rules a service spec breaks: what `run` refuses, as far as a spec can ask for it. Its tasks
 * are containers the swarm starts for us, so the same rules hold: the registry allowlist on its
 * image, bind mounts, added capabilities, unconfined seccomp/AppArmor/SELinux, the host network
 * (a network the bot cannot name is refused too: fail closed), and plugin services (a plugin runs
 * with the privileges it asks the engine for).
 */
export function serviceSpecViolations(spec: PolicyServiceSpec, policy: RunPolicyConfig, facts: SwarmFacts): PolicyViolation[] {
  const template = spec.TaskTemplate ?? {};
  if (template.Runtime && template.Runtime !== 'container') {
    return [violation('privileged', `runtime ${template.Runtime}`, 'only container services are run through dockbot: plugins get engine privileges')];
  }
  const container = template.ContainerSpec ?? {};
  const privileges = container.Privileges ?? {};
  const securityOpt = [
    ...(privileges.Seccomp?.Mode === 'unconfined' ? ['seccomp=unconfined'] : []),
    ...(privileges.AppArmor?.Mode === 'disabled' ? ['apparmor=unconfined'] : []),
    ...(privileges.SELinuxContext?.Disable ? ['label=disable'] : []),
  ];
  const violations: PolicyViolation[] = [];
  const networks = [...(template.Networks ?? []), ...(spec.Networks ?? [])].map((n) => n.Target ?? '');
  let hostNetwork = false;
  for (const target of networks) {
    const name = target === 'host' ? 'host' : facts.networkName(target);
    if (name === 'host') hostNetwork = true;
    else if (name === undefined && !policy.allowHostNamespaces) {
      violations.push(violation('host-namespaces', `--network ${target}`, 'no task of the swarm shows which network this is, so it cannot be told from the host network'));
    }
  }
  const binds = (container.Mounts ?? []).flatMap((m) =>
    m.Type === 'bind' && m.Source ? [{ source: posix.normalize(m.Source), target: m.Target ?? '?', readOnly: m.ReadOnly === true }] : [],
  );
  violations.push(
    ...hostConfigViolations(
      { ...(hostNetwork ? { NetworkMode: 'host' } : {}), CapAdd: container.CapabilityAdd ?? null, SecurityOpt: securityOpt },
      binds,
      policy,
      facts,
    ),
  );
  if (policy.registries.length) {
    const image = container.Image ?? '';
    let domain: string | undefined;
    try {
      domain = parseReference(image).domain;
    } catch {
      domain = undefined;
    }
    if (domain === undefined) violations.push(violation('registries', image || '(no image)', 'the image is not a reference the registry allowlist can be checked against'));
    else if (!isRegistryAllowed(domain, policy.registries)) {
      violations.push(violation('registries', image, `images must come from an allowed registry (${policy.registries.join(', ')}); this one is from ${domain}`));
    }
  }
  return violations;
}
