// The one path every request takes: lookup -> parse -> policy -> plan/confirm/apply or run ->
// fit -> audit. Errors become replies here and nowhere else.
//
// For adapter authors: call `handle` for typed text and `act` for a pressed button, with the
// budget of your platform and a progress sink; render `outcome.reply` (already within the
// budget; `reply.ephemeral` says who sees it) unless `outcome.delivered` says the progress
// message already shows it. `outcome.confirmation` is set when a change waits for Confirm.
import { randomBytes } from 'node:crypto';
import { closest, distance } from 'fastest-levenshtein';
import type { Logger } from 'pino';
import { DRY_RUN, HELP, helpRequested, ParsedArgs, parseCommandArgs, tokenize } from './args.js';
import { parseActionId, SuggestionStore } from './actions.js';
import type { AuditSink } from './audit.js';
import { redactCommandLine } from './audit.js';
import { fitReply, type ReplyBudget } from './budget.js';
import { readStoredPlan, type ChangeCommand, type ChatRequest, type Command, type CommandContext, type OptionSpec, type Requester, type Result } from './command.js';
import type { ConfirmationStore, PendingConfirmation } from './confirm.js';
import { isUserError, UserError, type ErrorInfo, type SuggestedAction } from './errors.js';
import type { Confirmation, Outcome } from './outcome.js';
import { atLeast, roleNeeded, type RolePolicy } from './policy.js';
import { EditBudgets, ProgressChannel, type ProgressSink } from './progress.js';
import { context, reply, say, text, type Action, type Block, type Reply } from './reply.js';
import { commandHelp } from './help.js';
import type { Services } from '../services.js';

export type { Confirmation, Outcome } from './outcome.js';

export interface DispatcherDeps {
  commands: readonly Command[];
  services: Services;
  log: Logger;
  roles: RolePolicy;
  audit: AuditSink;
  confirmations: ConfirmationStore;
  /** Where the engine is, for the audit trail (`unix:///var/run/docker.sock`). */
  engineAddress?: string | null;
  /** Suggested-action buttons; default: a store of its own. */
  suggestions?: SuggestionStore;
  /** Previews are shown to the whole channel (so a team sees what is pending); default: the requester only. */
  previewsPublic?: boolean;
  /** Turns library errors (e.g. the Engine's, of the named engine) into user errors; undefined when it does not know them. */
  mapError(err: unknown, engine?: string): UserError | undefined;
  /** Several engines: `--host NAME` (or the session's `use NAME`) picks the one a request talks to. */
  engines?: EngineChoice;
  /** Minimum interval between live edits of one message (a sink may ask for more). */
  progressIntervalMs?: number;
  /** The command that answers a question typed where a command was expected (`ask`). */
  questionCommand?: string;
}

/** The engines a request can be sent to, as the dispatcher needs them (built in main.ts). */
export interface EngineChoice {
  names: readonly string[];
  defaultName: string;
  /** Commands that never talk to an engine (help, ask) get no `--host`. */
  usedBy(command: Command): boolean;
  /** The services with `docker` being that engine. */
  services(name: string): Services;
  address(name: string): string;
  /** Grants on that engine (an engine entry's `roles`, else the top level). Throws `usage` for an unknown name. */
  roles(name: string): RolePolicy;
}

export const HOST_OPTION: OptionSpec = { name: 'host', type: 'string', placeholder: 'name', description: 'The engine to send this to (`engines` lists them)' };

export interface HandleOptions {
  /** Where live updates go (first post, edits, final state); none: only the outcome. */
  onProgress?: ProgressSink;
  /** The most the platform shows of one reply; none: the whole reply (the terminal). */
  budget?: ReplyBudget;
}

/** A Confirm press: the plan the requester saw, and who pressed. */
interface Pressed {
  plan: unknown;
  by: Requester;
}

