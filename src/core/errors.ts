// Errors a user can cause carry a stable code and a hint; everything else is a bug and
// reaches the user only as a short message with the request id.

export type ErrorCode =
  | 'usage'
  | 'invalid_reference'
  | 'invalid_argument'
  | 'not_found'
  | 'forbidden'
  | 'confirmation_required'
  | 'confirmation_invalid'
  /** A pressed button that is not ours or has expired (suggested actions). */
  | 'action_invalid'
  | 'engine_unreachable'
  | 'engine_error'
  /** A Swarm command sent to an engine that is not a Swarm manager. */
  | 'not_swarm_manager'
  | 'conflict'
  | 'timeout'
  /** A build ran and a step failed (its step, output and exit code are in `data`). */
  | 'build_failed'
  /** A foreground `run` whose container exited with a non-zero code (the code is in `data.exitCode`). */
  | 'nonzero_exit'
  /** Someone cancelled it (a build's Cancel button). */
  | 'cancelled'
  | 'no_space'
  | 'config'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/** A next step offered as a button where the platform has them; it runs `command` as the presser. */
export interface SuggestedAction {
  label: string;
  command: string;
  style?: 'primary' | 'danger';
}

export class UserError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** Extra machine-readable detail for `data` (e.g. the preview of a confirmation). */
  readonly data: unknown;
  readonly actions: SuggestedAction[];

  constructor(code: ErrorCode, message: string, options: { hint?: string; data?: unknown; cause?: unknown; actions?: SuggestedAction[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data;
    this.actions = options.actions ?? [];
  }

  info(): ErrorInfo {
    return this.hint ? { code: this.code, message: this.message, hint: this.hint } : { code: this.code, message: this.message };
  }
}

export const isUserError = (err: unknown): err is UserError => err instanceof UserError;
