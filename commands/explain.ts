import { defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { answerReply } from '../src/knowledge/reply.js';

const LANGS = ['en', 'zh'] as const;

export const explain = defineCommand({
  name: 'explain',
  summary: 'Explain a Docker term from the notes (image, container, registry, Dockerfile, commit, ...)',
  options: [{ name: 'lang', type: 'string', placeholder: 'en|zh', choices: ['en', 'zh'], description: 'Answer in this language (default: the language of the term)' }],
  positionals: [{ name: 'term', description: 'The term, e.g. image or 镜像', required: true, variadic: true }],
  access: 'read',
  async run(ctx) {
    const term = ctx.args.positionals.join(' ').trim();
    const lang = ctx.args.string('lang');
    if (lang !== undefined && !(LANGS as readonly string[]).includes(lang)) {
      throw new UserError('invalid_argument', `--lang must be one of ${LANGS.join(', ')}, not "${lang}"`);
    }
    const knowledge = await ctx.services.knowledge();
    const answer = knowledge.explain(term, lang ? { lang } : {});
    const shownIn = lang === 'zh' || lang === 'en' ? lang : knowledge.languageOf(term);
    return { ok: true, data: answer, reply: { ...answerReply(answer, shownIn, (line) => ctx.services.suggestions.add(line)), title: term } };
  },
});
