// The FAQ over the notes: answers with a citation when confident, declines with suggestions when
// not, and picks up edits to the notes (file watch or an explicit reload) without a restart.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import type { Answer, ExplainOptions, KnowledgeBase, ReloadReport, Topic } from './base.js';
import { condense, textFor } from './condense.js';
import { HEADING_SEPARATOR, NotesLoader, type KnowledgeTopic, type LoadedKnowledge, type TopicText } from './loader.js';
import type { Passage } from './passages.js';
import { TopicIndex, type Ranking, type Tuning } from './search.js';
import { detectLanguage, type Lang } from './tokenizer.js';

/**
 * Confidence bands. At or above CONFIDENT_THRESHOLD the answer is given as sure; from
 * ANSWER_THRESHOLD up it is given as a best guess (the nearest section, said to be possibly not
 * what was asked, with the next topics offered); below it the bot says it does not know.
 * ANSWER_THRESHOLD sits just above the ranking's off-topic cap (Tuning.offTopicCap, 0.45): what a
 * check has found the section does not say is no answer, whatever else matched. Calibrated on the
 * holdout sets A-I in test/fixtures/faq (0.46-0.52 tried): 0.48 scores within half a point of the
 * best (0.46) on them, 98% of their out-of-scope questions declined, and declines every question of
 * the out-of-scope set, which 0.46 does not; almost every answer at CONFIDENT_THRESHOLD is from the
 * right section.
 */
export const ANSWER_THRESHOLD = 0.48;
export const CONFIDENT_THRESHOLD = 0.7;
const MAX_SUGGESTIONS = 3;
/** Editors save in bursts (temp file, rename, chmod): one reload per burst. */
const WATCH_DEBOUNCE_MS = 300;

export interface KnowledgeBaseOptions {
  /** Directories of markdown notes, searched in order. */
  dirs: readonly string[];
  log: Logger;
  tuning?: Partial<Tuning>;
  threshold?: number;
}

interface State {
  loaded: LoadedKnowledge;
  index: TopicIndex;
}

export class NotesKnowledgeBase implements KnowledgeBase {
  private state: State;
  private readonly loader: NotesLoader;
  private readonly threshold: number;
  private watchers: FSWatcher[] = [];
  private pendingReload: NodeJS.Timeout | undefined;
  private reloading: Promise<ReloadReport> | undefined;
  private queuedReload: Promise<ReloadReport> | undefined;

  private constructor(
    private readonly options: KnowledgeBaseOptions,
    loader: NotesLoader,
    loaded: LoadedKnowledge,
  ) {
    this.loader = loader;
    this.threshold = options.threshold ?? ANSWER_THRESHOLD;
    this.state = { loaded, index: new TopicIndex(loaded.topics, options.tuning) };
  }

  static async open(options: KnowledgeBaseOptions): Promise<NotesKnowledgeBase> {
    const loader = new NotesLoader();
    const loaded = await loader.load(options.dirs);
    const kb = new NotesKnowledgeBase(options, loader, loaded);
    kb.logReport('knowledge loaded', kb.report());
    return kb;
  }

  languageOf(text: string): Lang {
    return detectLanguage(text);
  }

  ask(question: string): Answer {
    const ranking = this.state.index.rank(question);
    return this.answer(ranking, ranking.query.lang);
  }

  explain(term: string, options: ExplainOptions = {}): Answer {
    const ranking = this.state.index.rank(term);
    const lang: Lang = options.lang === 'zh' || options.lang === 'en' ? options.lang : detectLanguage(term);
    return this.answer(ranking, lang);
  }

  /** The ranked sections for a question, with their confidence (for evaluation and debugging). */
  rank(question: string, limit = 5): Ranking {
    return this.state.index.rank(question, limit);
  }

  topics(): Topic[] {
    return this.state.loaded.topics.map((t) => ({
      heading: t.path.join(HEADING_SEPARATOR),
      file: t.file,
      titles: Object.fromEntries(t.texts.map((x) => [x.lang, x.path.join(HEADING_SEPARATOR)])),
    }));
  }

  /** Reload every directory. A reload asked for while one runs starts again once it is done (the files may have changed since). */
  reload(): Promise<ReloadReport> {
    if (!this.reloading) return this.startReload();
    this.queuedReload ??= this.reloading.then(() => {
      this.queuedReload = undefined;
      return this.startReload();
    });
    return this.queuedReload;
  }

