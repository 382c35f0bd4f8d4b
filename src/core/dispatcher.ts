// The one path every request takes: lookup -> parse -> policy -> confirmation -> run -> audit.
// Errors become replies here and nowhere else.
import { randomBytes } from 'node:crypto';
import { closest, distance } from 'fastest-levenshtein';
import type { Logger } from 'pino';
import { DRY_RUN, HELP, helpRequested, ParsedArgs, parseCommandArgs, tokenize } from './args.js';
import type { AuditSink } from './audit.js';
import { redactCommandLine } from './audit.js';
import type { ChatRequest, Command, CommandContext, Requester, Result } from './command.js';
import { CANCEL_PREFIX, COMMAND_PREFIX, CONFIRM_PREFIX, type ConfirmationStore, type PendingConfirmation } from './confirm.js';
import { isUserError, UserError, type ErrorInfo, type SuggestedAction } from './errors.js';
import { atLeast, roleNeeded, type RolePolicy } from './policy.js';
import { ProgressChannel, type ProgressSink } from './progress.js';
import { context, reply, text, type Block, type Reply } from './reply.js';
import { commandHelp } from './help.js';
import type { Services } from '../services.js';

export interface Outcome {
  requestId: string;
  /** The command's canonical name, or null when none was recognised. */
  command: string | null;
  ok: boolean;
  data: unknown;
  reply: Reply;
  error?: ErrorInfo;
  /** The command line as understood, secrets redacted (as audited; safe for history). */
  line: string;
}

export interface DispatcherDeps {
  commands: readonly Command[];
  services: Services;
  log: Logger;
  roles: RolePolicy;
  audit: AuditSink;
  confirmations: ConfirmationStore;
  /** Turns library errors (e.g. the Engine's) into user errors; undefined when it does not know them. */
  mapError(err: unknown): UserError | undefined;
  /** Minimum interval between live edits of one message. */
  progressIntervalMs?: number;
  /** The command that answers a question typed where a command was expected (`ask`). */
  questionCommand?: string;
}

export interface HandleOptions {
  onProgress?: ProgressSink;
}

interface ExecuteOptions extends HandleOptions {
  /** What the requester saw and confirmed (set only when a Confirm button was pressed). */
  confirmedPreview?: unknown;
}

