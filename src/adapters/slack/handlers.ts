// What the bot does with each Slack event: `/docker <text>`, a pressed button, an @mention, a DM.
// Ack first (well inside Slack's 3 s whatever the engine does), then normalise, dispatch, render,
// post or edit. No Docker calls and no permission logic here: the dispatcher owns both.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ChatRequest, Requester } from '../../core/command.js';
import { newRequestId, type Dispatcher, type Outcome } from '../../core/dispatcher.js';
import type { ReplyBudget } from '../../core/budget.js';
import type { SuggestionStore } from '../../core/actions.js';
import type { ProgressSink } from '../../core/progress.js';
import { context, plain, reply, say, type Reply } from '../../core/reply.js';
import { ResponseUrl, type Destination, type MessageHandle, type SlackDelivery } from './delivery.js';
import type { SlackIdentity } from './identity.js';
import { MAX_BLOCKS, MAX_MESSAGE_TEXT, MIN_EDIT_INTERVAL_MS, UPDATES_PER_MINUTE_PER_WORKSPACE } from './limits.js';
import { psRowActions } from './row-actions.js';
import { renderedChars, renderReply } from './render.js';

/** The most one Slack message shows; the dispatcher cuts replies to it ("… and N more"). */
export const SLACK_BUDGET: ReplyBudget = { rows: 100, chars: MAX_MESSAGE_TEXT, measure: renderedChars };

/** Longest command line or question we take from chat. */
const MAX_TEXT = 4000;

export interface HandlerDeps {
  dispatcher: Dispatcher;
  /** Where row actions get their short ids (the dispatcher's own store). */
  suggestions: SuggestionStore;
  delivery: SlackDelivery;
  identity: SlackIdentity;
  botUserId: string;
  teamId: string;
  log: Logger;
}

