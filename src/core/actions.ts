// Button ids that fit every platform: short and opaque; what a button does is kept here, in
// the bot, and expires. Adapters put `Action.id` on the button and hand it back to
// `Dispatcher.act` unchanged; they never read it.
//
//   confirm:<token>   Confirm of a preview (the token of its PendingConfirmation)
//   cancel:<token>    Cancel of a preview
//   run:<token>       a suggested next step: runs its command line as the presser, with the
//                     presser's role, through the same policy, confirmation and audit as typed text
import { randomBytes } from 'node:crypto';
import { MAX_ACTION_ID_LENGTH } from './reply.js';

export const CONFIRM_PREFIX = 'confirm:';
export const CANCEL_PREFIX = 'cancel:';
export const RUN_PREFIX = 'run:';

/** 12 random bytes: 16 characters of base64url, unguessable. */
export const newToken = (): string => randomBytes(12).toString('base64url');

/** What a pressed id means, before it is checked (unknown, expired, whose). */
export type ActionId = { kind: 'confirm' | 'cancel'; token: string } | { kind: 'run'; token: string } | { kind: 'unknown' };

export function parseActionId(id: string): ActionId {
  if (id.length > MAX_ACTION_ID_LENGTH) return { kind: 'unknown' };
  for (const [prefix, kind] of [
    [CONFIRM_PREFIX, 'confirm'],
    [CANCEL_PREFIX, 'cancel'],
    [RUN_PREFIX, 'run'],
  ] as const) {
    if (id.startsWith(prefix)) return { kind, token: id.slice(prefix.length) };
  }
  return { kind: 'unknown' };
}

interface Suggestion {
  line: string;
  expiresAt: number;
}

/**
 * Suggested next steps (`Stop ct-web`, `Remove with -f`) by short id. Anyone who can press the
 * button may: it runs as them. Bounded: the oldest go first when `capacity` is reached.
 */
export class SuggestionStore {
  private readonly entries = new Map<string, Suggestion>();

  constructor(
    readonly ttlMs: number = 24 * 60 * 60 * 1000,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The id of a button that runs `line`. */
  add(line: string): string {
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    const token = newToken();
    this.entries.set(token, { line, expiresAt: this.now() + this.ttlMs });
    return RUN_PREFIX + token;
  }

  /** The command line of a live suggestion, or undefined when unknown or expired. */
  lineOf(token: string): string | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.now() > entry.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.line;
  }
}
