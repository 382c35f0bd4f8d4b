// Bind mounts that cannot be turned into the host's root: read-only unless the allowlist entry
// allows writing, real paths (symlinks resolved) on a local engine, and no unconfined containers.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_POLICY, loadConfig, type RunPolicyConfig } from '../../src/config.js';
import { UserError } from '../../src/core/errors.js';
import { applyRunPolicy, containerViolations, findViolations, localRealPath, type StoredContainer } from '../../src/docker/run-policy.js';
import { buildRunSpec, type RunOptions } from '../../src/docker/run-spec.js';

const spec = (options: Partial<RunOptions>) => buildRunSpec({ image: 'busybox', command: [], ...options });
const policy = (p: Partial<RunPolicyConfig>): RunPolicyConfig => ({ ...DEFAULT_RUN_POLICY, ...p });

function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const root = mkdtempSync(join(tmpdir(), 'dockbot-binds-'));
const shared = join(root, 'shared');
const writable = join(root, 'writable');
mkdirSync(join(shared, 'sub'), { recursive: true });
mkdirSync(writable);
symlinkSync('/', join(shared, 'root'));
symlinkSync(join(shared, 'sub'), join(shared, 'inside'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bind mounts', () => {
  it('are made read-only under a plain allowlist entry, and say so', () => {
    const decision = applyRunPolicy(spec({ volumes: [`${shared}/sub:/data`] }), policy({ bindMounts: [shared] }));
    expect(decision.body.HostConfig.Binds).toEqual([`${shared}/sub:/data:ro`]);
    expect(decision.defaultsApplied).toContain(`read-only ${shared}/sub`);
  });

  it('may be written only under an entry with rw: true', () => {
    const asked = spec({ volumes: [`${writable}:/data:rw`] });
    expect(refusal(() => applyRunPolicy(asked, policy({ bindMounts: [writable] }))).message).toMatch(/may only be mounted read-only/);
    expect(applyRunPolicy(asked, policy({ bindMounts: [{ path: writable, rw: true }] })).body.HostConfig.Binds).toEqual([`${writable}:/data:rw`]);
    // No mode under a writable entry: left writable, as the Docker CLI would mount it.
    expect(applyRunPolicy(spec({ volumes: [`${writable}:/data`] }), policy({ bindMounts: [{ path: writable, rw: true }] })).body.HostConfig.Binds).toEqual([`${writable}:/data`]);
  });

  it('refuses a symbolic link inside the allowlist that leads out of it (on a local engine)', () => {
    const escape = spec({ volumes: [`${shared}/root:/host`] });
    const allow = policy({ bindMounts: [{ path: shared, rw: true }] });
    // As text the path is inside: only resolving the link shows where the engine would go.
    expect(findViolations(escape, allow)).toEqual([]);
    const error = refusal(() => applyRunPolicy(escape, allow, localRealPath));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('leads to / through a symbolic link');
    const deeper = refusal(() => applyRunPolicy(spec({ volumes: [`${shared}/root/etc/shadow:/s:ro`] }), allow, localRealPath));
    expect(deeper.message).toContain('leads to /etc/shadow');
  });

  it('sends the real path of a link that stays inside, and resolves paths that do not exist yet through their parent', () => {
    const allow = policy({ bindMounts: [shared] });
    expect(applyRunPolicy(spec({ volumes: [`${shared}/inside:/in`] }), allow, localRealPath).body.HostConfig.Binds).toEqual([`${shared}/sub:/in:ro`]);
    expect(localRealPath(`${shared}/root/not/there`)).toBe('/not/there');
    expect(applyRunPolicy(spec({ volumes: [`${shared}/new/dir:/n`] }), allow, localRealPath).body.HostConfig.Binds).toEqual([`${shared}/new/dir:/n:ro`]);
  });

  it('checks stored containers the same way: writable binds and links out', () => {
    const stored = (binds: string[], mounts: StoredContainer['Mounts'] = []): StoredContainer => ({ HostConfig: { Binds: binds }, Mounts: mounts });
    expect(containerViolations(stored([`${shared}/sub:/d:ro`]), policy({ bindMounts: [shared] }))).toEqual([]);
    expect(containerViolations(stored([`${shared}/sub:/d`]), policy({ bindMounts: [shared] }))[0]?.reason).toMatch(/read-only/);
    expect(containerViolations(stored([], [{ Type: 'bind', Source: `${shared}/sub`, Destination: '/d', RW: true }]), policy({ bindMounts: [shared] }))).toHaveLength(1);
    expect(containerViolations(stored([`${shared}/root:/h:ro`]), policy({ bindMounts: [shared] }), { realPath: localRealPath })[0]?.reason).toMatch(/symbolic link/);
  });

  it('reads {path, rw} beside the plain form in dockbot.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-binds-config-'));
    const file = join(dir, 'dockbot.yaml');
    writeFileSync(file, `policy:\n  bindMounts: ["/srv/ro", {path: /srv/shared, rw: true}]\n`);
    expect(loadConfig({ DOCKBOT_CONFIG: file }, dir).policy.bindMounts).toEqual(['/srv/ro', { path: '/srv/shared', rw: true }]);
    writeFileSync(file, `policy:\n  bindMounts: [{path: relative}]\n`);
    expect(() => loadConfig({ DOCKBOT_CONFIG: file }, dir)).toThrow(/absolute host path/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('confinement', () => {
  it.each([
    ['seccomp=unconfined', 'security-options'],
    ['apparmor=unconfined', 'security-options'],
    ['label=disable', 'security-options'],
    ['systempaths=unconfined', 'security-options'],
  ])('run --security-opt %s is refused', (option, rule) => {
    const error = refusal(() => applyRunPolicy(spec({ securityOpt: [option] }), DEFAULT_RUN_POLICY));
    expect(error.data).toMatchObject({ rules: [rule] });
    expect(error.hint).toContain('policy.allowUnconfined: true');
    expect(() => applyRunPolicy(spec({ securityOpt: [option] }), policy({ allowUnconfined: true }))).not.toThrow();
  });

  it('passes safe options and refuses ones the bot cannot honour', () => {
    expect(applyRunPolicy(spec({ securityOpt: ['no-new-privileges', 'apparmor=docker-default'] }), DEFAULT_RUN_POLICY).body.HostConfig.SecurityOpt).toEqual(['no-new-privileges', 'apparmor=docker-default']);
    expect(refusal(() => spec({ securityOpt: ['seccomp=/etc/profile.json'] })).code).toBe('invalid_argument');
    expect(refusal(() => spec({ securityOpt: ['bogus'] })).code).toBe('invalid_argument');
  });

  it.each<[string, NonNullable<StoredContainer['HostConfig']>, string]>([
    ['SecurityOpt seccomp=unconfined', { SecurityOpt: ['seccomp=unconfined'] }, '--security-opt seccomp=unconfined'],
    ['SecurityOpt apparmor:unconfined', { SecurityOpt: ['apparmor:unconfined'] }, '--security-opt apparmor:unconfined'],
    ['UsernsMode host', { UsernsMode: 'host' }, '--userns host'],
    ['CgroupnsMode host', { CgroupnsMode: 'host' }, '--cgroupns host'],
  ])('a stored container with %s is not started', (_what, host, subject) => {
    expect(containerViolations({ HostConfig: host }, DEFAULT_RUN_POLICY)).toEqual([expect.objectContaining({ subject })]);
  });

  it('leaves the host cgroup namespace alone where it is every container\'s default (cgroup v1)', () => {
    expect(containerViolations({ HostConfig: { CgroupnsMode: 'host' } }, DEFAULT_RUN_POLICY, { cgroupnsHostIsDefault: true })).toEqual([]);
  });

  it('leaves what the engine stores for a plain container alone', () => {
    expect(containerViolations({ HostConfig: { UsernsMode: '', CgroupnsMode: 'private', SecurityOpt: null } }, DEFAULT_RUN_POLICY)).toEqual([]);
  });
});
