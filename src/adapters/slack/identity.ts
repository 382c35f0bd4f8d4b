// Who a Slack user is to the bot: their user groups (for roles) and display name (for the audit).
// Both come from the Web API, cached, so a request never waits on Slack more than once per user.
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

const GROUPS_REFRESH_MS = 5 * 60 * 1000;
const NAME_TTL_MS = 60 * 60 * 1000;
/** A failed look-up is tried again sooner: Slack may be back in a minute. */
const FAILED_NAME_TTL_MS = 60 * 1000;
const MAX_NAMES = 5000;
/** A cold cache waits this long for Slack before answering without groups (the refresh goes on). */
const FIRST_LOAD_WAIT_MS = 1500;

export interface SlackIdentity {
  groupsOf(userId: string): Promise<string[]>;
  displayNameOf(userId: string): Promise<string | undefined>;
  stop(): void;
}

interface UserGroupsResult {
  usergroups?: Array<{ id?: string; users?: string[]; date_delete?: number }>;
}

interface UsersInfoResult {
  user?: { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } };
}

export class SlackDirectory implements SlackIdentity {
  private byUser = new Map<string, string[]>();
  private loaded: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly names = new Map<string, { name: string | undefined; until: number }>();
  private warnedGroups = false;

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly refreshMs = GROUPS_REFRESH_MS,
  ) {}

  /** Load the groups now and keep them fresh in the background. */
  start(): void {
    this.loaded = this.refreshGroups();
    this.refreshTimer = setInterval(() => void this.refreshGroups(), this.refreshMs);
    this.refreshTimer.unref();
  }

  stop(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
  }

  async groupsOf(userId: string): Promise<string[]> {
    if (!this.loaded) this.start();
    await Promise.race([this.loaded, new Promise((r) => setTimeout(r, FIRST_LOAD_WAIT_MS).unref())]);
    return this.byUser.get(userId) ?? [];
  }

  async displayNameOf(userId: string): Promise<string | undefined> {
    const cached = this.names.get(userId);
    if (cached && cached.until > Date.now()) return cached.name;
    let name: string | undefined;
    let ttl = NAME_TTL_MS;
    try {
      const info = (await this.client.users.info({ user: userId })) as UsersInfoResult;
      const u = info.user;
      name = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || undefined;
    } catch (err) {
      this.log.warn({ err: summary(err), userId }, 'users.info failed; the audit shows the user id only');
      ttl = FAILED_NAME_TTL_MS;
    }
    if (this.names.size >= MAX_NAMES) this.names.delete(this.names.keys().next().value as string);
    this.names.set(userId, { name: name?.slice(0, 80), until: Date.now() + ttl });
    return name;
  }

  private async refreshGroups(): Promise<void> {
    try {
      const result = (await this.client.usergroups.list({ include_users: true })) as UserGroupsResult;
      const byUser = new Map<string, string[]>();
      for (const g of result.usergroups ?? []) {
        if (!g.id || g.date_delete) continue;
        for (const user of g.users ?? []) byUser.set(user, [...(byUser.get(user) ?? []), g.id]);
      }
      this.byUser = byUser;
    } catch (err) {
      // Keep the last good map: a Slack hiccup must not demote operators.
      if (!this.warnedGroups) this.log.warn({ err: summary(err) }, 'usergroups.list failed; roles granted to user groups do not apply until it works');
      this.warnedGroups = true;
    }
  }
}

/** A Web API error as a short loggable object (its `data` can hold the whole response). */
export function summary(err: unknown): { code?: string; error?: string; message: string } {
  const e = err as { code?: string; data?: { error?: string }; message?: string };
  return { code: e.code, error: e.data?.error, message: e.message ?? String(err) };
}
