// The Discord adapter: normalise the interaction, acknowledge it at once, hand it to the
// dispatcher, render the reply and edit it in place. No Docker logic and no permission logic here.
import { once } from 'node:events';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Options,
  Partials,
  Routes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Command } from '../../core/command.js';
import { newRequestId, type Dispatcher } from '../../core/dispatcher.js';
import { fitReply, type ReplyBudget } from '../../core/budget.js';
import type { ProgressLimits, ProgressSink } from '../../core/progress.js';
import type { Reply } from '../../core/reply.js';
import { Completer, matching, type CompletionKind } from './autocomplete.js';
import { requesterOf } from './identity.js';
import { renderReply, type DiscordMessage } from './render.js';
import { buildSlashSchema, commandLineOf, type GivenOption, type SlashSchema } from './schema.js';

export interface DiscordClientOptions {
  /** Base of the REST API (`DISCORD_API_URL`), e.g. http://127.0.0.1:8080/api. */
  apiUrl?: string;
  /** `@dockbot <text>` in channels: needs the privileged Message Content intent. */
  mentions?: boolean;
}

/** The discord.js client with only the intents the bot needs and no message cache to grow. */
export function createDiscordClient(options: DiscordClientOptions = {}): Client {
  const intents = [GatewayIntentBits.Guilds];
  if (options.mentions) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent);
  return new Client({
    intents,
    ...(options.mentions ? { partials: [Partials.Channel] } : {}),
    rest: options.apiUrl ? { api: options.apiUrl.replace(/\/+$/, '') } : {},
    // A backstop: every body we send says the same again.
    allowedMentions: { parse: [] },
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0, ReactionManager: 0, PresenceManager: 0 }),
  });
}

/** discord.js's spelling of a rendered message. */
function toPayload(message: DiscordMessage): { content: string; embeds: DiscordMessage['embeds']; components: DiscordMessage['components']; allowedMentions: { parse: [] } } {
  return { content: message.content, embeds: message.embeds, components: message.components, allowedMentions: message.allowed_mentions };
}

/** Discord errors meaning the interaction token is no longer usable (15 minutes passed). */
const TOKEN_GONE = new Set([10015, 10062, 50027]);

/** What a reply may hold so that the renderer's embed stays within Discord's 4096/6000 characters. */
export const DISCORD_BUDGET: ReplyBudget = {
  rows: 50,
  chars: 3800,
  measure: (r) => {
    const e = renderReply(r).embeds[0];
    return e ? [...(e.description ?? '')].length + [...(e.title ?? '')].length : 0;
  },
};

/**
 * The interaction token lasts 15 minutes; past 14, states go on as channel messages. No fixed
 * per-channel numbers: discord.js reads Discord's X-RateLimit headers and waits as they say.
 */
const LIMITS: ProgressLimits = { messageIntervalMs: 1000, editWindowMs: 14 * 60 * 1000 };

/** A message showing a request's answer: the interaction's own, a follow-up, or a channel message. */
type Handle = { kind: 'original' } | { kind: 'followup'; id: string } | { kind: 'channel'; channelId: string; id: string };

export interface DiscordBotDeps {
  dispatcher: Dispatcher;
  commands: readonly Command[];
  completer: Completer;
  /** Commands that get the `host` option, and the engines it offers (the configured ones). */
  takesHost?: (command: Command) => boolean;
  engineNames?: () => readonly string[];
  /** Container and image names of the engine a `host` option names (otherwise `completer`'s). */
  completerFor?: (engine: string) => Completer | undefined;
  log: Logger;
  client?: Client;
  mentions?: boolean;
  apiUrl?: string;
}

