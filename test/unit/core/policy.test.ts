import { describe, expect, it } from 'vitest';
import { shellRequester } from '../../../src/adapters/shell/repl.js';
import { RolePolicy, atLeast, roleNeeded } from '../../../src/core/policy.js';

const policy = new RolePolicy({
  admin: ['slack:UADMIN', 'discord:111'],
  operator: ['slack-group:SOPS', 'discord-role:222'],
  channels: { 'slack:CDEPLOY': { operator: ['slack:UDEV'] } },
});

describe('RolePolicy', () => {
  it('maps platform identities to roles; everyone else is a viewer', () => {
    expect(policy.roleOf({ platform: 'slack', userId: 'UADMIN' })).toBe('admin');
    expect(policy.roleOf({ platform: 'discord', userId: '111' })).toBe('admin');
    expect(policy.roleOf({ platform: 'slack', userId: 'U2', groups: ['SOPS'] })).toBe('operator');
    expect(policy.roleOf({ platform: 'discord', userId: '9', groups: ['222'], groupKind: 'discord-role' })).toBe('operator');
    expect(policy.roleOf({ platform: 'slack', userId: 'U3' })).toBe('viewer');
    // A Slack id does not grant a Discord user anything.
    expect(policy.roleOf({ platform: 'discord', userId: 'UADMIN' })).toBe('viewer');
  });
  it('channel grants hold only in that channel', () => {
    expect(policy.roleOf({ platform: 'slack', userId: 'UDEV', channelId: 'CDEPLOY' })).toBe('operator');
    expect(policy.roleOf({ platform: 'slack', userId: 'UDEV', channelId: 'CRANDOM' })).toBe('viewer');
  });
  it('with no configuration, chat users are viewers and the terminal user is admin', () => {
    const empty = new RolePolicy({ admin: [], operator: [], channels: {} });
    expect(empty.roleOf({ platform: 'slack', userId: 'U1' })).toBe('viewer');
    expect(empty.roleOf({ ...shellRequester(), userId: 'root' })).toBe('admin');
  });
  it('orders roles', () => {
    expect(atLeast('operator', roleNeeded('read'))).toBe(true);
    expect(atLeast('viewer', roleNeeded('operate'))).toBe(false);
    expect(atLeast('operator', roleNeeded('admin'))).toBe(false);
  });
});
