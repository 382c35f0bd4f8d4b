// Pending confirmations: one token per previewed change; only the requester or an admin may
// confirm; a token works once and expires.
import { CANCEL_PREFIX, CONFIRM_PREFIX, newToken } from './actions.js';
import type { ChatRequest, Requester } from './command.js';
import { UserError } from './errors.js';

export interface PendingConfirmation {
  token: string;
  request: ChatRequest;
  commandName: string;
  /** The command line as audited (secrets redacted), to name it in replies and the audit trail. */
  line: string;
  /** The plan shown (its data); a confirmed apply acts on this and nothing else. */
  preview: unknown;
  /** Button ids of Confirm and Cancel (short: see actions.ts). */
  confirmId: string;
  cancelId: string;
  expiresAt: number;
  state: 'pending' | 'confirmed' | 'cancelled';
}

export class ConfirmationStore {
  private readonly pending = new Map<string, PendingConfirmation>();

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(request: ChatRequest, commandName: string, line: string, preview: unknown): PendingConfirmation {
    this.sweep();
    const token = newToken();
    const entry: PendingConfirmation = {
      token,
      request,
      commandName,
      line,
      preview,
      confirmId: CONFIRM_PREFIX + token,
      cancelId: CANCEL_PREFIX + token,
      expiresAt: this.now() + this.ttlMs,
      state: 'pending',
    };
    this.pending.set(entry.token, entry);
    return entry;
  }

  find(token: string): PendingConfirmation | undefined {
    return this.pending.get(token);
  }

  /** Settle a token; throws `confirmation_invalid` saying why when it cannot be used. */
  settle(token: string, by: Requester, byIsAdmin: boolean, decision: 'confirmed' | 'cancelled'): PendingConfirmation {
    const entry = this.pending.get(token);
    if (!entry) {
      throw new UserError('confirmation_invalid', 'this confirmation is unknown or has expired; nothing was changed', {
        hint: 'run the command again to get a fresh preview',
      });
    }
    if (entry.state !== 'pending') {
      throw new UserError('confirmation_invalid', `this request was already ${entry.state}; nothing more was changed`);
    }
    if (this.now() > entry.expiresAt) {
      this.pending.delete(token);
      throw new UserError('confirmation_invalid', 'this confirmation expired; nothing was changed', {
        hint: 'run the command again to get a fresh preview',
      });
    }
    const owner = entry.request.requester;
    const isOwner = owner.platform === by.platform && owner.userId === by.userId;
    if (!isOwner && !byIsAdmin) {
      throw new UserError('forbidden', `only ${owner.displayName ?? owner.userId} or an admin can answer this confirmation`);
    }
    entry.state = decision;
    return entry;
  }

  private sweep(): void {
    // Settled entries stay until expiry so a second press can say "already confirmed".
    const t = this.now();
    for (const [token, e] of this.pending) if (t > e.expiresAt) this.pending.delete(token);
  }
}