/** Slack's encoding of message text back to what was typed: links to their text, entities decoded. */
export function typedText(slackText: string): string {
  return slackText
    .replace(/<(?:mailto:)?([^<>|]+)\|([^<>]*)>/g, (_m, target: string, label: string) => (/^[@#!]/.test(target) ? `<${target}>` : label))
    .replace(/<((?:https?|mailto):[^<>]+)>/g, (_m, url: string) => url.replace(/^mailto:/, ''))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim()
    .slice(0, MAX_TEXT);
}

/** Event ids remembered to drop Slack's redeliveries (it retries events it thinks were missed). */
const SEEN_EVENTS = 2000;

export class SlackHandlers {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly seenEvents = new Set<string>();

  constructor(private readonly deps: HandlerDeps) {}

  register(app: App): void {
    app.command('/docker', async ({ ack, command }) => {
      await ack();
      const to: Destination = { channel: command.channel_id, user: command.user_id, responseUrl: new ResponseUrl(command.response_url) };
      this.track(async () => {
        const requester = await this.requester(command.user_id, command.channel_id, command.team_id);
        await this.runText(typedText(command.text), requester, to);
      });
    });

    app.action(/.*/, async ({ ack, body, action }) => {
      await ack();
      if (body.type !== 'block_actions') return;
      // A button carries its id; a row-action menu carries it as the chosen option's value.
      const actionId = action.type === 'static_select' ? action.selected_option?.value : 'action_id' in action ? action.action_id : undefined;
      if (!actionId) return;
      const channel = body.channel?.id ?? body.container?.channel_id ?? '';
      const to: Destination = { channel, user: body.user.id, ...(body.response_url ? { responseUrl: new ResponseUrl(body.response_url) } : {}) };
      const pressedEphemeral = Boolean((body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral);
      this.track(async () => {
        const requester = await this.requester(body.user.id, channel, body.team?.id ?? this.deps.teamId);
        await this.press(actionId, requester, to, pressedEphemeral);
      });
    });

    app.event('app_mention', async ({ event, body }) => {
      if (!event.user || ('bot_id' in event && event.bot_id) || this.seen(body.event_id)) return;
      const user = event.user;
      const to: Destination = { channel: event.channel, user, threadTs: event.thread_ts ?? event.ts };
      this.track(async () => {
        const requester = await this.requester(user, event.channel, event.team ?? this.deps.teamId);
        await this.runConversational(event.text, requester, to);
      });
    });

    app.message(async ({ message, body }) => {
      // Only what a person typed in a DM with the bot: no edits, joins, or bot posts.
      if (message.channel_type !== 'im' || message.subtype !== undefined || !('user' in message) || !message.user || ('bot_id' in message && message.bot_id)) return;
      if (this.seen(body.event_id)) return;
      const user = message.user;
      const to: Destination = { channel: message.channel, user, threadTs: message.thread_ts ?? message.ts, direct: true };
      this.track(async () => {
        const requester = await this.requester(user, message.channel, this.deps.teamId);
        await this.runConversational(message.text ?? '', requester, to);
      });
    });
  }

  /** True for an event already handled: a redelivery must not run a command twice. */
  private seen(eventId: string | undefined): boolean {
    if (!eventId) return false;
    if (this.seenEvents.has(eventId)) return true;
    if (this.seenEvents.size >= SEEN_EVENTS) this.seenEvents.delete(this.seenEvents.values().next().value as string);
    this.seenEvents.add(eventId);
    return false;
  }

  /** Wait for work already acknowledged (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Runs after the ack; a failure is logged and never reaches Bolt (or ends the process). */
  private track(work: () => Promise<void>): void {
    const task = work().catch((err: unknown) => this.deps.log.error({ err }, 'handling a Slack request failed'));
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async requester(userId: string, channelId: string, teamId: string): Promise<Requester> {
    const [groups, displayName] = await Promise.all([this.deps.identity.groupsOf(userId), this.deps.identity.displayNameOf(userId)]);
    return { platform: 'slack', userId, groups, channelId, workspaceId: teamId, ...(displayName ? { displayName } : {}) };
  }

  /** A mention or DM: a command line runs the command; anything else is a question for the FAQ. */
  private async runConversational(slackText: string, requester: Requester, to: Destination): Promise<void> {
    const mention = new RegExp(`<@${this.deps.botUserId}(\\|[^>]*)?>`, 'g');
    const text = typedText(slackText.replace(mention, ' '));
    const line = text.replace(/^\/?docker(\s+|$)/i, '').trim();
    const isCommand = line !== '' && this.deps.dispatcher.resolve(line) !== undefined;
    await this.runText(text === '' ? 'help' : isCommand ? line : `ask ${text}`, requester, to);
  }

  private async runText(text: string, requester: Requester, to: Destination): Promise<void> {
    const request: ChatRequest = { id: newRequestId('slack'), text, requester };
    const outcome = await this.deps.dispatcher.handle(request, { onProgress: this.sink(to), budget: SLACK_BUDGET });
    await this.answer(outcome, to);
  }

  /** A pressed button, through the dispatcher (it checks who may, runs, audits). */
  private async press(actionId: string, by: Requester, to: Destination, pressedEphemeral: boolean): Promise<void> {
    const what = this.deps.dispatcher.describeAction(actionId);
    const outcome = await this.deps.dispatcher.act(actionId, by, { onProgress: this.sink(to), budget: SLACK_BUDGET });
    const answersPreview = what !== undefined && what.kind !== 'run';
    const refused = !outcome.ok && (outcome.error?.code === 'forbidden' || outcome.error?.code === 'confirmation_invalid' || outcome.error?.code === 'action_invalid');
    if (!answersPreview || refused || !to.responseUrl) {
      // A suggestion ran as a new request; a refused press goes to the presser only, the preview stays.
      await this.answer(outcome, to);
      return;
    }
    // The preview's message now says who answered it and how it ended, without its buttons.
    const who = by.displayName ?? by.userId;
    const verdict = what.kind === 'cancel' ? say`Cancelled by ${who}` : say`Confirmed by ${who}`;
    const result = outcome.reply;
    const sameAudience = (result.ephemeral ?? false) === pressedEphemeral;
    const replaced: Reply = sameAudience
      ? { ...result, blocks: [...result.blocks, context(verdict)] }
      : reply([context([...verdict, ': ', plain(result.title) || (outcome.ok ? 'done' : 'failed')])], { tone: result.tone ?? (outcome.ok ? 'ok' : 'error') });
    const updated = await this.deps.delivery.replacePressed(to.responseUrl, renderReply(replaced));
    if (!sameAudience || !updated) await this.answer(outcome, to);
  }

  /** The outcome, unless its progress message already shows it; `ps` results get row actions. */
  private async answer(outcome: Outcome, to: Destination): Promise<void> {
    if (outcome.delivered) return;
    const message = renderReply(outcome.reply);
    const rows = psRowActions(outcome, this.deps.suggestions);
    if (rows && message.blocks.length < MAX_BLOCKS) message.blocks.push(rows);
    await this.deps.delivery.send(to, message, outcome.reply.ephemeral ?? false);
  }

  /** Live progress as one message: posted, edited in place, ended with the final state. */
  private sink(to: Destination): ProgressSink<MessageHandle | undefined> {
    const { delivery } = this.deps;
    return {
      limits: {
        messageIntervalMs: MIN_EDIT_INTERVAL_MS,
        perWorkspacePerMinute: UPDATES_PER_MINUTE_PER_WORKSPACE,
        // One busy channel leaves room for progress elsewhere in the workspace.
        perChannelPerMinute: Math.floor(UPDATES_PER_MINUTE_PER_WORKSPACE / 2),
      },
      first: (r) => delivery.send(to, renderReply(r), r.ephemeral ?? false),
      edit: async (handle, r) => {
        if (handle) await delivery.edit(handle, renderReply(r));
      },
      final: async (handle, r) => {
        await delivery.final(handle, to, renderReply(r), r.ephemeral ?? false);
      },
    };
  }
}
