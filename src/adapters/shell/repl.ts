// The embedded default adapter: a REPL against the local engine. An error never ends it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { appendFile, readFile } from 'node:fs/promises';
import type { Requester } from '../../core/command.js';
import type { Dispatcher, Outcome } from '../../core/dispatcher.js';
import { renderReply } from './render.js';

export interface ReplOptions {
  dispatcher: Dispatcher;
  historyFile: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export const shellRequester = (): Requester => ({ platform: 'shell', userId: process.env.USER ?? 'local', displayName: 'terminal' });

async function loadHistory(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

export async function runRepl(options: ReplOptions): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const color = Boolean((output as NodeJS.WriteStream).isTTY);
  const rl = createInterface({ input, output, terminal: color, history: await loadHistory(options.historyFile), historySize: 500 });
  mkdirSync(dirname(options.historyFile), { recursive: true });
  const print = (s: string): void => void output.write(s + '\n');
  const requester = shellRequester();
  let seq = 0;

  print('dockbot — type a Docker command (`ps`, `images`, `help`) or a question (`ask what is an image?`). Ctrl-D exits.');
  const closed = new Promise<void>((resolve) => rl.once('close', resolve));
  for (;;) {
    const line = await Promise.race([rl.question('docker> '), closed.then(() => null)]);
    if (line === null) break;
    const textLine = line.trim();
    if (!textLine) continue;
    if (textLine === 'exit' || textLine === 'quit') break;
    await appendFile(options.historyFile, textLine + '\n').catch(() => undefined);
    let outcome: Outcome = await options.dispatcher.handle(
      { id: `sh-${++seq}`, text: textLine, requester },
      { onProgress: (update) => print(renderReply(update, { color })) },
    );
    const confirmAction = outcome.error?.code === 'confirmation_required' ? findConfirm(outcome) : undefined;
    print(renderReply(outcome.reply, { color }));
    if (confirmAction) {
      const answer = await Promise.race([rl.question('Confirm? [y/N] '), closed.then(() => 'n')]);
      const id = /^y(es)?$/i.test(answer.trim()) ? confirmAction : confirmAction.replace(/^confirm:/, 'cancel:');
      outcome = await options.dispatcher.act(id, requester, { onProgress: (update) => print(renderReply(update, { color })) });
      print(renderReply(outcome.reply, { color }));
    }
  }
  rl.close();
}

function findConfirm(outcome: Outcome): string | undefined {
  for (const b of outcome.reply.blocks) {
    if (b.type === 'actions') return b.actions.find((a) => a.id.startsWith('confirm:'))?.id;
  }
  return undefined;
}
