// The embedded default adapter: a REPL against the local engine. An error never ends it.
import { mkdirSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Requester } from '../../core/command.js';
import { errorReply, newRequestId, type Dispatcher, type Outcome } from '../../core/dispatcher.js';
import { printingSink } from '../../core/progress.js';
import { context, reply, say, text, type Reply } from '../../core/reply.js';
import { renderReply } from './render.js';

export interface ReplOptions {
  dispatcher: Dispatcher;
  historyFile: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** The local terminal user owns the machine the bot runs on: an admin, whatever the role config says. */
export const shellRequester = (): Requester => ({ platform: 'shell', userId: process.env.USER ?? 'local', displayName: 'terminal', channelId: 'terminal', trustedRole: 'admin' });

async function loadHistory(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return []; // no history yet
  }
}

/** What a session remembers between lines: the engine `use NAME` chose. */
interface Session {
  engine?: string;
}

/** With several engines the prompt says which one the next command goes to. */
function promptFor(engine: string | undefined, dispatcher: Dispatcher): string {
  const engines = dispatcher.engineNames;
  return engines && engines.names.length > 1 ? `docker@${engine ?? engines.defaultName}> ` : 'docker> ';
}

/** `use NAME` switches the session's engine; `use` alone says which one it is and what else there is. */
function useEngine(name: string, session: Session, dispatcher: Dispatcher): { ok: boolean; reply: Reply } {
  const engines = dispatcher.engineNames ?? { names: ['default'], defaultName: 'default' };
  const current = session.engine ?? engines.defaultName;
  const others = `engines: ${engines.names.join(', ')}`;
  if (!name) return { ok: true, reply: reply([text(say`Commands go to engine ${current}.`), context(others)], { tone: 'info' }) };
  if (!engines.names.includes(name)) {
    return { ok: false, reply: errorReply({ code: 'usage', message: `no engine is named ${JSON.stringify(name.slice(0, 40))}`, hint: `${others} (\`engines\` lists them)` }) };
  }
  session.engine = name;
  return { ok: true, reply: reply([text(say`Commands now go to engine ${name}.`)], { tone: 'ok' }) };
}

export async function runRepl(options: ReplOptions): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const color = Boolean((output as NodeJS.WriteStream).isTTY);
  mkdirSync(dirname(options.historyFile), { recursive: true });
  const rl = createInterface({ input, output, terminal: color, history: await loadHistory(options.historyFile), historySize: 500 });
  // The line iterator buffers what arrives while a command runs, so piped input loses nothing.
  const lines = rl[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string | null> => {
    const next = await lines.next();
    return next.done ? null : String(next.value);
  };
  const print = (s: string): void => void output.write(s + '\n');
  const show = (r: Reply): void => print(renderReply(r, { color }));
  // Progress prints each state; the final one too, so the outcome is not printed twice.
  const answer = (outcome: Outcome): void => {
    if (!outcome.delivered) show(outcome.reply);
  };
  const progress = { onProgress: printingSink(show) };
  const requester = shellRequester();
  const session: Session = {};
  // What runs in the background (builds): their progress and results print above the prompt.
  const background = new Set<Promise<void>>();
  /** The prompt is showing and the user may be typing (not while a foreground command runs). */
  let prompting = false;
  const above = (text: string): void => {
    if (!prompting) return print(text);
    // Clear the prompt line (a terminal) or end it (a pipe), print, and show the prompt again
    // with what was typed so far.
    output.write(color ? '\r\x1b[2K' : '\n');
    print(text);
    rl.prompt(true);
  };
  const showAbove = (r: Reply): void => above(renderReply(r, { color }));
  const runInBackground = (line: string): void => {
    let told = false;
    // Buttons are typed here: the first state says which command its Cancel runs.
    const withCancel = (r: Reply): void => {
      showAbove(r);
      if (told) return;
      const typed = r.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : [])).map((a) => ({ label: a.label, action: options.dispatcher.describeAction(a.id) }));
      const commands = typed.filter((t) => t.action?.kind === 'run').map((t) => `\`${t.action!.line}\` (${t.label})`);
      if (commands.length) above(`runs in the background; type ${commands.join(' or ')}`);
      told = commands.length > 0;
    };
    const job = options.dispatcher
      .handle({ id: newRequestId('shell'), text: line, requester, flagsConfirm: true, ...(session.engine ? { engine: session.engine } : {}) }, { onProgress: printingSink(withCancel) })
      .then(async (outcome) => {
        await appendFile(options.historyFile, outcome.line + '\n', { mode: 0o600 }).catch((err: Error) => above(`(history not saved: ${err.message})`));
        if (!outcome.delivered) showAbove(outcome.reply);
      })
      .catch((err: unknown) => above(`(failed: ${err instanceof Error ? err.message : String(err)})`));
    background.add(job);
    void job.finally(() => background.delete(job));
  };

  print('dockbot — type a Docker command (`ps`, `images`, `help`) or a question (`ask what does docker pull do?`). Ctrl-D exits.');
  rl.setPrompt(promptFor(undefined, options.dispatcher));
  for (;;) {
    rl.prompt();
    prompting = true;
    const line = await nextLine();
    prompting = false;
    if (line === null) break;
    const command = line.trim();
    if (!command) continue;
    if (command === 'exit' || command === 'quit') break;
    const switched = /^use(\s|$)/.test(command) ? useEngine(command.slice(3).trim(), session, options.dispatcher) : undefined;
    if (switched) {
      show(switched.reply);
      if (switched.ok) rl.setPrompt(promptFor(session.engine, options.dispatcher));
      continue;
    }
    if (options.dispatcher.commandFor(command)?.background) {
      runInBackground(command);
      continue;
    }
    const outcome = await options.dispatcher.handle(
      { id: newRequestId('shell'), text: command, requester, flagsConfirm: true, ...(session.engine ? { engine: session.engine } : {}) },
      progress,
    );
    // History keeps the line as audited: environment values never reach the file.
    await appendFile(options.historyFile, outcome.line + '\n', { mode: 0o600 }).catch((err: Error) => print(`(history not saved: ${err.message})`));
    answer(outcome);
    const pending = outcome.confirmation;
    if (pending) {
      output.write('Confirm? [y/N] ');
      const typed = (await nextLine()) ?? 'n';
      const pressed = /^y(es)?$/i.test(typed.trim()) ? pending.confirm : pending.cancel;
      answer(await options.dispatcher.act(pressed.id, requester, progress));
    }
  }
  // End of input: what still runs in the background is waited for (a piped script's build finishes).
  if (background.size) print(`waiting for ${background.size} command(s) still running in the background`);
  while (background.size) await Promise.all([...background]);
  rl.close();
  if (color) print('');
}
