// What the dispatcher hands back for every request and button press: all an adapter needs to
// answer, with nothing to parse out of the reply.
import type { ErrorInfo } from './errors.js';
import type { Action, Reply } from './reply.js';

/** A change waiting for Confirm: only the requester or an admin may answer, once, until `expiresAt`. */
export interface Confirmation {
  token: string;
  /** ISO time after which Confirm is refused (`confirmation_invalid`). */
  expiresAt: string;
  /** What will be touched (the plan's reply), without the buttons. */
  preview: Reply;
  /** The buttons (also the last block of `Outcome.reply`): ids are short and opaque. */
  confirm: Action;
  cancel: Action;
}

/** How a reply that went out as a progress message ended (see progress.ts). */
export interface Delivery {
  /** The adapter's handle of the message now showing the final reply. */
  handle: unknown;
}

export interface Outcome {
  requestId: string;
  /** The command's canonical name, or null when none was recognised. */
  command: string | null;
  ok: boolean;
  /**
   * Plain JSON for scripts, never cut: `exec --json` prints it. For a pending confirmation it is
   * `{ preview: <plan data>, confirm: { token, expiresAt } }` with `ok: false` and
   * `error.code: "confirmation_required"`, as documented.
   */
  data: unknown;
  /**
   * What to show, already within the budget the adapter asked for. `reply.ephemeral` says who
   * sees it: errors, denials, help and refused button presses only the requester; previews only
   * the requester unless `confirm.public` is set in the config; results of shared work (`ps`, a
   * pull, a prune that ran) the channel, unless the command kept it to the requester.
   */
  reply: Reply;
  error?: ErrorInfo;
  /** The engine that answered (`--host NAME`, the session's, or the default); unset for commands that use none. */
  engine?: string;
  /** Set when a change waits for Confirm: render `reply` (it carries the buttons) or build from this. */
  confirmation?: Confirmation;
  /**
   * Set when the final reply already went out as the last state of a progress message: the
   * adapter posts nothing more. Unset: post `reply` as usual (also when the final edit failed).
   */
  delivered?: Delivery;
  /** The command line as understood, secrets redacted (as audited; safe for history). */
  line: string;
}
