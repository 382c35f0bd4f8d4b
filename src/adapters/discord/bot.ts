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
import { newRequestId, type Dispatcher, type Outcome } from '../../core/dispatcher.js';
import type { Reply } from '../../core/reply.js';
import { Completer, type CompletionKind } from './autocomplete.js';
import { requesterOf } from './identity.js';
import { renderReply, type DiscordMessage } from './render.js';
import { buildSlashSchema, commandLineOf, ROOT_NAME, type GivenOption, type SlashSchema } from './schema.js';

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

/** Errors, denials and previews go to the requester alone unless the reply says otherwise. */
const privateReply = (outcome: Outcome): boolean => outcome.reply.ephemeral ?? !outcome.ok;

/** Discord errors meaning the interaction token is no longer usable (15 minutes passed). */
const TOKEN_GONE = new Set([10015, 10062, 50027]);

interface Replier {
  /** Edit the one message of this request (serialised: never two edits in flight). */
  edit(reply: Reply): Promise<void>;
  /** The final state; always sent, whatever happened to the edits before it. */
  finish(outcome: Outcome): Promise<void>;
}

export interface DiscordBotDeps {
  dispatcher: Dispatcher;
  commands: readonly Command[];
  completer: Completer;
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
    this.schema = buildSlashSchema(deps.commands);
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
    if (interaction.isChatInputCommand() && interaction.commandName === ROOT_NAME) return this.onSlash(interaction);
    if (interaction.isAutocomplete() && interaction.commandName === ROOT_NAME) return this.onAutocomplete(interaction);
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
    // Acknowledge before anything else: Discord allows 3 s.
    await interaction.deferReply();
    const { path, given } = this.routeOf(interaction);
    const route = this.schema.routes.get(path);
    const requester = requesterOf(interaction);
    const request = { id: newRequestId('discord'), text: route ? commandLineOf(route, given) : path, requester };
    const replier = this.interactionReplier(interaction, interaction.channelId);
    const outcome = await this.deps.dispatcher.handle(request, { onProgress: (update) => replier.edit(update) });
    await replier.finish(outcome);
  }

  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const { path } = this.routeOf(interaction);
    const focused = interaction.options.getFocused(true);
    const role = this.schema.routes.get(path)?.options.get(focused.name);
    const kind: CompletionKind | undefined = role?.kind === 'positional' ? role.spec.complete : undefined;
    const names = kind ? await this.deps.completer.complete(kind, String(focused.value)) : [];
    await interaction.respond(names.map((n) => ({ name: n, value: n })));
  }

  private async onButton(interaction: ButtonInteraction): Promise<void> {
    // The message with the button stays as it is until we know what the press did.
    await interaction.deferUpdate();
    const requester = requesterOf(interaction);
    const wasPrivate = interaction.message.flags.has(MessageFlags.Ephemeral);
    const replier = this.interactionReplier(interaction, interaction.channelId);
    const outcome = await this.deps.dispatcher.act(interaction.customId, requester, { onProgress: (update) => replier.edit(update) });
    if (!outcome.ok && outcome.error && ['confirmation_invalid', 'forbidden', 'usage'].includes(outcome.error.code)) {
      // Refused (someone else's confirmation, expired, not allowed): only the presser hears it.
      await interaction.followUp({ ...toPayload(renderReply(outcome.reply)), flags: MessageFlags.Ephemeral });
      return;
    }
    await replier.finish(outcome);
    // A confirmed change the whole channel should see, pressed on a preview only one person saw.
    if (wasPrivate && !privateReply(outcome)) {
      await interaction.followUp(toPayload(renderReply(outcome.reply)));
    }
  }

  /** Edits of the interaction's @original message, in order; past the token's life, a channel message. */
  private interactionReplier(interaction: ChatInputCommandInteraction | ButtonInteraction, channelId: string | null): Replier {
    let chain: Promise<void> = Promise.resolve();
    let tokenGone = false;
    const send = async (message: DiscordMessage): Promise<void> => {
      if (!tokenGone) {
        try {
          await interaction.editReply(toPayload(message));
          return;
        } catch (err) {
          if (!(err instanceof DiscordAPIError && TOKEN_GONE.has(Number(err.code)))) throw err;
          tokenGone = true;
        }
      }
      if (!channelId) throw new Error('the interaction token expired and there is no channel to post in');
      await this.client.rest.post(Routes.channelMessages(channelId), { body: { ...message, flags: undefined } });
    };
    const enqueue = (work: () => Promise<void>): Promise<void> => {
      chain = chain.then(work, work);
      return chain;
    };
    return {
      edit: (reply) => enqueue(() => send(renderReply(reply))),
      finish: async (outcome) => {
        const message = renderReply(outcome.reply);
        if (privateReply(outcome) && interaction.isChatInputCommand() && !interaction.ephemeral) {
          // The channel saw "thinking…"; the answer is for the requester alone.
          await enqueue(async () => {
            await interaction.deleteReply().catch((err: unknown) => this.log.warn({ err }, 'could not remove the deferred reply'));
            await interaction.followUp({ ...toPayload(message), flags: MessageFlags.Ephemeral });
          });
          return;
        }
        await enqueue(() => send(message));
      },
    };
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
    let answer: Message | undefined;
    let chain: Promise<unknown> = Promise.resolve();
    const show = (reply: Reply): Promise<unknown> => {
      const payload = { ...toPayload(renderReply(reply)), allowedMentions: { parse: [], repliedUser: false } };
      chain = chain.then(async () => {
        if (answer) await answer.edit(payload);
        else answer = await message.reply(payload);
      });
      return chain;
    };
    const outcome = await this.deps.dispatcher.handle(request, { onProgress: (update) => void show(update) });
    await show(outcome.reply);
  }
}

export { Completer };
