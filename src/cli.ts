// The `dockbot` binary: start | exec | ask | register-commands | help.
import { join } from 'node:path';
import { join as joinShellWords } from 'shlex';
import { renderReply } from './adapters/shell/render.js';
import { runRepl, shellRequester } from './adapters/shell/repl.js';
import { terminalTarget } from './adapters/shell/notifications.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { newRequestId, type Outcome } from './core/dispatcher.js';
import { keepServing } from './docker/engine-guard.js';
import { createLogger } from './log.js';
import { HttpServer } from './http/server.js';
import { createApp } from './main.js';

const USAGE = `Usage:
  dockbot [start]                 start the bot: Slack with Slack tokens; with none, a terminal session on the local engine
  dockbot exec [--json] [--yes] "<command>"
                                  run one command, e.g. dockbot exec "ps -a"
  dockbot ask [--json] "<question>"
                                  ask the FAQ, e.g. dockbot ask "what does docker pull do?"
  dockbot register-commands [--guild ID]
                                  register /docker with Discord (a guild: instant; otherwise global)
  dockbot help                    this text

Environment: DOCKER_HOST, DOCKBOT_CONFIG, SLACK_BOT_TOKEN (+ SLACK_APP_TOKEN or SLACK_SIGNING_SECRET), DISCORD_TOKEN, LOG_LEVEL, ... (see README)`;

/** In a terminal, warnings only unless LOG_LEVEL says otherwise: the session is for answers. */
const TERMINAL_LOG_LEVEL = 'warn';

class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** A bad configuration ends the run: exit 2 with the message, or, with --json, the usual one object (exit 1). */
function loadConfigOrExit(json: boolean): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (json) {
      printJson({ ok: false, command: null, data: null, error: { code: 'config', message: err.message, hint: 'fix the named setting; see README › Configuration' } });
      throw new ExitError(1, '');
    }
    throw new ExitError(2, `invalid configuration\n${err.message}`);
  }
}

const printJson = (body: unknown): void => void process.stdout.write(JSON.stringify(body) + '\n');

/** Our own flags come first; everything from the first other word on is the chat command. */
function splitLeadingFlags(argv: string[], known: readonly string[]): { flags: Set<string>; words: string[] } {
  const flags = new Set<string>();
  let i = 0;
  for (; i < argv.length && known.includes(argv[i] as string); i++) flags.add(argv[i] as string);
  return { flags, words: argv.slice(i) };
}

function printReply(outcome: Outcome): void {
  process.stdout.write(renderReply(outcome.reply, { color: process.stdout.isTTY }) + '\n');
}

async function exec(argv: string[]): Promise<number> {
  const { flags, words } = splitLeadingFlags(argv, ['--json', '--yes', '-y']);
  const json = flags.has('--json');
  // One word is the whole command line as typed in chat; several are shell words to re-quote.
  const text = words.length === 1 ? (words[0] as string) : joinShellWords(words);
  const config = loadConfigOrExit(json);
  // Logs go to stderr so stdout stays one JSON object.
  const { dispatcher } = createApp(config, createLogger(config.logLevel ?? TERMINAL_LOG_LEVEL, 'stderr'));
  const outcome = await dispatcher.handle({
    id: newRequestId('exec'),
    text,
    requester: shellRequester(),
    confirmed: flags.has('--yes') || flags.has('-y'),
    flagsConfirm: true,
  });
  if (json) printJson({ ok: outcome.ok, command: outcome.command, ...(outcome.engine ? { engine: outcome.engine } : {}), data: outcome.data, ...(outcome.error ? { error: outcome.error } : {}) });
  else printReply(outcome);
  return outcome.ok ? 0 : 1;
}

async function ask(argv: string[]): Promise<number> {
  const { flags, words } = splitLeadingFlags(argv, ['--json']);
  const json = flags.has('--json');
  const config = loadConfigOrExit(json);
  const { dispatcher } = createApp(config, createLogger(config.logLevel ?? TERMINAL_LOG_LEVEL, 'stderr'));
  const outcome = await dispatcher.handle({ id: newRequestId('ask'), text: `ask ${words.join(' ')}`, requester: shellRequester() });
  if (json) printJson(outcome.ok ? outcome.data : { answered: false, answer: null, source: null, confidence: 0, bestGuess: false, suggestions: [], error: outcome.error });
  else printReply(outcome);
  return outcome.ok ? 0 : 1;
}

