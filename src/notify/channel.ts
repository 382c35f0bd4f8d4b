// The channel a chat request came from, as notifications address it.
import { UserError } from '../core/errors.js';
import type { Requester } from '../core/command.js';

/** `<platform>:<channel id>` (the terminal session is `shell:terminal`). */
export function channelOf(r: Requester): string {
  if (r.channelId) return `${r.platform}:${r.channelId}`;
  throw new UserError('usage', 'subscriptions belong to a channel, and this request came from none', { hint: 'type the command in the channel that should get the notifications' });
}

export const describeRequester = (r: Requester): string => (r.displayName ? `${r.displayName} (${r.platform}:${r.userId})` : `${r.platform}:${r.userId}`);
