// Slack, started by the CLI when SLACK_BOT_TOKEN is set: check the token, build the Bolt app,
// listen (Socket Mode, or HTTP at /slack/events on the shared server). A configuration problem
// stops start-up with a plain message; Slack being unreachable does not: it is retried in the
// background while the rest of the bot (Discord, the HTTP server) goes on.
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { HttpServer } from '../../http/server.js';
import type { App } from '../../main.js';
import { boltLogger, buildBoltApp, checkBotToken, EVENTS_PATH, SlackStartupError, slackMode, webClientOptions, type SlackMode } from './bolt.js';
import { SlackDelivery, type Sleep } from './delivery.js';
import { fitReply } from '../../core/budget.js';
import { SLACK_BUDGET, SlackHandlers } from './handlers.js';
import { renderReply } from './render.js';
import { SlackDirectory } from './identity.js';

export { SlackStartupError } from './bolt.js';

export interface SlackOptions {
  /** The shared HTTP server (HTTP mode mounts /slack/events on it); default: one of its own on config.port. */
  http?: HttpServer;
  /** Port for a server of its own (0: any free port); default config.port. */
  port?: number;
  /** Web API retries on network errors (tests: 0). */
  retries?: number;
  /** How often user groups are re-read. */
  groupsRefreshMs?: number;
  /** First wait before trying an unreachable Slack again (doubles up to 5 minutes). */
  reconnectMs?: number;
  sleep?: Sleep;
}

export interface RunningSlack {
  mode: SlackMode['kind'];
  /** HTTP mode: the port /slack/events is served on. */
  port?: number;
  /** Resolves once Slack accepted the token and the app listens (at once, unless Slack was unreachable). */
  ready: Promise<void>;
  /** Finish what was acknowledged, then disconnect. */
  stop(): Promise<void>;
}

const MAX_RECONNECT_MS = 5 * 60 * 1000;

export async function startSlack(app: App, config: Config, log: Logger, options: SlackOptions = {}): Promise<RunningSlack> {
  const slackLog = log.child({ part: 'slack' });
  const mode = slackMode(config.slack);
  const logger = boltLogger(slackLog.child({ part: 'bolt' }));
  const clientOptions = webClientOptions(config.slack.apiUrl, logger, options.retries);
  const client = new webApi.WebClient(mode.botToken, clientOptions);
  const directory = new SlackDirectory(client, slackLog, options.groupsRefreshMs);

  let stopped = false;
  let connected = false;
  const delivery = new SlackDelivery(client, slackLog, options.sleep);
  // Team notifications addressed to `slack:<channel>` are posted with the same delivery (and its 429 handling).
  app.notifications.notifier.register({
    platform: 'slack',
    async post(channel, reply) {
      if (!/^[A-Z0-9]{2,20}$/.test(channel)) throw new Error(`not a Slack channel id: ${channel}`);
      if (!(await delivery.send({ channel, user: '' }, renderReply(fitReply(reply, SLACK_BUDGET)), false))) throw new Error(`Slack did not take the message for ${channel}`);
    },
  });
  app.notifications.addHealthProbe({ name: 'slack', check: () => (connected ? undefined : 'Slack is not connected yet') });
  let stopBolt: (() => Promise<void>) | undefined;
  let handlers: SlackHandlers | undefined;
  let ownServer: HttpServer | undefined;
  let port: number | undefined;

  const connect = async (): Promise<void> => {
    const identity = await checkBotToken(client, config.slack.apiUrl);
    const { app: bolt, requestListener } = buildBoltApp(mode, identity, clientOptions, logger);
    handlers = new SlackHandlers({
      dispatcher: app.dispatcher,
      suggestions: app.suggestions,
      delivery,
      identity: directory,
      botUserId: identity.botUserId,
      teamId: identity.teamId,
      log: slackLog,
    });
    handlers.register(bolt);
    // A listener that throws is logged; Bolt answers Slack and the process goes on.
    bolt.error(async (err) => void slackLog.error({ err }, 'Slack listener failed'));
    directory.start();
    if (requestListener) {
      const http = options.http ?? (ownServer = new HttpServer(slackLog));
      http.route(['POST'], EVENTS_PATH, requestListener);
      if (ownServer) port = await ownServer.listen(options.port ?? config.port);
      stopBolt = async () => ownServer?.close();
    } else {
      await startSocketMode(bolt);
      stopBolt = () => bolt.stop() as Promise<void>;
    }
    connected = true;
    slackLog.info({ mode: mode.kind, team: identity.teamId, bot: identity.botUserId, ...(port ? { port, path: EVENTS_PATH } : {}) }, 'Slack is connected');
  };

  let ready: Promise<void>;
  try {
    await connect();
    ready = Promise.resolve();
  } catch (err) {
    if (!(err instanceof SlackStartupError && err.unreachable)) throw err;
    slackLog.error({ reason: err.message }, 'Slack is unreachable; trying again in the background');
    ready = retry(connect, options.reconnectMs ?? 5000, () => stopped, slackLog);
  }

  return {
    mode: mode.kind,
    get port() {
      return port;
    },
    ready,
    async stop() {
      stopped = true;
      directory.stop();
      await handlers?.drain();
      await stopBolt?.();
    },
  };
}

async function startSocketMode(bolt: import('@slack/bolt').App): Promise<void> {
  try {
    await bolt.start();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'invalid_auth' || code === 'not_allowed_token_type' || code === 'not_authed') {
      throw new SlackStartupError(`SLACK_APP_TOKEN was refused (${code}): create an app-level token with the connections:write scope under “Basic Information › App-Level Tokens”`);
    }
    throw new SlackStartupError(`Socket Mode did not connect (${code ?? (err as Error).message}); is Socket Mode enabled for the app?`, code === undefined);
  }
}

async function retry(connect: () => Promise<void>, firstWaitMs: number, stopped: () => boolean, log: Logger): Promise<void> {
  for (let wait = firstWaitMs; !stopped(); wait = Math.min(wait * 2, MAX_RECONNECT_MS)) {
    await new Promise((r) => setTimeout(r, wait));
    if (stopped()) return;
    try {
      await connect();
      return;
    } catch (err) {
      if (err instanceof SlackStartupError && !err.unreachable) {
        // Reachable now, but the configuration is wrong: say so loudly and stop trying.
        log.fatal({ reason: err.message }, 'Slack refused the configuration');
        return;
      }
      log.warn({ reason: (err as Error).message, retryInMs: Math.min(wait * 2, MAX_RECONNECT_MS) }, 'Slack is still unreachable');
    }
  }
}