async function registerDiscordCommands(argv: string[]): Promise<number> {
  const { registerCommands, RegisterError } = await import('./adapters/discord/register.js');
  const guildAt = argv.indexOf('--guild');
  const guildId = guildAt >= 0 ? argv[guildAt + 1] : undefined;
  const unknown = argv.filter((a, i) => i !== guildAt && i !== guildAt + 1);
  if (unknown.length > 0 || (guildAt >= 0 && !/^\d+$/.test(guildId ?? ''))) {
    throw new ExitError(2, 'usage: dockbot register-commands [--guild ID]   (ID: the numeric guild id)');
  }
  const config = loadConfigOrExit(false);
  const { token, applicationId, apiUrl } = config.discord;
  if (!token || !applicationId) throw new ExitError(2, 'set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal: Bot and General Information)');
  const { commands, takesHost } = await import('../commands/index.js');
  try {
    const result = await registerCommands({ token, applicationId, commands, takesHost, ...(apiUrl ? { apiUrl } : {}), ...(guildId ? { guildId } : {}) });
    if (!result.written) process.stdout.write(`${result.names.join(' and ')} ${result.names.length > 1 ? 'are' : 'is'} up to date (${result.scope}); nothing changed\n`);
    else process.stdout.write(`registered ${result.names.join(' and ')} (${result.scope}):\n${result.changes.map((c) => `  ${c}`).join('\n')}\n`);
    return 0;
  } catch (err) {
    if (err instanceof RegisterError) throw new ExitError(1, err.message);
    throw err;
  }
}

/** Chat adapters run until SIGINT/SIGTERM; then they finish what they acknowledged. */
const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** A start-up problem of a chat adapter is a configuration error: its message, exit 2. */
const asExit = (err: unknown): never => {
  if (err instanceof Error && err.name.endsWith('StartupError')) throw new ExitError(2, err.message);
  throw err;
};

async function start(): Promise<number> {
  const config = loadConfigOrExit(false);
  const slack = Boolean(config.slack.botToken || config.slack.appToken || config.slack.signingSecret);
  const discord = Boolean(config.discord.token);
  const log = createLogger(config.logLevel ?? (slack || discord ? 'info' : TERMINAL_LOG_LEVEL), 'stderr');
  // A long-running bot: one request's stray library error must not end the session for everyone.
  keepServing(log);
  const app = createApp(config, log, { watchKnowledge: true });
  const { dispatcher, notifications } = app;
  if (!slack && !discord) {
    // Team notifications for `shell:terminal` print in the session; the engine is watched while it runs.
    notifications.notifier.register(terminalTarget());
    // Not awaited: an engine that is slow to answer must not hold up the prompt (the watcher retries).
    const watching = notifications.startWatching();
    await runRepl({ dispatcher, historyFile: join(config.dataDir, 'history') });
    await watching.catch(() => undefined);
    await notifications.stop();
    return 0;
  }
  // One HTTP server on PORT: Slack's HTTP mode, the build webhooks, /healthz and /metrics.
  const http = new HttpServer(log.child({ part: 'http' }));
  for (const route of notifications.routes()) http.route(route.methods, route.path, route.handler);
  // Chat libraries load only here: one-shot `exec` and `ask` never pay for them.
  const running: Array<{ stop(): Promise<void> }> = [];
  try {
    if (slack) {
      const { startSlack } = await import('./adapters/slack/index.js');
      running.push(await startSlack(app, config, log, { http }).catch(asExit));
    }
    if (discord) {
      const { startDiscord } = await import('./adapters/discord/index.js');
      running.push(
        await startDiscord(app, config, log).catch((err: unknown) => {
          throw new ExitError(1, `Discord: ${discordStartError(err)}`);
        }),
      );
    }
    const port = await http.listen(config.port);
    log.info({ port }, 'HTTP server listening (/healthz, /metrics, /hooks/build)');
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.stop()));
    await http.close();
    throw err;
  }
  const watching = notifications.startWatching();
  await untilSignal();
  log.info('stopping');
  await Promise.allSettled(running.map((r) => r.stop()));
  await watching.catch(() => undefined);
  await notifications.stop();
  await http.close();
  return 0;
}

function discordStartError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'TokenInvalid' || (err as { status?: number }).status === 401) return 'DISCORD_TOKEN was refused; use the bot token from the Developer Portal, Bot page';
  if (e.code === 'DisallowedIntents') return 'the Message Content intent is not enabled for this bot (Developer Portal, Bot page), or set discord.mentions: false';
  return e.message ?? String(err);
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case undefined:
    case 'start':
      return start();
    case 'exec':
      return exec(rest);
    case 'ask':
      return ask(rest);
    case 'register-commands':
      return registerDiscordCommands(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      throw new ExitError(2, `unknown command "${verb}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ExitError) {
      if (err.message) process.stderr.write(`dockbot: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // A bug: one line for the user; the stack only when asked for.
    const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
    process.stderr.write(`dockbot: unexpected failure: ${(err as Error).message ?? String(err)}${debug ? `\n${(err as Error).stack}` : ' (LOG_LEVEL=debug shows details)'}\n`);
    process.exitCode = 1;
  },
);
