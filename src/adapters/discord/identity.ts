// Who pressed or typed: the Discord user id and, in a guild, the member's role ids. Discord's
// own permission bits are never read: roles come from dockbot.yaml alone.
import type { Requester } from '../../core/command.js';

/** A member as discord.js hands it over: a cached GuildMember, or the raw API member. */
export type MemberLike = { roles: readonly string[] } | { roles: { cache: { keys(): Iterable<string> } } } | null;

export interface Asker {
  user: { id: string; username: string; globalName?: string | null };
  member: MemberLike;
  guildId: string | null;
  channelId: string | null;
}

export const PLATFORM = 'discord';

export function roleIdsOf(member: MemberLike, guildId: string | null): string[] {
  // Outside a guild (a DM) there are no member roles.
  if (!member || !guildId) return [];
  const ids = Array.isArray(member.roles) ? [...(member.roles as readonly string[])] : [...(member.roles as { cache: { keys(): Iterable<string> } }).cache.keys()];
  // Every member has the @everyone role, whose id is the guild's: it grants nothing by itself.
  return ids.filter((id) => id !== guildId);
}

export function requesterOf(asker: Asker): Requester {
  return {
    platform: PLATFORM,
    userId: asker.user.id,
    displayName: asker.user.globalName || asker.user.username,
    groups: roleIdsOf(asker.member, asker.guildId),
    // dockbot.yaml names them "discord-role:<id>".
    groupKind: 'discord-role',
    ...(asker.channelId ? { channelId: asker.channelId } : {}),
    ...(asker.guildId ? { workspaceId: asker.guildId } : {}),
  };
}
