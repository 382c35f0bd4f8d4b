// The declarative command definition. The option spec is the single source for text parsing,
// help, and the slash-command schema of chat platforms.
import type { Logger } from 'pino';
import type { Reply } from './reply.js';
import type { ParsedArgs } from './args.js';
import type { Services } from '../services.js';
import type { Role } from './policy.js';

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
  platform: string;
  userId: string;
  displayName?: string;
  /** Slack user-group ids or Discord role ids the user has. */
  groups?: string[];
  channelId?: string;
}

export interface ChatRequest {
  id: string;
  text: string;
  requester: Requester;
  /** The requester already confirmed (`dockbot exec --yes`, or a pressed Confirm button). */
  confirmed?: boolean;
  /**
   * Docker's own "do not prompt" flags (`prune -f`) count as confirmation, as they do in a
   * terminal. Set by the terminal adapter; chat requests always see the preview first.
   */
  flagsConfirm?: boolean;
}

export interface Result<D = unknown> {
  ok: boolean;
  /** Plain JSON: the machine-readable answer (`exec --json`). */
  data: D;
  reply: Reply;
}

export interface CommandContext {
  args: ParsedArgs;
  request: ChatRequest;
  role: Role;
  /** The command was given `--dry-run`: validate and describe, change nothing. */
  dryRun: boolean;
  /** The requester confirmed (button, `--yes`, or a confirming flag in a terminal). */
  confirmed: boolean;
  /**
   * The preview data the requester saw before pressing Confirm. Commands act only on what it
   * lists (and still qualifies), never on what appeared since.
   */
  confirmedPreview: unknown;
  services: Services;
  log: Logger;
  /** Live update of the reply being built (serialised and throttled by the dispatcher). */
  progress(update: Reply): void;
  /** Every registered command (for help). */
  commands: readonly Command[];
}

export interface Preview<D = unknown> {
  /** What people see before confirming: exactly what will be touched. */
  reply: Reply;
  /** The same, as data (`data.preview`). */
  data: D;
  /** Nothing to do (e.g. no stopped containers): skip confirmation and run directly. */
  empty?: boolean;
}

export interface Command {
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
  /** Changes things: gets `--dry-run` and an audit outcome of its own. */
  mutating?: boolean;
  /**
   * Removes or stops things: the dispatcher shows `preview` with Confirm/Cancel first.
   * `confirmFlag` names a flag that confirms by itself (Docker's `prune -f`).
   */
  confirm?: { preview(ctx: CommandContext): Promise<Preview>; confirmFlag?: string };
  /** Raise the required access for some argument combinations (e.g. `image prune -a`). */
  accessFor?(args: ParsedArgs): Access;
  run(ctx: CommandContext): Promise<Result>;
}

export const defineCommand = (command: Command): Command => command;
