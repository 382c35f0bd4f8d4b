// The Bolt app from the configuration: Socket Mode with an app token, HTTP (on the shared server,
// at /slack/events) with a signing secret. Start-up checks the bot token with auth.test and says
// plainly what is wrong.
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { summary } from './identity.js';

/** The one path Slack sends slash commands, button presses and events to in HTTP mode. */
export const EVENTS_PATH = '/slack/events';

/** Bot scopes the bot uses, and nothing more (deploy/slack/manifest.yaml asks for exactly these). */
export const BOT_SCOPES = ['commands', 'chat:write', 'app_mentions:read', 'im:history', 'usergroups:read', 'users:read'] as const;

export interface SlackSettings {
  botToken?: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
}

export type SlackMode = { kind: 'socket'; botToken: string; appToken: string } | { kind: 'http'; botToken: string; signingSecret: string };

/** A start-up problem the person running the bot can fix; the message says how. */
export class SlackStartupError extends Error {
  override name = 'SlackStartupError';

  constructor(
    message: string,
    /** Slack could not be reached (network, outage): worth trying again; the rest is configuration. */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

export function slackMode(s: SlackSettings): SlackMode {
  if (!s.botToken) {
    throw new SlackStartupError('SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from the app’s “OAuth & Permissions” page');
  }
  if (s.appToken) return { kind: 'socket', botToken: s.botToken, appToken: s.appToken };
  if (s.signingSecret) return { kind: 'http', botToken: s.botToken, signingSecret: s.signingSecret };
  throw new SlackStartupError(
    'Slack needs SLACK_APP_TOKEN (Socket Mode, xapp-… from “Basic Information › App-Level Tokens”, scope connections:write) ' +
      'or SLACK_SIGNING_SECRET (HTTP mode, from “Basic Information › App Credentials”)',
  );
}

/** Web API client options: the configured base URL; rate limits come back to us (we wait them out per call). */
export function webClientOptions(apiUrl: string | undefined, logger: BoltLogger, retries = 2): webApi.WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    logger,
    rejectRateLimitedCalls: true,
    retryConfig: { retries, factor: 2, minTimeout: 500, maxTimeout: 4000 },
    timeout: 15_000,
  };
}

export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string;
}

const TOKEN_ERRORS: Record<string, string> = {
  invalid_auth: 'SLACK_BOT_TOKEN is not valid (invalid_auth): copy the Bot User OAuth Token again from “OAuth & Permissions”',
  not_authed: 'SLACK_BOT_TOKEN was not accepted (not_authed)',
  account_inactive: 'the Slack app behind SLACK_BOT_TOKEN was uninstalled or its workspace is inactive (account_inactive): install it again',
  token_revoked: 'SLACK_BOT_TOKEN was revoked (token_revoked): reinstall the app and copy the new token',
  token_expired: 'SLACK_BOT_TOKEN has expired (token_expired): turn off token rotation for the app or reinstall it',
};

/** auth.test: is the token good, whose is it, and does it carry the scopes the bot uses. */
export async function checkBotToken(client: webApi.WebClient, apiUrl: string | undefined): Promise<BotIdentity> {
  let res: webApi.AuthTestResponse;
  try {
    res = await client.auth.test();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code && TOKEN_ERRORS[code]) throw new SlackStartupError(TOKEN_ERRORS[code]);
    if (code) throw new SlackStartupError(`Slack refused auth.test: ${code}`);
    throw new SlackStartupError(`cannot reach Slack’s Web API at ${apiUrl ?? 'https://slack.com/api/'} (${summary(err).message}); check the network or SLACK_API_URL`, true);
  }
  if (!res.user_id || !res.team_id) throw new SlackStartupError('auth.test did not name the bot user: is SLACK_BOT_TOKEN a bot token (xoxb-)?');
  const granted = res.response_metadata?.scopes;
  if (granted) {
    const missing = BOT_SCOPES.filter((s) => !granted.includes(s));
    if (missing.length > 0) {
      throw new SlackStartupError(
        `the bot token lacks the scope(s) ${missing.join(', ')}: add them under “OAuth & Permissions › Bot Token Scopes” (or create the app from deploy/slack/manifest.yaml) and reinstall the app`,
      );
    }
  }
  return { botUserId: res.user_id, botId: res.bot_id ?? '', teamId: res.team_id };
}

/** Bolt's logger interface on top of pino. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const out = (fn: (msg: string) => void) => (...msg: unknown[]) => fn(msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' '));
  return {
    debug: out((m) => log.debug(m)),
    info: out((m) => log.info(m)),
    warn: out((m) => log.warn(m)),
    error: out((m) => log.error(m)),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface BuiltApp {
  app: App;
  /** HTTP mode: Bolt's request handler, to mount at EVENTS_PATH on the shared server. */
  requestListener?: HTTPReceiver['requestListener'];
}

export function buildBoltApp(mode: SlackMode, identity: BotIdentity, clientOptions: webApi.WebClientOptions, logger: BoltLogger): BuiltApp {
  const common = {
    token: mode.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    // auth.test already ran at start-up.
    tokenVerificationEnabled: false,
    logger,
    clientOptions,
  };
  if (mode.kind === 'socket') {
    const receiver = new SocketModeReceiver({ appToken: mode.appToken, logger, installerOptions: { clientOptions } });
    return { app: new App({ ...common, receiver }) };
  }
  const receiver = new HTTPReceiver({ signingSecret: mode.signingSecret, endpoints: EVENTS_PATH, logger, processBeforeResponse: false });
  const app = new App({ ...common, receiver });
  return { app, requestListener: receiver.requestListener };
}
