// The one path every request takes: lookup -> parse -> policy -> confirmation -> run -> audit.
// Errors become replies here and nowhere else.
import { closest, distance } from 'fastest-levenshtein';
import type { Logger } from 'pino';
import { DRY_RUN, HELP, helpRequested, ParsedArgs, parseCommandArgs, tokenize } from './args.js';
import type { AuditSink } from './audit.js';
import { redactCommandLine } from './audit.js';
import type { ChatRequest, Command, CommandContext, Requester, Result } from './command.js';
import { CANCEL_PREFIX, COMMAND_PREFIX, CONFIRM_PREFIX, type ConfirmationStore } from './confirm.js';
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
}

export interface HandleOptions {
  onProgress?: ProgressSink;
}

interface ExecuteOptions extends HandleOptions {
  /** What the requester saw and confirmed (set only when a Confirm button was pressed). */
  confirmedPreview?: unknown;
}

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

  private async run(request: ChatRequest, options: ExecuteOptions): Promise<Outcome> {
    const started = performance.now();
    const log = this.deps.log.child({ requestId: request.id, platform: request.requester.platform, user: request.requester.userId });
    let command: Command | undefined;
    let tokens: string[] = [];
    // Values of sensitive options, once parsed; null until then (the audit then redacts every KEY=value).
    const secrets: { values: string[] | null } = { values: null };
    let outcome: Outcome;
    try {
      const line = request.text.trim().replace(PREFIX, '').trim() || 'help';
      const found = this.resolve(line);
      if (!found) throw this.unknownCommand(line.split(/\s+/));
      command = found.command;
      tokens = command.freeText ? (found.rest ? [found.rest] : []) : tokenize(found.rest);
      const result = await this.execute(command, tokens, request, log, options, secrets);
      outcome = { requestId: request.id, command: command.name, ok: result.ok, data: result.data, reply: result.reply };
    } catch (err) {
      outcome = this.failure(err, request, command, log);
    }
    const durationMs = performance.now() - started;
    log.debug({ command: outcome.command, ok: outcome.ok, durationMs }, 'handled');
    await this.audit(request, [...(command ? command.name.split(' ') : []), ...tokens], secrets.values, outcome, durationMs, log);
    return outcome;
  }

  /** A pressed button: `confirm:<token>`, `cancel:<token>`, or `cmd:<command line>` (a suggested next step). */
  async act(actionId: string, by: Requester, options: HandleOptions = {}): Promise<Outcome> {
    if (actionId.startsWith(COMMAND_PREFIX)) {
      // The presser runs it as their own request: their role, their confirmation.
      return this.handle({ id: `act-${Date.now().toString(36)}`, text: actionId.slice(COMMAND_PREFIX.length), requester: by }, options);
    }
    const decision = actionId.startsWith(CONFIRM_PREFIX) ? 'confirmed' : actionId.startsWith(CANCEL_PREFIX) ? 'cancelled' : undefined;
    const requestId = `act-${Date.now().toString(36)}`;
    const log = this.deps.log.child({ requestId, platform: by.platform, user: by.userId });
    try {
      if (!decision) throw new UserError('usage', `unknown action "${actionId}"`);
      const token = actionId.slice(actionId.indexOf(':') + 1);
      const isAdmin = this.deps.roles.roleOf(by) === 'admin';
      const entry = this.deps.confirmations.settle(token, by, isAdmin, decision);
      if (decision === 'cancelled') {
        const done: Outcome = {
          requestId,
          command: entry.commandName,
          ok: true,
          data: { cancelled: true },
          reply: reply([text(`Cancelled \`${entry.request.text}\`; nothing was changed.`)], { tone: 'info' }),
        };
        await this.audit({ ...entry.request, id: requestId, requester: by }, tokenize(entry.request.text), null, done, 0, log, 'cancelled');
        return done;
      }
      return await this.run({ ...entry.request, id: `${entry.request.id}-c`, confirmed: true }, { ...options, confirmedPreview: entry.preview });
    } catch (err) {
      return this.failure(err, { id: requestId, text: actionId, requester: by }, undefined, log);
    }
  }

  private async execute(
    command: Command,
    rest: string[],
    request: ChatRequest,
    log: Logger,
    options: ExecuteOptions,
    secrets: { values: string[] | null },
  ): Promise<Result> {
    const flags = [...command.options, ...(command.mutating ? [DRY_RUN] : []), HELP];
    const spec = { ...command, options: flags };
    if (!command.freeText && helpRequested(rest, spec)) {
      return { ok: true, data: { help: command.name }, reply: commandHelp(command) };
    }
    const args = command.freeText ? new ParsedArgs({}, rest) : parseCommandArgs(rest, spec);
    secrets.values = command.options.filter((o) => o.sensitive).flatMap((o) => args.strings(o.name));

    const role = this.deps.roles.roleOf(request.requester);
    const access = command.accessFor?.(args) ?? command.access;
    const needed = roleNeeded(access);
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
        if (!preview.empty) throw this.confirmationRequired(command, request, preview.reply, preview.data);
      }
      return await command.run(ctx);
    } finally {
      await progress.close();
    }
  }

  private confirmationRequired(command: Command, request: ChatRequest, preview: Reply, data: unknown): UserError {
    const pending = this.deps.confirmations.create(request, command.name, data);
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

  private failure(err: unknown, request: ChatRequest, command: Command | undefined, log: Logger): Outcome {
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
    tokens: readonly string[],
    secrets: readonly string[] | null,
    outcome: Outcome,
    durationMs: number,
    log: Logger,
    /** Overrides the outcome shown (a cancelled confirmation is not an error, nor an "ok"). */
    outcomeLabel?: string,
  ): Promise<void> {
    try {
      await this.deps.audit.record({
        time: new Date().toISOString(),
        requestId: request.id,
        platform: request.requester.platform,
        user: request.requester.displayName ? `${request.requester.userId} (${request.requester.displayName})` : request.requester.userId,
        channel: request.requester.channelId ?? null,
        engine: this.deps.services.docker.address,
        command: outcome.command,
        line: redactCommandLine(tokens, secrets),
        outcome: outcomeLabel ?? (outcome.ok ? 'ok' : (outcome.error?.code ?? 'error')),
        durationMs: Math.round(durationMs * 10) / 10,
      });
    } catch (err) {
      // The answer still goes out; a lost audit row is loud in the log.
      log.error({ err }, 'audit record failed');
    }
  }
}

export function errorReply(info: ErrorInfo, actions: SuggestedAction[] = []): Reply {
  const buttons: Block[] = actions.length
    ? [{ type: 'actions', actions: actions.map((a) => ({ id: `${COMMAND_PREFIX}${a.command}`, label: a.label, ...(a.style ? { style: a.style } : {}) })) }]
    : [];
  return reply([text(info.message), ...(info.hint ? [context(`hint: ${info.hint}`)] : []), ...buttons], {
    title: `Error (${info.code})`,
    tone: 'error',
  });
}