/** Words that start a question rather than a command; any Han text reads as a question (no command is Chinese). */
const QUESTION_WORDS = /^(what|what's|whats|how|why|when|where|which|who|can|could|is|are|does|do|should|difference)$/;
const HAN = /\p{Script=Han}/u;

/** `/docker ps`, `docker ps` and `ps` are the same request. */
const PREFIX = /^\/?docker(\s+|$)/i;

export class Dispatcher {
  private readonly byName = new Map<string, Command>();
  private readonly suggestions: SuggestionStore;
  private readonly editBudgets = new EditBudgets();

  constructor(private readonly deps: DispatcherDeps) {
    for (const c of deps.commands) {
      for (const name of [c.name, ...(c.aliases ?? [])]) {
        if (this.byName.has(name)) throw new Error(`two commands are named "${name}"`);
        this.byName.set(name, c);
      }
    }
    this.suggestions = deps.suggestions ?? new SuggestionStore();
  }

  get commands(): readonly Command[] {
    return this.deps.commands;
  }

  /** The engines requests can name (`--host`, the REPL's `use`), and the one used when none is named. */
  get engineNames(): { names: readonly string[]; defaultName: string } | undefined {
    const e = this.deps.engines;
    return e ? { names: e.names, defaultName: e.defaultName } : undefined;
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

  /** The command a typed line names (`/docker build …` as `build …`), without running it. */
  commandFor(text: string): Command | undefined {
    return this.resolve(text.trim().replace(PREFIX, '').trim())?.command;
  }

  async handle(request: ChatRequest, options: HandleOptions = {}): Promise<Outcome> {
    return this.run(request, options);
  }

  /** What a button id does now, for tests and logs: the command line of a suggestion, or the confirmation it answers. */
  describeAction(actionId: string): { kind: 'run'; line: string } | { kind: 'confirm' | 'cancel'; command: string; line: string } | undefined {
    const parsed = parseActionId(actionId);
    if (parsed.kind === 'run') {
      const line = this.suggestions.lineOf(parsed.token);
      return line === undefined ? undefined : { kind: 'run', line };
    }
    if (parsed.kind === 'unknown') return undefined;
    const entry = this.deps.confirmations.find(parsed.token);
    return entry ? { kind: parsed.kind, command: entry.commandName, line: entry.line } : undefined;
  }

  /** A pressed button, by the id the reply gave it (see actions.ts). */
  async act(actionId: string, by: Requester, options: HandleOptions = {}): Promise<Outcome> {
    const requestId = newRequestId('act');
    const log = this.deps.log.child({ requestId, platform: by.platform, user: by.userId });
    const pressed: ChatRequest = { id: requestId, text: actionId, requester: by };
    const parsed = parseActionId(actionId);
    let entry: PendingConfirmation | undefined;
    try {
      if (parsed.kind === 'unknown') {
        throw new UserError('action_invalid', 'this button is not one of ours; nothing was run', { hint: 'type the command instead' });
      }
      if (parsed.kind === 'run') {
        const line = this.suggestions.lineOf(parsed.token);
        if (line === undefined) {
          throw new UserError('action_invalid', 'this button has expired; nothing was run', { hint: 'type the command instead, or run the one that offered it again' });
        }
        // The presser runs it as their own request: their role, their confirmation.
        return await this.handle({ id: requestId, text: line, requester: by }, options);
      }
      entry = this.deps.confirmations.find(parsed.token);
      this.deps.confirmations.settle(parsed.token, by, this.roleOf(by) === 'admin', parsed.kind === 'confirm' ? 'confirmed' : 'cancelled');
    } catch (err) {
      // A refused press (someone else, expired, used twice) is audited like any denied command.
      const failed = this.failure(err, pressed, undefined, log);
      const refused: Outcome = { ...failed, command: entry?.commandName ?? null, line: entry?.line ?? (parsed.kind === 'unknown' ? 'action' : parsed.kind) };
      await this.audit(pressed, { command: refused.command, line: refused.line, outcome: refused, durationMs: 0 }, log);
      return this.finalize(refused, options);
    }
    const pending = entry as PendingConfirmation;
    if (parsed.kind === 'cancel') {
      const done: Outcome = {
        requestId,
        command: pending.commandName,
        ok: true,
        data: { cancelled: true },
        reply: reply([text(say`Cancelled \`${pending.line}\`; nothing was changed.`)], { tone: 'info', ephemeral: !this.deps.previewsPublic }),
        line: pending.line,
      };
      await this.audit(pressed, { command: pending.commandName, line: pending.line, outcome: done, durationMs: 0, label: 'cancelled' }, log);
      return this.finalize(done, options);
    }
    return this.run({ ...pending.request, id: `${pending.request.id}-confirmed` }, options, { plan: pending.preview, by });
  }

  private roleOf(r: Requester) {
    return this.deps.roles.roleOf(r);
  }

  private async run(request: ChatRequest, options: HandleOptions, pressed?: Pressed): Promise<Outcome> {
    const started = performance.now();
    const log = this.deps.log.child({ requestId: request.id, platform: request.requester.platform, user: request.requester.userId });
    const typed = request.text.trim().replace(PREFIX, '').trim() || 'help';
    // Until the arguments parse, which values are secret is unknown: every KEY=value is redacted.
    let line = redactCommandLine(typed.split(/\s+/), null);
    let command: Command | undefined;
    let engine: string | undefined;
    let outcome: Omit<Outcome, 'line'>;
    const progress = this.progressFor(request.requester, options, log);
    try {
      const found = this.resolve(typed) ?? this.asQuestion(typed);
      if (!found) throw this.unknownCommand(typed.split(/\s+/));
      command = found.command;
      const tokens = command.freeText ? (found.rest ? [found.rest] : []) : tokenize(found.rest);
      const parsed = this.parse(command, tokens);
      line = redactCommandLine([...command.name.split(' '), ...tokens], parsed === 'help' ? [] : secretValues(command, parsed));
      if (parsed === 'help') {
        outcome = { requestId: request.id, command: command.name, ok: true, data: { help: command.name }, reply: { ...commandHelp(this.deps.engines?.usedBy(command) ? { ...command, options: [...command.options, HOST_OPTION] } : command), ephemeral: true } };
      } else {
        engine = this.engineFor(command, parsed, request);
        outcome = await this.execute(command, parsed, line, request, log.child(engine ? { engine } : {}), progress, pressed, engine);
      }
      if ('question' in found) {
        outcome = { ...outcome, reply: { ...outcome.reply, blocks: [context('taken as a question: no command is named like that (`help` lists them)'), ...outcome.reply.blocks] } };
      }
    } catch (err) {
      outcome = this.failure(err, request, command, log, engine);
    }
    const durationMs = performance.now() - started;
    log.debug({ command: outcome.command, ok: outcome.ok, durationMs }, 'handled');
    const done: Outcome = { ...(engine ? this.namingEngine(outcome, engine) : outcome), line };
    await this.audit(request, { command: done.command, line, outcome: done, durationMs, engine, ...(pressed ? { confirmedBy: pressed.by } : {}) }, log);
    return this.finalize(done, options, progress);
  }

  /** The engine this request talks to: `--host`, else the session's (`use`), else the default; none for engine-free commands. */
  private engineFor(command: Command, args: ParsedArgs, request: ChatRequest): string | undefined {
    const engines = this.deps.engines;
    if (!engines || !engines.usedBy(command)) return undefined;
    const name = args.string('host') ?? request.engine ?? engines.defaultName;
    if (!engines.names.includes(name)) {
      throw new UserError('usage', `no engine is named ${JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}...` : name)}`, {
        hint: `configured engines: ${engines.names.join(', ')} (\`engines\` lists them)`,
      });
    }
    return name;
  }

  /** With several engines, every answer says which one gave it (above any buttons). */
  private namingEngine(outcome: Omit<Outcome, 'line'>, engine: string): Omit<Outcome, 'line'> {
    if ((this.deps.engines?.names.length ?? 0) < 2) return { ...outcome, engine };
    const blocks = [...outcome.reply.blocks];
    const at = blocks.length > 0 && blocks[blocks.length - 1]?.type === 'actions' ? blocks.length - 1 : blocks.length;
    blocks.splice(at, 0, context(`engine: ${engine}`));
    return { ...outcome, engine, reply: { ...outcome.reply, blocks } };
  }

  /** Fits the reply to the budget and ends the progress message with it, if one was posted. */
  private async finalize(outcome: Outcome, options: HandleOptions, progress?: ProgressChannel): Promise<Outcome> {
    const fitted: Outcome = options.budget ? { ...outcome, reply: fitReply(outcome.reply, options.budget) } : outcome;
    const delivered = progress ? await progress.finish(fitted.reply) : undefined;
    return delivered ? { ...fitted, delivered } : fitted;
  }

  private progressFor(requester: Requester, options: HandleOptions, log: Logger): ProgressChannel | undefined {
    const sink = options.onProgress;
    if (!sink) return undefined;
    const workspace = requester.workspaceId ?? '';
    return new ProgressChannel(
      {
        ...sink,
        first: (r) => sink.first(this.fit(r, options)),
        edit: (h, r) => sink.edit(h, this.fit(r, options)),
        final: (h, r) => sink.final(h, r),
      },
      {
        intervalMs: this.deps.progressIntervalMs ?? 1000,
        onError: (err) => log.warn({ err }, 'progress update failed'),
        budgets: this.editBudgets,
        ...(requester.channelId ? { channelKey: `${requester.platform}:${workspace}:${requester.channelId}` } : {}),
        ...(requester.workspaceId ? { workspaceKey: `${requester.platform}:${workspace}` } : {}),
      },
    );
  }

  private fit(r: Reply, options: HandleOptions): Reply {
    return options.budget ? fitReply(r, options.budget) : r;
  }

  /** The command's arguments, or 'help' when `--help` is among its own flags. */
  private parse(command: Command, tokens: string[]): ParsedArgs | 'help' {
    if (command.freeText) return new ParsedArgs({}, tokens);
    const host = this.deps.engines?.usedBy(command) ? [HOST_OPTION] : [];
    const spec = { ...command, options: [...command.options, ...(command.mutating ? [DRY_RUN] : []), ...host, HELP] };
    return helpRequested(tokens, spec) ? 'help' : parseCommandArgs(tokens, spec);
  }

  private async execute(
    command: Command,
    args: ParsedArgs,
    line: string,
    request: ChatRequest,
    log: Logger,
    progress: ProgressChannel | undefined,
    pressed: Pressed | undefined,
    engine: string | undefined,
  ): Promise<Omit<Outcome, 'line'>> {
    const engines = this.deps.engines;
    const role = engine && engines ? engines.roles(engine).roleOf(request.requester) : this.roleOf(request.requester);
    const needed = roleNeeded(command.accessFor?.(args) ?? command.access);
    if (!atLeast(role, needed)) {
      throw new UserError('forbidden', `\`${command.name}\` needs the ${needed} role; you are a ${role}`, {
        hint: engine && engines && engines.names.length > 1
          ? `on engine "${engine}"; an admin can grant it under roles.${needed} (or engines.${engine}.roles.${needed}) in dockbot.yaml`
          : `an admin can grant it under roles.${needed} in dockbot.yaml`,
      });
    }
    const ctx: CommandContext = {
      args,
      request,
      role,
      services: engine && engines ? engines.services(engine) : this.deps.services,
      log: log.child({ command: command.name }),
      progress: (update) => progress?.push(update),
      commands: this.deps.commands,
    };
    const answered = (result: Result): Omit<Outcome, 'line'> => ({
      requestId: request.id,
      command: command.name,
      ok: result.ok,
      data: result.data,
      reply: { ...result.reply, ephemeral: result.reply.ephemeral ?? false },
      // Every failure carries its coded error, also one the command answered with its own reply.
      ...(result.ok ? {} : { error: result.error ?? { code: 'internal', message: `\`${command.name}\` did not succeed`, hint: 'the reply above says what happened' } }),
    });
    if (command.change === undefined) return answered(await command.run(ctx));
    return this.change(command, ctx, line, pressed, answered);
  }

  /** Plan -> confirm -> apply: the only place that reads `--dry-run`, confirm flags and stored plans. */
  private async change(
    command: ChangeCommand,
    ctx: CommandContext,
    line: string,
    pressed: Pressed | undefined,
    answered: (result: Result) => Omit<Outcome, 'line'>,
  ): Promise<Omit<Outcome, 'line'>> {
    const change = command.change;
    if (pressed) {
      return answered(await change.apply(ctx, { by: 'preview', plan: readStoredPlan(change.schema, pressed.plan) }));
    }
    const flagConfirms = ctx.request.flagsConfirm === true && change.confirmFlag !== undefined && ctx.args.bool(change.confirmFlag);
    if (ctx.request.confirmed === true || flagConfirms) {
      if (!ctx.args.bool('dry-run')) return answered(await change.apply(ctx, { by: 'flag' }));
    }
    const plan = await change.plan(ctx);
    if (ctx.args.bool('dry-run')) {
      return answered({
        ok: true,
        data: { dryRun: true, plan: plan.data },
        reply: { ...plan.reply, title: plan.dryRunTitle, blocks: [...plan.reply.blocks, ...(plan.dryRunNote ? [context(plan.dryRunNote)] : [])] },
      });
    }
    if (plan.empty) return answered(await change.apply(ctx, { by: 'empty', plan: plan.data }));
    return this.confirmationRequired(command, ctx.request, line, plan.reply, plan.data);
  }

  private confirmationRequired(command: Command, request: ChatRequest, line: string, preview: Reply, data: unknown): Omit<Outcome, 'line'> {
    const pending = this.deps.confirmations.create(request, command.name, line, data);
    const minutes = Math.round(this.deps.confirmations.ttlMs / 60000);
    const confirmation: Confirmation = {
      token: pending.token,
      expiresAt: new Date(pending.expiresAt).toISOString(),
      preview,
      confirm: { id: pending.confirmId, label: 'Confirm', style: 'danger' },
      cancel: { id: pending.cancelId, label: 'Cancel' },
    };
    return {
      requestId: request.id,
      command: command.name,
      ok: false,
      data: { preview: data, confirm: { token: confirmation.token, expiresAt: confirmation.expiresAt } },
      reply: { ...preview, ephemeral: !this.deps.previewsPublic, blocks: [...preview.blocks, { type: 'actions', actions: [confirmation.confirm, confirmation.cancel] }] },
      error: {
        code: 'confirmation_required',
        message: `\`${command.name}\` changes things: confirm to go ahead`,
        hint: `only the requester or an admin can confirm; expires in ${minutes} min (in a terminal: add --yes)`,
      },
      confirmation,
    };
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

  private failure(err: unknown, request: ChatRequest, command: Command | undefined, log: Logger, engine?: string): Omit<Outcome, 'line'> {
    const userError = isUserError(err) ? err : this.deps.mapError(err, engine);
    if (userError) {
      const info = userError.info();
      return {
        requestId: request.id,
        command: command?.name ?? null,
        ok: false,
        data: userError.data === undefined ? null : userError.data,
        reply: this.errorReply(info, userError.actions),
        error: info,
      };
    }
    log.error({ err, command: command?.name }, 'command failed');
    const info: ErrorInfo = {
      code: 'internal',
      message: `something went wrong on our side (request ${request.id})`,
      hint: 'the details are in the bot log under this request id',
    };
    return { requestId: request.id, command: command?.name ?? null, ok: false, data: null, reply: this.errorReply(info), error: info };
  }

  /** The error card: only the requester sees it; suggested next steps as short-id buttons. */
  private errorReply(info: ErrorInfo, actions: SuggestedAction[] = []): Reply {
    const buttons: Action[] = actions.map((a) => ({ id: this.suggestions.add(a.command), label: a.label, ...(a.style ? { style: a.style } : {}) }));
    return errorReply(info, buttons);
  }

  private async audit(
    request: ChatRequest,
    what: {
      command: string | null;
      line: string;
      outcome: Pick<Outcome, 'ok' | 'error'>;
      durationMs: number;
      /** The engine the request talked to (none: engine-free commands, or a single-engine setup). */
      engine?: string | undefined;
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
        engine: (what.engine && this.deps.engines ? this.deps.engines.address(what.engine) : this.deps.engineAddress) ?? null,
        engineName: what.engine ?? null,
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

/** The standard error card (ephemeral), with the given buttons. */
export function errorReply(info: ErrorInfo, buttons: Action[] = []): Reply {
  const actions: Block[] = buttons.length ? [{ type: 'actions', actions: buttons }] : [];
  return reply([text(info.message), ...(info.hint ? [context(`hint: ${info.hint}`)] : []), ...actions], {
    title: `Error (${info.code})`,
    tone: 'error',
    ephemeral: true,
  });
}
