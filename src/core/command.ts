// The declarative command definition. The option spec is the single source for text parsing,
// help, and the slash-command schema of chat platforms.
import type { Logger } from 'pino';
import type { Reply } from './reply.js';
import type { ParsedArgs } from './args.js';
import type { Services } from '../services.js';
import type { Role } from './policy.js';
import { UserError, type ErrorInfo } from './errors.js';

/** What a command needs from the requester: read (viewer), operate (operator) or admin. */
export type Access = 'read' | 'operate' | 'admin';

export interface OptionSpec {
  /** Long name as typed after `--` (also the key in parsed args and the slash option name). */
  name: string;
  /** One-letter alias as typed after `-`. */
  short?: string;
  type: 'boolean' | 'string' | 'number';
  /** May be given more than once (`--filter a=1 --filter b=2`). */
  multiple?: boolean;
  description: string;
  /** Placeholder shown in help, e.g. `filter` in `--filter filter`. */
  placeholder?: string;
  /** Hidden from help and slash schemas (kept for CLI compatibility). */
  hidden?: boolean;
  /** Its values are secrets (environment values): redacted from the audit trail and logs. */
  sensitive?: boolean;
  /** The only values it takes (the command checks them): chat platforms offer them as choices. */
  choices?: readonly string[];
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Takes every remaining argument (e.g. the command of `run IMAGE [CMD...]`). */
  variadic?: boolean;
  /** What chat platforms can autocomplete for it. */
  complete?: 'container' | 'image';
}

/** Who asked, normalised by the adapter. */
export interface Requester {
  /** The adapter's name (`slack`, `discord`, `shell`): the prefix of identities in the config. */
  platform: string;
  userId: string;
  displayName?: string;
  /** The user's groups on the platform (Slack user-group ids, Discord role ids). */
  groups?: string[];
  /**
   * How the config spells a group identity: `<groupKind>:<id>` (e.g. `discord-role`).
   * Default `<platform>-group`.
   */
  groupKind?: string;
  channelId?: string;
  /** Slack workspace (team) or Discord guild: progress edits are budgeted per workspace too. */
  workspaceId?: string;
  /**
   * A role the adapter vouches for without the role config: only for a requester who owns the
   * machine the bot runs on (the terminal: `admin`). Chat adapters never set it.
   */
  trustedRole?: Role;
}

export interface ChatRequest {
  id: string;
  text: string;
  requester: Requester;
  /** The requester already confirmed (`dockbot exec --yes`). */
  confirmed?: boolean;
  /**
   * Docker's own "do not prompt" flags (`prune -f`) count as confirmation, as they do in a
   * terminal. Set by the terminal adapter; chat requests always see the preview first.
   */
  flagsConfirm?: boolean;
  /** The session's engine (the REPL's `use NAME`); `--host NAME` overrides it. Default: the configured default. */
  engine?: string;
}

export interface Result<D = unknown> {
  ok: boolean;
  /** Plain JSON: the machine-readable answer (`exec --json`). Never cut to fit a platform. */
  data: D;
  reply: Reply;
  /**
   * Why it did not go (required when `ok` is false): a command that answers a failure with a
   * reply of its own (a build that failed, a cancelled build) still gives scripts `{code, message, hint}`.
   */
  error?: ErrorInfo;
}

export interface CommandContext {
  args: ParsedArgs;
  request: ChatRequest;
  role: Role;
  services: Services;
  log: Logger;
  /** Live update of the reply being built (throttled, budgeted and posted by the dispatcher). */
  progress(update: Reply): void;
  /** Every registered command (for help). */
  commands: readonly Command[];
}

/** What a change would touch, worked out before anything changes. */
export interface Plan<P> {
  /**
   * The plan as plain JSON: what scripts see (`data.preview`, `data.plan`), what the
   * confirmation stores, and what `apply` gets back when Confirm is pressed.
   */
  data: P;
  /** The preview: exactly what will be touched (shown above Confirm/Cancel). */
  reply: Reply;
  /** Nothing to do (no stopped containers): no confirmation, `apply` runs with `by: 'empty'`. */
  empty?: boolean;
  /** The title a `--dry-run` shows instead of the preview's ("Dry run: would stop 2 containers"). */
  dryRunTitle: string;
  /** Added below a dry run ("dry run: nothing was stopped"). */
  dryRunNote?: string;
}

