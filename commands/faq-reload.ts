import { defineCommand } from '../src/core/command.js';
import { context, reply, table, text } from '../src/core/reply.js';

export const faqReload = defineCommand({
  name: 'faq reload',
  summary: 'Reload the FAQ notes from disk (files that do not parse are reported and skipped)',
  options: [],
  access: 'admin',
  async run(ctx) {
    const knowledge = await ctx.services.knowledge();
    const report = await knowledge.reload();
    const summary = text(`Loaded ${report.sections} sections from ${report.files} file${report.files === 1 ? '' : 's'}.`);
    if (report.problems.length === 0) return { ok: true, data: report, reply: reply([summary], { title: 'FAQ reloaded', tone: 'ok' }) };
    const blocks = [
      summary,
      table(['FILE', 'PROBLEM'], report.problems.map((p) => [p.file, p.message])),
      context('fix the files and run `faq reload` again; everything else is answering as before'),
    ];
    return { ok: true, data: report, reply: reply(blocks, { title: 'FAQ reloaded with problems', tone: 'warn' }) };
  },
});