/** Words that start a question rather than a command; any Han text reads as a question (no command is Chinese). */
const QUESTION_WORDS = /^(what|what's|whats|how|why|when|where|which|who|can|could|is|are|does|do|should|difference)$/;
const HAN = /\p{Script=Han}/u;

/** `/docker ps`, `docker ps` and `ps` are the same request. */
const PREFIX = /^\/?docker(\s+|$)/i;

export class Dispatcher {
  private readonly byName = new Map<string, Command>();

  constructor(private readonly deps: DispatcherDeps) {
    for (const c of deps.commands) {
      for (const name of [c.name, ...(c.aliases ?? [])]) {
        if (this.byName.has(name)) throw new Error(`two commands are named "${name}"`);
        this.byName.set(name, c);
      }
    }
  }

  get commands(): readonly Command[] {
    return this.deps.commands;
  }

  /** Longest name first: `image rm` before `image`. Returns the text after the name. */
  resolve(line: string): { command: Command; rest: string } | undefined {
    const words = line.split(/\s+/, 3);
    for (const width of [2, 1]) {
      if (words.length < width) continue;
      const command = this.byName.get(words.slice(0, width).join(' ').toLowerCase());
      if (command) return { command, rest: line.replace(width === 2 ? /^\S+\s+\S+/ : /^\S+/, '').trim() };
    }
    return undefined;
  }

  async handle(request: ChatRequest, options: HandleOptions = {}): Promise<Outcome> {
    return this.run(request, options);
  }

  /** A pressed button: `confirm:<token>`, `cancel:<token>`, or `cmd:<command line>` (a suggested next step). */
  async act(actionId: string, by: Requester, options: HandleOptions = {}): Promise<Outcome> {
    if (actionId.startsWith(COMMAND_PREFIX)) {
      // The presser runs it as their own request: their role, their confirmation.
      return this.handle({ id: newRequestId('act'), text: actionId.slice(COMMAND_PREFIX.length), requester: by }, options);
    }
    const requestId = newRequestId('act');
    const log = this.deps.log.child({ requestId, platform: by.platform, user: by.userId });
    const decision = actionId.startsWith(CONFIRM_PREFIX) ? 'confirmed' : actionId.startsWith(CANCEL_PREFIX) ? 'cancelled' : undefined;
    const pressed: ChatRequest = { id: requestId, text: actionId, requester: by };
    let entry: PendingConfirmation | undefined;
    try {
      if (!decision) throw new UserError('usage', `unknown action "${actionId}"`);
      const token = actionId.slice(actionId.indexOf(':') + 1);
      entry = this.deps.confirmations.find(token);
      this.deps.confirmations.settle(token, by, this.deps.roles.roleOf(by) === 'admin', decision);
    } catch (err) {
      // A refused press (someone else, expired, used twice) is audited like any denied command.
      const refused: Outcome = { ...this.failure(err, pressed, undefined, log), command: entry?.commandName ?? null, line: entry?.line ?? decision ?? 'action' };
      await this.audit(pressed, { command: refused.command, line: refused.line, outcome: refused, durationMs: 0 }, log);
      return refused;
    }
    const pending = entry as PendingConfirmation;
    if (decision === 'cancelled') {
      const done: Outcome = {
        requestId,
        command: pending.commandName,
        ok: true,
        data: { cancelled: true },
        reply: reply([text(`Cancelled \`${pending.line}\`; nothing was changed.`)], { tone: 'info' }),
        line: pending.line,
      };
      await this.audit(pressed, { command: pending.commandName, line: pending.line, outcome: done, durationMs: 0, label: 'cancelled' }, log);
      return done;
    }
    return this.run(
      { ...pending.request, id: `${pending.request.id}-confirmed`, confirmed: true },
      { ...options, confirmedPreview: pending.preview },
      by,
    );
  }

  private async run(request: ChatRequest, options: ExecuteOptions, confirmedBy?: Requester): Promise<Outcome> {
    const started = performance.now();
    const log = this.deps.log.child({ requestId: request.id, platform: request.requester.platform, user: request.requester.userId });
    const typed = request.text.trim().replace(PREFIX, '').trim() || 'help';
    // Until the arguments parse, which values are secret is unknown: every KEY=value is redacted.
    let line = redactCommandLine(typed.split(/\s+/), null);
    let command: Command | undefined;
    let outcome: Omit<Outcome, 'line'>;
    try {
      const found = this.resolve(typed) ?? this.asQuestion(typed);
      if (!found) throw this.unknownCommand(typed.split(/\s+/));
      command = found.command;
      const tokens = command.freeText ? (found.rest ? [found.rest] : []) : tokenize(found.rest);
      const parsed = this.parse(command, tokens);
      line = redactCommandLine([...command.name.split(' '), ...tokens], parsed === 'help' ? [] : secretValues(command, parsed));
      const result =
        parsed === 'help'
          ? { ok: true, data: { help: command.name }, reply: commandHelp(command) }
          : await this.execute(command, parsed, line, request, log, options);
      const shown = 'question' in found ? { ...result.reply, blocks: [context('taken as a question: no command is named like that (`help` lists them)'), ...result.reply.blocks] } : result.reply;
      outcome = { requestId: request.id, command: command.name, ok: result.ok, data: result.data, reply: shown };
    } catch (err) {
      outcome = this.failure(err, request, command, log);
    }
    const durationMs = performance.now() - started;
    log.debug({ command: outcome.command, ok: outcome.ok, durationMs }, 'handled');
    const done: Outcome = { ...outcome, line };
    await this.audit(request, { command: done.command, line, outcome: done, durationMs, ...(confirmedBy ? { confirmedBy } : {}) }, log);
    return done;
  }

  /** The command's arguments, or 'help' when `--help` is among its own flags. */
  private parse(command: Command, tokens: string[]): ParsedArgs | 'help' {
    if (command.freeText) return new ParsedArgs({}, tokens);
    const spec = { ...command, options: [...command.options, ...(command.mutating ? [DRY_RUN] : []), HELP] };
    return helpRequested(tokens, spec) ? 'help' : parseCommandArgs(tokens, spec);
  }

  private async execute(command: Command, args: ParsedArgs, line: string, request: ChatRequest, log: Logger, options: ExecuteOptions): Promise<Result> {
    const role = this.deps.roles.roleOf(request.requester);
    const needed = roleNeeded(command.accessFor?.(args) ?? command.access);
    if (!atLeast(role, needed)) {
      throw new UserError('forbidden', `\`${command.name}\` needs the ${needed} role; you are a ${role}`, {
        hint: `an admin can grant it under roles.${needed} in dockbot.yaml`,
      });
    }

    const progress = new ProgressChannel(
      options.onProgress ?? (() => undefined),
      this.deps.progressIntervalMs ?? 1000,
      (err) => log.warn({ err }, 'progress update failed'),
    );
    const confirm = command.confirm;
    const flagConfirms = request.flagsConfirm === true && confirm?.confirmFlag !== undefined && args.bool(confirm.confirmFlag);
    const ctx: CommandContext = {
      args,
      request,
      role,
      dryRun: args.bool('dry-run'),
      confirmed: request.confirmed === true || flagConfirms,
      confirmedPreview: options.confirmedPreview,
      services: this.deps.services,
      log: log.child({ command: command.name }),
      progress: (update) => progress.push(update),
      commands: this.deps.commands,
    };

    try {
      if (confirm && !ctx.dryRun && !ctx.confirmed) {
        const preview = await confirm.preview(ctx);
        if (!preview.empty) throw this.confirmationRequired(command, request, line, preview.reply, preview.data);
      }
      return await command.run(ctx);
    } finally {
      await progress.close();
    }
  }

  private confirmationRequired(command: Command, request: ChatRequest, line: string, preview: Reply, data: unknown): UserError {
    const pending = this.deps.confirmations.create(request, command.name, line, data);
    const minutes = Math.round(this.deps.confirmations.ttlMs / 60000);
    return new UserError('confirmation_required', `\`${command.name}\` changes things: confirm to go ahead`, {
      hint: `only the requester or an admin can confirm; expires in ${minutes} min (in a terminal: add --yes)`,
      data: {
        preview: data,
        confirm: { token: pending.token, expiresAt: new Date(pending.expiresAt).toISOString() },
        reply: {
          ...preview,
          blocks: [
            ...preview.blocks,
            {
              type: 'actions',
              actions: [
                { id: `${CONFIRM_PREFIX}${pending.token}`, label: 'Confirm', style: 'danger' },
                { id: `${CANCEL_PREFIX}${pending.token}`, label: 'Cancel' },
              ],
            },
          ],
        } satisfies Reply,
      },
    });
  }

  /**
   * A line that names no command but reads as a question (`what is a registry`, `镜像和容器有什么区别?`)
   * goes to the question command. A near-miss of a command name (`pul busybox`, `ps?`) does not:
   * it keeps its did-you-mean answer.
   */
  private asQuestion(line: string): { command: Command; rest: string; question: true } | undefined {
    const command = this.deps.questionCommand ? this.byName.get(this.deps.questionCommand) : undefined;
    if (!command) return undefined;
    const first = (line.split(/\s+/)[0] ?? '').toLowerCase();
    const asked = QUESTION_WORDS.test(first) || HAN.test(line);
    const nearMiss = [...this.byName.keys()].some((n) => distance(n, first.replace(/[?？]+$/, '')) <= 1);
    if (!asked && !(/[?？]\s*$/.test(line) && !nearMiss)) return undefined;
    return { command, rest: line, question: true };
  }

  private unknownCommand(tokens: string[]): UserError {
    const typed = tokens[0] ?? '';
    const names = [...this.byName.keys()];
    const twoWords = tokens.slice(0, 2).join(' ');
    const guess = [closest(twoWords, names), closest(typed, names)].find(
      (n) => distance(n, twoWords) <= 2 || distance(n, typed) <= 2 || n.startsWith(typed),
    );
    return new UserError('usage', `unknown command: ${typed}`, {
      hint: guess ? `did you mean \`${guess}\`? (\`help\` lists all commands)` : '`help` lists all commands',
    });
  }

  private failure(err: unknown, request: ChatRequest, command: Command | undefined, log: Logger): Omit<Outcome, 'line'> {
    const userError = isUserError(err) ? err : this.deps.mapError(err);
    if (userError) {
      const info = userError.info();
      const data = userError.data as { reply?: Reply } | undefined;
      // A confirmation carries its own preview reply; other errors get the standard error card.
      const shown = data?.reply ?? errorReply(info, userError.actions);
      const { reply: _omit, ...rest } = (data ?? {}) as Record<string, unknown>;
      return {
        requestId: request.id,
        command: command?.name ?? null,
        ok: false,
        data: data === undefined ? null : rest,
        reply: shown,
        error: info,
      };
    }
    log.error({ err, command: command?.name }, 'command failed');
    const info: ErrorInfo = {
      code: 'internal',
      message: `something went wrong on our side (request ${request.id})`,
      hint: 'the details are in the bot log under this request id',
    };
    return { requestId: request.id, command: command?.name ?? null, ok: false, data: null, reply: errorReply(info), error: info };
  }

  private async audit(
    request: ChatRequest,
    what: {
      command: string | null;
      line: string;
      outcome: Pick<Outcome, 'ok' | 'error'>;
      durationMs: number;
      confirmedBy?: Requester;
      /** Overrides the outcome shown (a cancelled confirmation is neither an error nor "ok"). */
      label?: string;
    },
    log: Logger,
  ): Promise<void> {
    try {
      await this.deps.audit.record({
        time: new Date().toISOString(),
        requestId: request.id,
        platform: request.requester.platform,
        user: describeUser(request.requester),
        channel: request.requester.channelId ?? null,
        engine: this.deps.services.docker.address,
        command: what.command,
        line: what.line,
        outcome: what.label ?? (what.outcome.ok ? 'ok' : (what.outcome.error?.code ?? 'error')),
        durationMs: Math.round(what.durationMs * 10) / 10,
        confirmedBy: what.confirmedBy ? describeUser(what.confirmedBy) : null,
      });
    } catch (err) {
      // The answer still goes out; a lost audit row is loud in the log.
      log.error({ err }, 'audit record failed');
    }
  }
}

const describeUser = (r: Requester): string => (r.displayName ? `${r.userId} (${r.displayName})` : r.userId);

/** Values of the command's sensitive options (environment values), to keep out of the audit trail. */
const secretValues = (command: Command, args: ParsedArgs): string[] =>
  command.options.filter((o) => o.sensitive).flatMap((o) => args.strings(o.name));

/** A request id people can quote and the log can find: where it came from plus random hex. */
export const newRequestId = (source: string): string => `${source}-${randomBytes(5).toString('hex')}`;

export function errorReply(info: ErrorInfo, actions: SuggestedAction[] = []): Reply {
  const buttons: Block[] = actions.length
    ? [{ type: 'actions', actions: actions.map((a) => ({ id: `${COMMAND_PREFIX}${a.command}`, label: a.label, ...(a.style ? { style: a.style } : {}) })) }]
    : [];
  return reply([text(info.message), ...(info.hint ? [context(`hint: ${info.hint}`)] : []), ...buttons], {
    title: `Error (${info.code})`,
    tone: 'error',
  });
}
