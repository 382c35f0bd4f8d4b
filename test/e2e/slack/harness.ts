// The real Bolt app (HTTP or Socket Mode) wired to the real dispatcher and the private engine,
// talking to a loopback FakeSlack. One per test file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startSlack, type RunningSlack, type SlackOptions } from '../../../src/adapters/slack/index.js';
import { loadConfig } from '../../../src/config.js';
import { createApp, type App } from '../../../src/main.js';
import { FakeSlack, type RecordedCall } from '../../fakes/slack/fake-slack.js';
import { pressButton, sendEvent, slashCommand, type HttpAnswer, type MessageEventFields, type SignedOptions } from '../../fakes/slack/signed.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-0000';
export const APP_TOKEN = 'xapp-test-0000';

export interface HarnessOptions {
  yaml?: string;
  socketMode?: boolean;
  dockerHost: string;
  slack?: SlackOptions;
  /** Configure the fake before the bot starts (users, groups, scopes). */
  before?: (fake: FakeSlack) => void;
}

export interface SlackHarness {
  fake: FakeSlack;
  app: App;
  slack: RunningSlack;
  dataDir: string;
  eventsUrl: string;
  slash(text: string, userId: string, extra?: { channelId?: string; responseUrl?: string }, signed?: SignedOptions): Promise<{ answer: HttpAnswer; responseUrl: string }>;
  press(actionId: string, userId: string, extra?: { channelId?: string; responseUrl?: string; messageTs?: string; ephemeral?: boolean; selected?: string }): Promise<{ answer: HttpAnswer; responseUrl: string }>;
  event(fields: MessageEventFields, signed?: SignedOptions): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<SlackHarness> {
  const fake = await new FakeSlack().start();
  options.before?.(fake);
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-slack-'));
  const file = join(dataDir, 'dockbot.yaml');
  writeFileSync(file, options.yaml ?? '');
  const env: Record<string, string> = {
    DOCKER_HOST: options.dockerHost,
    DOCKBOT_CONFIG: file,
    DOCKBOT_DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    ...(options.socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
  };
  const config = loadConfig(env, dataDir);
  const log = pino({ level: process.env.DOCKBOT_TEST_LOG ?? 'silent' });
  const app = createApp(config, log);
  const slack = await startSlack(app, config, log, { port: 0, retries: 0, ...options.slack });
  const eventsUrl = `http://127.0.0.1:${slack.port ?? 0}/slack/events`;
  return {
    fake,
    app,
    slack,
    dataDir,
    eventsUrl,
    async slash(text, userId, extra = {}, signed) {
      const responseUrl = extra.responseUrl ?? fake.responseUrl();
      const answer = await slashCommand(eventsUrl, SIGNING_SECRET, { text, userId, responseUrl, ...(extra.channelId ? { channelId: extra.channelId } : {}) }, signed);
      return { answer, responseUrl };
    },
    async press(actionId, userId, extra = {}) {
      const responseUrl = extra.responseUrl ?? fake.responseUrl();
      const answer = await pressButton(eventsUrl, SIGNING_SECRET, { actionId, userId, responseUrl, ...extra });
      return { answer, responseUrl };
    },
    event: (fields, signed) => sendEvent(eventsUrl, SIGNING_SECRET, fields, signed),
    async stop() {
      await slack.stop();
      await fake.stop();
    },
  };
}

type AnyBlock = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text?: string | { text: string }; action_id?: string; style?: string }> };

/** All text a message shows, blocks and fallback. */
export function messageText(body: Record<string, unknown>): string {
  const blocks = (body.blocks ?? []) as AnyBlock[];
  const parts = [String(body.text ?? '')];
  for (const b of blocks) {
    if (b.text) parts.push(b.text.text);
    for (const f of b.fields ?? []) parts.push(f.text);
    for (const e of b.elements ?? []) parts.push(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''));
  }
  return parts.join('\n');
}

/** The buttons of a message: action ids by label. */
export function buttonsOf(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of (body.blocks ?? []) as AnyBlock[]) {
    if (b.type !== 'actions') continue;
    for (const e of b.elements ?? []) if (e.action_id) out[typeof e.text === 'string' ? e.text : (e.text?.text ?? '')] = e.action_id;
  }
  return out;
}

/** The options of a message's menus: value (a short action id) by label. */
export function menuOf(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of (body.blocks ?? []) as Array<{ type: string; elements?: Array<{ type: string; options?: Array<{ text: { text: string }; value: string }> }> }>) {
    for (const e of b.elements ?? []) for (const o of e.options ?? []) out[o.text.text] = o.value;
  }
  return out;
}

/** The answer (post or response_url body) that mentions `needle`. */
export const mentioning = (needle: string | RegExp) => (c: RecordedCall | { body: Record<string, unknown> }) =>
  typeof needle === 'string' ? messageText(c.body).includes(needle) : needle.test(messageText(c.body));
