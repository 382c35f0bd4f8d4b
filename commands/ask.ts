import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { answerReply } from '../src/knowledge/reply.js';

export const ask = defineCommand({
  name: 'ask',
  aliases: ['faq'],
  summary: 'Ask the Docker FAQ a question, in English or Chinese; answers cite the notes',
  options: [],
  positionals: [{ name: 'question', description: 'The question, e.g. "what does docker ps show?" or "镜像和容器有什么区别"', required: true }],
  freeText: true,
  access: 'read',
  async run(ctx) {
    const question = ctx.args.positionals.join(' ').trim();
    if (!question) throw new UserError('usage', '`ask` needs a question', { hint: 'e.g. `ask what does docker ps show?`; `topics` lists what the notes cover' });
    const knowledge = await ctx.services.knowledge();
    const answer = knowledge.ask(question);
    return { ok: true, data: answer, reply: answerReply(answer, knowledge.languageOf(question), (line) => ctx.services.suggestions.add(line)) };
  },
});
