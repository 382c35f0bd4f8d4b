// The `dockbot` binary: start | exec | ask | help.
import { join } from 'node:path';
import { join as joinShellWords } from 'shlex';
import { renderReply } from './adapters/shell/render.js';
import { runRepl, shellRequester } from './adapters/shell/repl.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { newRequestId, type Outcome } from './core/dispatcher.js';
import { createLogger } from './log.js';
import { createApp } from './main.js';

const USAGE = `Usage:
  dockbot [start]                 start the bot (no chat tokens: a terminal session on the local engine)
  dockbot exec [--json] [--yes] "<command>"
                                  run one command, e.g. dockbot exec "ps -a"
  dockbot ask [--json] "<question>"
                                  ask the FAQ, e.g. dockbot ask "what does docker pull do?"
  dockbot help                    this text

Environment: DOCKER_HOST, DOCKBOT_CONFIG, SLACK_BOT_TOKEN, DISCORD_TOKEN, LOG_LEVEL, ... (see README)`;

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
  if (json) printJson({ ok: outcome.ok, command: outcome.command, data: outcome.data, ...(outcome.error ? { error: outcome.error } : {}) });
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

async function start(): Promise<number> {
  const config = loadConfigOrExit(false);
  const chat = [config.slack.botToken && 'Slack', config.discord.token && 'Discord'].filter(Boolean);
  if (chat.length > 0) {
    throw new ExitError(2, `${chat.join(' and ')} token(s) are set, but this build has no ${chat.join('/')} adapter yet; unset them to use the terminal`);
  }
  const { dispatcher } = createApp(config, createLogger(config.logLevel ?? TERMINAL_LOG_LEVEL, 'stderr'), { watchKnowledge: true });
  await runRepl({ dispatcher, historyFile: join(config.dataDir, 'history') });
  return 0;
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
