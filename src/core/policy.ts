// Who may do what. Fail closed: anyone not named in the configuration is a viewer.
import type { Access, Requester } from './command.js';

export type Role = 'viewer' | 'operator' | 'admin';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const NEEDED: Record<Access, Role> = { read: 'viewer', operate: 'operator', admin: 'admin' };

export interface RoleGrants {
  admin: string[];
  operator: string[];
}

export interface RoleConfig extends RoleGrants {
  /** Extra grants that hold only in one channel, keyed "<platform>:<channel id>". */
  channels: Record<string, Partial<RoleGrants>>;
}

export const roleNeeded = (access: Access): Role => NEEDED[access];
export const atLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** The identities a requester carries, in the config's spelling: "slack:U1", "discord-role:42". */
export function identitiesOf(r: Requester): string[] {
  const groupKind = r.groupKind ?? `${r.platform}-group`;
  return [`${r.platform}:${r.userId}`, ...(r.groups ?? []).map((g) => `${groupKind}:${g}`)];
}

export class RolePolicy {
  constructor(private readonly config: RoleConfig) {}

  roleOf(r: Requester): Role {
    // Vouched for by its adapter (the terminal user owns the machine the bot runs on).
    if (r.trustedRole) return r.trustedRole;
    const ids = new Set(identitiesOf(r));
    const grants: Array<Partial<RoleGrants>> = [this.config];
    if (r.channelId) {
      const scoped = this.config.channels[`${r.platform}:${r.channelId}`];
      if (scoped) grants.push(scoped);
    }
    let best: Role = 'viewer';
    for (const g of grants) {
      if (g.admin?.some((id) => ids.has(id))) return 'admin';
      if (g.operator?.some((id) => ids.has(id))) best = 'operator';
    }
    return best;
  }
}
