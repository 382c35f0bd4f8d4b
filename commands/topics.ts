import { defineCommand } from '../src/core/command.js';
import { context, reply, table } from '../src/core/reply.js';

export const topics = defineCommand({
  name: 'topics',
  summary: 'List the topics the FAQ can answer from the notes',
  options: [],
  access: 'read',
  async run(ctx) {
    const knowledge = await ctx.services.knowledge();
    const list = knowledge.topics();
    const rows = list.map((t) => {
      const others = Object.values(t.titles).filter((title) => title !== t.heading);
      return [others.length ? `${t.heading} (${others.join(' / ')})` : t.heading, t.file];
    });
    const blocks = [table(['TOPIC', 'FILE'], rows), context('ask about any of them, e.g. `ask what does docker ps show?` or `ask 镜像和容器有什么区别`')];
    return { ok: true, data: { topics: list }, reply: reply(blocks, { title: `FAQ topics (${list.length})`, tone: 'info' }) };
  },
});
