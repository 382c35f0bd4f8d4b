// The terminal's notification target: team notifications addressed to `shell:terminal` are
// printed in the session, between prompts.
import type { Reply } from '../../core/reply.js';
import type { NotificationTarget } from '../../notify/notifier.js';
import { renderReply } from './render.js';

export function terminalTarget(output: NodeJS.WritableStream = process.stdout): NotificationTarget {
  const color = Boolean((output as NodeJS.WriteStream).isTTY);
  return {
    platform: 'shell',
    async post(_channel: string, reply: Reply) {
      output.write(`\n${renderReply(reply, { color })}\n`);
    },
  };
}