export class DiscordBot {
  readonly client: Client;
  readonly schema: SlashSchema;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: DiscordBotDeps) {
    this.client = deps.client ?? createDiscordClient({ ...(deps.apiUrl ? { apiUrl: deps.apiUrl } : {}), mentions: deps.mentions ?? false });
    this.schema = buildSlashSchema(deps.commands, deps.takesHost ? { takesHost: deps.takesHost } : {});
    this.log = deps.log.child({ platform: 'discord' });
    this.client.on(Events.InteractionCreate, (interaction) => this.track(this.onInteraction(interaction)));
    if (deps.mentions) this.client.on(Events.MessageCreate, (message) => this.track(this.onMessage(message)));
    this.client.on(Events.Error, (err) => this.log.error({ err }, 'discord client error'));
    this.client.on(Events.ShardDisconnect, (event, shard) => this.log.warn({ code: event.code, shard }, 'gateway disconnected'));
    this.client.on(Events.ShardResume, (shard, replayed) => this.log.info({ shard, replayed }, 'gateway resumed'));
  }

  /** Logs in and resolves once the gateway is READY. */
  async start(token: string): Promise<void> {
    const ready = once(this.client, Events.ClientReady);
    await this.client.login(token);
    await ready;
    this.log.info({ user: this.client.user?.id }, 'discord connected');
  }

  /** The gateway session is up (for /healthz). */
  get connected(): boolean {
    return this.client.isReady();
  }

  /** A team notification: a new message in a channel, fitted and rendered like any reply (nothing pings). */
  async postToChannel(channelId: string, reply: Reply): Promise<void> {
    if (!/^\d{1,20}$/.test(channelId)) throw new Error(`not a Discord channel id: ${channelId}`);
    const message = renderReply(fitReply(reply, DISCORD_BUDGET));
    await this.client.rest.post(Routes.channelMessages(channelId), { body: { ...message, flags: undefined } });
  }

  /** Finishes the answers in progress, then disconnects. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  /** One request can never end the process: whatever it throws is logged here. */
  private track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.log.error({ err }, 'discord event failed'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    const ours = (interaction.isChatInputCommand() || interaction.isAutocomplete()) && this.schema.commands.some((c) => c.name === interaction.commandName);
    if (ours && interaction.isChatInputCommand()) return this.onSlash(interaction);
    if (ours && interaction.isAutocomplete()) return this.onAutocomplete(interaction);
    if (interaction.isButton()) return this.onButton(interaction);
  }

  private routeOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): { path: string; given: GivenOption[] } {
    let level: readonly CommandInteractionOption[] = interaction.options.data;
    const path: string[] = [];
    // Subcommand groups and subcommands carry their options one level down.
    while (level.length === 1 && level[0]?.options !== undefined && level[0].value === undefined) {
      path.push(level[0].name);
      level = level[0].options;
    }
    return { path: path.join(' '), given: level.map((o) => ({ name: o.name, ...(o.value === undefined || o.value === null ? {} : { value: o.value }) })) };
  }

  private async onSlash(interaction: ChatInputCommandInteraction): Promise<void> {
    // Acknowledge before anything else: Discord allows 3 s. The answer may still go to the
    // requester alone (errors, previews): then this public placeholder is replaced.
    await interaction.deferReply();
    const { path, given } = this.routeOf(interaction);
    const route = this.schema.routes.get(path);
    const request = { id: newRequestId('discord'), text: route ? commandLineOf(route, given) : path, requester: requesterOf(interaction) };
    const messages = new InteractionMessages(interaction, this.client);
    const outcome = await this.deps.dispatcher.handle(request, { budget: DISCORD_BUDGET, onProgress: messages.sink('original') });
    if (outcome.delivered) return;
    const message = renderReply(outcome.reply);
    if (outcome.reply.ephemeral) await messages.replaceWithPrivate(message, (err) => this.log.warn({ err }, 'could not remove the placeholder'));
    else await messages.send({ kind: 'original' }, message);
  }

  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const { path, given } = this.routeOf(interaction);
    const focused = interaction.options.getFocused(true);
    const role = this.schema.routes.get(path)?.options.get(focused.name);
    if (role?.kind === 'flag' && role.complete === 'engine') {
      // What is chosen is checked like a typed `--host` when the command runs.
      return interaction.respond(matching(this.deps.engineNames?.() ?? [], String(focused.value)).map((n) => ({ name: n, value: n })));
    }
    const kind: CompletionKind | undefined = role?.kind === 'positional' ? role.spec.complete : undefined;
    const host = given.find((g) => g.name === 'host')?.value;
    const completer = (typeof host === 'string' && this.deps.completerFor?.(host)) || this.deps.completer;
    const names = kind ? await completer.complete(kind, String(focused.value)) : [];
    await interaction.respond(names.map((n) => ({ name: n, value: n })));
  }

  private async onButton(interaction: ButtonInteraction): Promise<void> {
    // The message with the button stays as it is until we know what the press did.
    await interaction.deferUpdate();
    const answers = this.deps.dispatcher.describeAction(interaction.customId)?.kind;
    const onPreview = answers === 'confirm' || answers === 'cancel';
    const wasPrivate = interaction.message.flags.has(MessageFlags.Ephemeral);
    const messages = new InteractionMessages(interaction, this.client);
    // A confirmed change shows in the preview's message; a suggestion's result in a new one.
    const outcome = await this.deps.dispatcher.act(interaction.customId, requesterOf(interaction), {
      budget: DISCORD_BUDGET,
      onProgress: messages.sink(onPreview ? 'original' : 'followup'),
    });
    if (outcome.delivered) return;
    const message = renderReply(outcome.reply);
    if (!onPreview || (outcome.reply.ephemeral && !outcome.ok)) {
      // Refused (someone else's preview, expired, not allowed) or a suggestion's answer: a new
      // message, private when the dispatcher says so; the pressed message stays as it was.
      await interaction.followUp({ ...toPayload(message), ...(outcome.reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
      return;
    }
    await messages.send({ kind: 'original' }, message);
    // A change the channel should see, confirmed on a preview only the requester saw.
    if (wasPrivate && !outcome.reply.ephemeral) await interaction.followUp(toPayload(message));
  }

  /** `@dockbot ps -a` or `@dockbot what is an image?` (only with mentions switched on). */
  private async onMessage(message: Message): Promise<void> {
    const me = this.client.user;
    if (!me || message.author.bot) return;
    const inDm = message.guildId === null;
    if (!inDm && !message.mentions.users.has(me.id)) return;
    const typed = message.content.replace(new RegExp(`<@!?${me.id}>`, 'g'), '').trim();
    if (!typed) return;
    const isCommand = this.deps.dispatcher.resolve(typed.replace(/^\/?docker\s+/i, '')) !== undefined;
    const requester = requesterOf({ user: message.author, member: message.member, guildId: message.guildId, channelId: message.channelId });
    const request = { id: newRequestId('discord'), text: isCommand ? typed : `ask ${typed}`, requester };
    // One reply to the message, edited in place (the dispatcher never overlaps these calls).
    let answer: Message | undefined;
    const show = async (reply: Reply): Promise<void> => {
      const payload = { ...toPayload(renderReply(reply)), allowedMentions: { parse: [], repliedUser: false } };
      if (answer) await answer.edit(payload);
      else answer = await message.reply(payload);
    };
    const outcome = await this.deps.dispatcher.handle(request, {
      budget: DISCORD_BUDGET,
      onProgress: { limits: LIMITS, first: show, edit: (_h, r) => show(r), final: (_h, r) => show(r) },
    });
    if (!outcome.delivered) await show(outcome.reply);
  }
}

/** The messages of one interaction: its own (@original), follow-ups, and channel messages past the token's life. */
class InteractionMessages {
  private tokenGone = false;
  private posted = false;

  constructor(
    private readonly interaction: ChatInputCommandInteraction | ButtonInteraction,
    private readonly client: Client,
  ) {}

  /** Progress for the dispatcher: the first state goes to `where`, later ones edit it. */
  sink(where: 'original' | 'followup'): ProgressSink<Handle> {
    return {
      limits: LIMITS,
      first: async (reply) => {
        const message = renderReply(reply);
        // Asked for a new message again: the edit window is over, the token gone or nearly.
        if (this.tokenGone || this.posted) return this.postInChannel(message);
        this.posted = true;
        if (where === 'original') {
          await this.send({ kind: 'original' }, message);
          return { kind: 'original' };
        }
        const sent = await this.interaction.followUp(toPayload(message));
        return { kind: 'followup', id: sent.id };
      },
      edit: (handle, reply) => this.send(handle, renderReply(reply)),
      final: (handle, reply) => this.send(handle, renderReply(reply)),
    };
  }

  async send(handle: Handle, message: DiscordMessage): Promise<void> {
    if (handle.kind === 'channel') {
      await this.client.rest.patch(Routes.channelMessage(handle.channelId, handle.id), { body: { ...message, flags: undefined } });
      return;
    }
    try {
      await this.interaction.editReply({ ...toPayload(message), ...(handle.kind === 'followup' ? { message: handle.id } : {}) });
    } catch (err) {
      if (!(err instanceof DiscordAPIError && TOKEN_GONE.has(Number(err.code)))) throw err;
      this.tokenGone = true;
      await this.postInChannel(message);
    }
  }

  /** The channel saw the public placeholder; the answer is for the requester alone. */
  async replaceWithPrivate(message: DiscordMessage, onError: (err: unknown) => void): Promise<void> {
    await this.interaction.deleteReply().catch(onError);
    await this.interaction.followUp({ ...toPayload(message), flags: MessageFlags.Ephemeral });
  }

  private async postInChannel(message: DiscordMessage): Promise<Handle> {
    const channelId = this.interaction.channelId;
    if (!channelId) throw new Error('the interaction token expired and there is no channel to post in');
    const sent = (await this.client.rest.post(Routes.channelMessages(channelId), { body: { ...message, flags: undefined } })) as { id: string };
    return { kind: 'channel', channelId, id: sent.id };
  }
}

export { Completer };