  private startReload(): Promise<ReloadReport> {
    this.reloading = (async () => {
      try {
        const loaded = await this.loader.load(this.options.dirs);
        this.state = { loaded, index: new TopicIndex(loaded.topics, this.options.tuning) };
        const report = this.report();
        this.logReport('knowledge reloaded', report);
        return report;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Reload when a notes file changes. Watchers do not keep the process alive. */
  watch(): void {
    for (const dir of this.options.dirs) {
      try {
        const watcher = watch(dir, { recursive: true, persistent: false }, (_event, file) => {
          if (file && !String(file).toLowerCase().endsWith('.md')) return;
          clearTimeout(this.pendingReload);
          this.pendingReload = setTimeout(() => {
            this.reload().catch((err: unknown) => this.options.log.error({ err }, 'knowledge reload failed'));
          }, WATCH_DEBOUNCE_MS);
          this.pendingReload.unref();
        });
        watcher.on('error', (err) => this.options.log.warn({ err, dir }, 'stopped watching a knowledge directory'));
        this.watchers.push(watcher);
      } catch (err) {
        this.options.log.warn({ err, dir }, 'cannot watch a knowledge directory; use `faq reload` after editing');
      }
    }
  }

  close(): void {
    clearTimeout(this.pendingReload);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private answer(ranking: Ranking, lang: Lang): Answer {
    const best = ranking.hits[0];
    const confidence = round(best?.confidence ?? 0);
    if (!best || best.confidence < this.threshold) {
      return { answered: false, answer: null, source: null, confidence, bestGuess: false, suggestions: this.suggestions(ranking, lang) };
    }
    const { text, index } = textFor(best.topic, lang);
    // What the answer quotes is chosen for the part of the message that asks (see Ranking.focus).
    const asked = ranking.focus ?? ranking.query;
    const condensed = withOriginal(condense(text, this.state.index.scorePassages(asked, best.topic, index), asked), best.topic, index, (original) =>
      condense(original, this.state.index.scorePassages(asked, best.topic, 0), asked),
    );
    const opening = (topic: KnowledgeTopic): Passage | undefined => this.state.index.openingOf(topic, textFor(topic, lang).index);
    const answer = ranking.query.choosing ? withAlternatives(condensed, best.topic, this.siblings(best.topic), lang, opening) : condensed;
    const bestGuess = best.confidence < CONFIDENT_THRESHOLD;
    return {
      answered: true,
      answer,
      source: { file: best.topic.file, heading: best.topic.path.join(HEADING_SEPARATOR) },
      confidence,
      bestGuess,
      suggestions: bestGuess ? this.nextTopics(ranking, lang) : [],
    };
  }

  /** Sections side by side with this one under the same heading (docker commit and the Dockerfile under "Building an image"). */
  private siblings(topic: KnowledgeTopic): KnowledgeTopic[] {
    if (topic.path.length < 2) return [];
    const parent = topic.path.slice(0, -1).join(HEADING_SEPARATOR);
    return this.state.loaded.topics.filter((t) => t !== topic && t.file === topic.file && t.path.length === topic.path.length && t.path.slice(0, -1).join(HEADING_SEPARATOR) === parent);
  }

  /** After a best guess: the sections ranked after it that share words with the question. */
  private nextTopics(ranking: Ranking, lang: Lang): string[] {
    return ranking.hits
      .slice(1)
      .filter((h) => h.coverage > 0)
      .slice(0, MAX_SUGGESTIONS)
      .map((h) => titleIn(h.topic, lang));
  }

  /** Nearby sections first (they share words with the question), then the notes' first topics. */
  private suggestions(ranking: Ranking, lang: Lang): string[] {
    const nearby = ranking.hits.filter((h) => h.coverage > 0).map((h) => h.topic);
    const picked = [...new Set([...nearby, ...this.state.loaded.topics])].slice(0, MAX_SUGGESTIONS);
    return picked.map((t) => titleIn(t, lang));
  }

  private report(): ReloadReport {
    const { loaded } = this.state;
    return { files: loaded.files, sections: loaded.topics.length, problems: loaded.problems };
  }

  private logReport(message: string, report: ReloadReport): void {
    const { log } = this.options;
    log.info({ files: report.files, sections: report.sections }, message);
    for (const p of report.problems) log.warn({ file: p.file }, `knowledge problem: ${p.message}`);
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

const ALTERNATIVES: Record<Lang, (titles: string[]) => string> = {
  en: (titles) => `The notes also describe: ${titles.join(' · ')}`,
  zh: (titles) => `笔记里与之并列的还有：${titles.join('；')}`,
};

/** A sibling's own one-line verdict is quoted with its name ("Docker commit：黑箱镜像，不常用，不推荐。"); longer text is not. */
const SUMMARY_MAX: Record<Lang, number> = { zh: 40, en: 100 };

/**
 * A question that asks to choose gets the other choices the notes describe, named after the answer,
 * each with its opening sentence when that is short enough to read as the choice's verdict.
 */
function withAlternatives(answer: string, topic: KnowledgeTopic, siblings: readonly KnowledgeTopic[], lang: Lang, openingOf: (topic: KnowledgeTopic) => Passage | undefined): string {
  if (siblings.length === 0) return answer;
  // Named first, so the choice it stands for is clear beside the others.
  const title = textFor(topic, lang).text.path.at(-1) ?? '';
  const colon = lang === 'zh' ? '：' : ':';
  const named = answer.includes(title) ? answer : `${title}${colon}${answer.startsWith('```') ? '\n' : lang === 'zh' ? '' : ' '}${answer}`;
  const described = siblings.map((t) => {
    const { text } = textFor(t, lang);
    const name = text.path.at(-1) ?? '';
    const opening = openingOf(t);
    const verdict = opening && (opening.kind === 'sentence' || opening.kind === 'item') && opening.text.length <= SUMMARY_MAX[text.lang] ? opening.text : '';
    return verdict ? `${name}${colon}${lang === 'zh' ? '' : ' '}${verdict}` : name;
  });
  return `${named}\n${ALTERNATIVES[lang](described)}`;
}

const ORIGINAL: Record<Lang, string> = { en: 'In the notes', zh: '笔记原文' };

/**
 * An answer from a companion text (the team's translation) quotes the notes' own words after it,
 * so the reader can check it against the source. Code reads the same in both and is not repeated.
 */
function withOriginal(answer: string, topic: KnowledgeTopic, index: number, condenseOriginal: (text: TopicText) => string): string {
  const original = topic.texts[0];
  if (index === 0 || !original || original.lang === topic.texts[index]?.lang || answer.includes('```')) return answer;
  const quoted = condenseOriginal(original);
  if (!quoted || quoted.includes('```')) return answer;
  const lang = topic.texts[index]?.lang ?? 'en';
  return `${answer}\n> ${ORIGINAL[lang]}: ${quoted.replace(/\n/g, ' ')}`;
}

const titleIn = (topic: KnowledgeTopic, lang: Lang): string => textFor(topic, lang).text.path.join(HEADING_SEPARATOR);
