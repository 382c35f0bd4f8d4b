// Who a Discord user is to dockbot: user id and member role ids, as config identities; never
// Discord's permission bits; no roles in a DM.
import { describe, expect, it } from 'vitest';
import { requesterOf } from '../../../../src/adapters/discord/identity.js';
import { RolePolicy } from '../../../../src/core/policy.js';

const roles = new RolePolicy({
  admin: ['discord:100000000000000009'],
  operator: ['discord-role:700000000000000001'],
  channels: { 'discord:300000000000000005': { operator: ['discord:100000000000000002'] } },
});
const user = (id: string) => ({ id, username: `u${id.slice(-1)}` });

describe('Discord identity', () => {
  it('maps raw member role ids (uncached guild) to discord-role identities', () => {
    const r = requesterOf({ user: user('100000000000000001'), member: { roles: ['700000000000000001'] }, guildId: 'G1', channelId: '300000000000000001' });
    expect(r).toMatchObject({ platform: 'discord', userId: '100000000000000001', groups: ['700000000000000001'], groupKind: 'discord-role', workspaceId: 'G1' });
    expect(roles.roleOf(r)).toBe('operator');
  });

  it('reads a cached GuildMember\'s roles and leaves out @everyone (the guild id)', () => {
    const cache = new Map([['G1', {}], ['700000000000000001', {}]]);
    const r = requesterOf({ user: user('100000000000000001'), member: { roles: { cache } }, guildId: 'G1', channelId: '300000000000000001' });
    expect(r.groups).toEqual(['700000000000000001']);
  });

  it('gives DMs no roles, so role grants do not hold there; user grants do', () => {
    const dm = requesterOf({ user: user('100000000000000001'), member: { roles: ['700000000000000001'] }, guildId: null, channelId: '300000000000000099' });
    expect(dm.groups).toEqual([]);
    expect(roles.roleOf(dm)).toBe('viewer');
    expect(roles.roleOf(requesterOf({ user: user('100000000000000009'), member: null, guildId: null, channelId: null }))).toBe('admin');
  });

  it('honours grants bound to one channel', () => {
    const here = requesterOf({ user: user('100000000000000002'), member: { roles: [] }, guildId: 'G1', channelId: '300000000000000005' });
    const elsewhere = requesterOf({ user: user('100000000000000002'), member: { roles: [] }, guildId: 'G1', channelId: '300000000000000001' });
    expect(roles.roleOf(here)).toBe('operator');
    expect(roles.roleOf(elsewhere)).toBe('viewer');
  });
});
