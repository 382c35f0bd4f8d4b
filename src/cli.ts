// The `dockbot` binary: start | exec | ask | help.
import { join } from 'node:path';
import { join as joinShellWords } from 'shlex';
import { renderReply } from './adapters/shell/render.js';
import { runRepl, shellRequester } from './adapters/shell/repl.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { createApp } from './main.js';

const USAGE = `Usage:
  dockbot [start]                 start the bot (no chat tokens: a terminal session on the local engine)
  dockbot exec [--json] [--yes] "<command>"
                                  run one command, e.g. dockbot exec "ps -a"
  dockbot ask [--json] "<question>"
                                  ask the FAQ, e.g. dockbot ask "what is an image?"
  dockbot help                    this text

Environment: DOCKER_HOST, DOCKBOT_CONFIG, SLACK_BOT_TOKEN, DISCORD_TOKEN, LOG_LEVEL, ... (see README)`;

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`dockbot: invalid configuration\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Our own flags come first; everything from the first other word on is the chat command. */
function splitLeadingFlags(argv: string[], known: readonly string[]): { flags: Set<string>; words: string[] } {
  const flags = new Set<string>();
  let i = 0;
  for (; i < argv.length && known.includes(argv[i] as string); i++) flags.add(argv[i] as string);
  return { flags, words: argv.slice(i) };
}

async function exec(argv: string[]): Promise<number> {
  const { flags, words } = splitLeadingFlags(argv, ['--json', '--yes', '-y']);
  // One word is the whole command line as typed in chat; several are shell words to re-quote.
  const text = words.length === 1 ? (words[0] as string) : joinShellWords(words);
  const values = { json: flags.has('--json'), yes: flags.has('--yes') || flags.has('-y') };
  const config = loadConfigOrExit();
  // One-shot runs log warnings only, to stderr, so stdout stays one JSON object.
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stderr');
  const { dispatcher } = createApp(config, log);
  const outcome = await dispatcher.handle({
    id: `exec-${process.pid}`,
    text,
    requester: shellRequester(),
    confirmed: values.yes,
    flagsConfirm: true,
  });
  if (values.json) {
    const body: Record<string, unknown> = { ok: outcome.ok, command: outcome.command, data: outcome.data };
    if (outcome.error) body.error = outcome.error;
    process.stdout.write(JSON.stringify(body) + '\n');
  } else {
    process.stdout.write(renderReply(outcome.reply, { color: process.stdout.isTTY }) + '\n');
  }
  return outcome.ok ? 0 : 1;
}

async function ask(argv: string[]): Promise<number> {
  const { flags, words } = splitLeadingFlags(argv, ['--json']);
  const values = { json: flags.has('--json') };
  const config = loadConfigOrExit();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'stderr');
  const { dispatcher } = createApp(config, log);
  const outcome = await dispatcher.handle({ id: `ask-${process.pid}`, text: `ask ${words.join(' ')}`, requester: shellRequester() });
  if (values.json) {
    process.stdout.write(JSON.stringify(outcome.ok ? outcome.data : { answered: false, answer: null, source: null, confidence: 0, suggestions: [], error: outcome.error }) + '\n');
  } else {
    process.stdout.write(renderReply(outcome.reply, { color: process.stdout.isTTY }) + '\n');
  }
  return outcome.ok ? 0 : 1;
}

async function start(): Promise<number> {
  const config = loadConfigOrExit();
  const chat = [config.slack.botToken && 'Slack', config.discord.token && 'Discord'].filter(Boolean);
  if (chat.length > 0) {
    process.stderr.write(`dockbot: ${chat.join(' and ')} token(s) are set, but this build has no ${chat.join('/')} adapter yet; unset them to use the terminal\n`);
    return 2;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'stderr');
  const { dispatcher } = createApp(config, log, { watchKnowledge: true });
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
      process.stderr.write(`dockbot: unknown command "${verb}"\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dockbot: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