/**
 * Why `apply` may go ahead:
 * - `preview`: Confirm was pressed on this plan (checked by `Change.schema`). Act only on what it
 *   lists and still qualifies; say what was left alone. Never on what appeared since.
 * - `flag`: `--yes`, or the command's confirm flag in a terminal: Docker's own semantics, on
 *   things as they are now.
 * - `empty`: the plan (this one, just made) had nothing to confirm: change nothing it does not list.
 */
export type Go<P> = { by: 'preview'; plan: P } | { by: 'flag' } | { by: 'empty'; plan: P };

/** Checks a stored plan; zod schemas are of this shape. */
export interface PlanSchema<P> {
  safeParse(value: unknown): { success: true; data: P } | { success: false; error: { message: string } };
}

/** The one check of a stored plan: the plan the schema reads, or `confirmation_invalid` (nothing changes). */
export function readStoredPlan<P>(schema: PlanSchema<P>, stored: unknown): P {
  const read = schema.safeParse(stored);
  if (!read.success) throw new UserError('confirmation_invalid', 'the confirmed preview cannot be read; nothing was changed', { hint: 'run the command again' });
  return read.data;
}

/**
 * A command that stops or removes things. The dispatcher alone runs the protocol:
 * `--dry-run` returns the plan; otherwise the plan is previewed with Confirm/Cancel (the plan
 * is stored with the confirmation token); a pressed Confirm checks the stored plan with
 * `schema` (an unreadable one is `confirmation_invalid`) and calls `apply` with it. Commands
 * never see flags like `--dry-run` or tokens.
 */
export interface Change<P> {
  /** Looks everything up; throws the UserError that stops it (not found, conflict, policy). */
  plan(ctx: CommandContext): Promise<Plan<P>>;
  /** The one validator for stored plans. */
  schema: PlanSchema<P>;
  /** Does it (method syntax: a Change<Specific> is a Change<unknown>). */
  apply(ctx: CommandContext, go: Go<P>): Promise<Result>;
  /** A flag that confirms by itself in a terminal (Docker's `prune -f`); never in chat. */
  confirmFlag?: string;
}

interface CommandSpec {
  /** One or two words: `ps`, `image rm`. */
  name: string;
  aliases?: readonly string[];
  summary: string;
  options: readonly OptionSpec[];
  positionals?: readonly PositionalSpec[];
  /** Everything after the name is one free-text argument (questions: "what's an image?"). */
  freeText?: boolean;
  /** Flags after the first positional belong to it (docker run IMAGE CMD --flag). */
  stopAtFirstPositional?: boolean;
  access: Access;
  /**
   * Long work shown as a live progress message with a Cancel action (build): adapters that would
   * otherwise wait for it (the terminal) run it in the background and keep taking commands.
   */
  background?: boolean;
  /** Raise the required access for some argument combinations (e.g. `image prune -a`). */
  accessFor?(args: ParsedArgs): Access;
}

/** Reads, or changes without asking (run, pull, tag); `mutating` ones get `--dry-run` (see `dryRun`). */
export interface RunCommand extends CommandSpec {
  /** Changes things: gets `--dry-run` (read with `dryRun(ctx)`) and an audit outcome of its own. */
  mutating?: boolean;
  change?: undefined;
  run(ctx: CommandContext): Promise<Result>;
}

/** Stops or removes things: plan -> confirm -> apply, run by the dispatcher (always mutating). */
export interface ChangeCommand<P = unknown> extends CommandSpec {
  mutating: true;
  change: Change<P>;
  run?: undefined;
}

export type Command = RunCommand | ChangeCommand;

export function defineCommand(command: RunCommand): RunCommand;
export function defineCommand<P>(command: ChangeCommand<P>): ChangeCommand<P>;
export function defineCommand<P>(command: RunCommand | ChangeCommand<P>): RunCommand | ChangeCommand<P> {
  return command;
}

/** `--dry-run` of a mutating RunCommand (ChangeCommands never see it: the dispatcher answers). */
export const dryRun = (ctx: CommandContext): boolean => ctx.args.bool('dry-run');
