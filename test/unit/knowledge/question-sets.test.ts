// The FAQ measured on question sets: top-1 accuracy and MRR of the cited section per language,
// answers that contain what they must, and out-of-scope questions declined. "calibration" tuned
// the ranking and the threshold, and "senses" the confidence checks for Docker's words used in
// another sense (a shipping container, a git repository, a photo, a stop that is not a command);
// the holdout sets were written before the tuning they check, and were not tuned on.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NotesKnowledgeBase } from '../../../src/knowledge/index.js';
import { bundledKnowledge } from './helpers.js';

interface Case {
  set: string;
  q: string;
  /** Acceptable sections (notes heading paths); absent for questions to decline. */
  expect?: string[];
  /** Every group needs one of its alternatives in the answer text. */
  must?: string[][];
  answered?: false;
}

const fixtures = (name: string): Case[] =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/faq/${name}`, import.meta.url)), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Case);

const tunedOn = (c: Case): boolean => c.set === 'calibration' || c.set === 'senses';

interface Score {
  questions: number;
  top1: number;
  mrr: number;
  /** Answered, from the expected section, with every keyword group present. */
  passed: number;
}

function score(kb: NotesKnowledgeBase, cases: Case[]): Score {
  let top1 = 0;
  let reciprocal = 0;
  let passed = 0;
  for (const c of cases) {
    const ranked = kb.rank(c.q, 5).hits.map((h) => h.topic.path.join(' › '));
    const rank = ranked.findIndex((heading) => c.expect?.includes(heading));
    if (rank === 0) top1++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    const answer = kb.ask(c.q);
    const text = (answer.answer ?? '').toLowerCase();
    const ok =
      answer.answered &&
      c.expect?.includes(answer.source?.heading ?? '') &&
      (c.must ?? []).every((alternatives) => alternatives.some((a) => text.includes(a.toLowerCase())));
    if (ok) passed++;
  }
  const n = cases.length;
  return { questions: n, top1: top1 / n, mrr: reciprocal / n, passed: passed / n };
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

describe('question sets', () => {
  let kb: NotesKnowledgeBase;
  beforeAll(async () => {
    kb = await bundledKnowledge();
  });

  const languages = { en: fixtures('en.jsonl'), zh: fixtures('zh.jsonl'), mixed: fixtures('mixed.jsonl') };
  // Floors a little under today's figures: a change that loses a handful of questions fails here.
  const floors = { en: { top1: 0.96, mrr: 0.98, passed: 0.95 }, zh: { top1: 0.95, mrr: 0.97, passed: 0.95 }, mixed: { top1: 0.96, mrr: 0.98, passed: 0.96 } };

  it('ranks the right section first, per language', () => {
    const rows: string[] = [];
    for (const [lang, cases] of Object.entries(languages) as Array<[keyof typeof languages, Case[]]>) {
      const all = score(kb, cases);
      const holdout = score(kb, cases.filter((c) => !tunedOn(c)));
      rows.push(
        `${lang.padEnd(6)} n=${String(all.questions).padEnd(4)} top-1 ${percent(all.top1).padStart(6)}  MRR ${all.mrr.toFixed(3)}  answer ok ${percent(all.passed).padStart(6)}` +
          `   | holdout n=${String(holdout.questions).padEnd(3)} top-1 ${percent(holdout.top1).padStart(6)}  MRR ${holdout.mrr.toFixed(3)}  answer ok ${percent(holdout.passed).padStart(6)}`,
      );
      expect(all.top1, `${lang} top-1`).toBeGreaterThanOrEqual(floors[lang].top1);
      expect(all.mrr, `${lang} MRR`).toBeGreaterThanOrEqual(floors[lang].mrr);
      expect(all.passed, `${lang} answers`).toBeGreaterThanOrEqual(floors[lang].passed);
    }
    console.log(`FAQ question sets\n${rows.join('\n')}`);
  });

  it('declines out-of-scope questions in both languages', () => {
    const cases = fixtures('out-of-scope.jsonl');
    const answered = cases.filter((c) => kb.ask(c.q).answered).map((c) => c.q);
    const zh = cases.filter((c) => /\p{Script=Han}/u.test(c.q)).length;
    const highest = Math.max(...cases.map((c) => kb.ask(c.q).confidence));
    console.log(`out of scope: ${cases.length - answered.length}/${cases.length} declined (${zh} in Chinese); highest confidence ${highest.toFixed(2)}`);
    expect(answered).toEqual([]);
  });

  it('is calibrated: the surer the answer, the more often it is from the right section', () => {
    const cases = Object.values(languages).flat();
    const buckets = [
      { from: 0.9, answered: 0, right: 0 },
      { from: 0.7, answered: 0, right: 0 },
      { from: 0, answered: 0, right: 0 },
    ];
    let declined = 0;
    for (const c of cases) {
      const answer = kb.ask(c.q);
      if (!answer.answered) {
        declined++;
        continue;
      }
      const bucket = buckets.find((b) => answer.confidence >= b.from) as (typeof buckets)[number];
      bucket.answered++;
      if (c.expect?.includes(answer.source?.heading ?? '')) bucket.right++;
    }
    const rows = buckets.map((b, i) => `confidence ${i ? `${b.from.toFixed(1)}-${buckets[i - 1]?.from.toFixed(1)}` : `>= ${b.from.toFixed(1)}`}: ${b.right}/${b.answered} from the right section`);
    console.log(`in scope, answered\n${rows.join('\n')}\ndeclined: ${declined}/${cases.length}`);
    const rate = (b: (typeof buckets)[number]): number => (b.answered ? b.right / b.answered : 1);
    expect(rate(buckets[0] as (typeof buckets)[number])).toBeGreaterThanOrEqual(0.98);
    expect(rate(buckets[0] as (typeof buckets)[number])).toBeGreaterThanOrEqual(rate(buckets[2] as (typeof buckets)[number]));
  });

  const dev = fileURLToPath(new URL('../../../../shared/eval/faq-dev.jsonl', import.meta.url));
  it.skipIf(!existsSync(dev))('scores 100% on the shared dev set, judged as faq-eval.mjs judges it', () => {
    const cases = readFileSync(dev, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { q: string; must?: string[][]; answered?: boolean });
    const misses = cases.filter((c) => {
      const answer = kb.ask(c.q);
      const text = (answer.answer ?? '').toLowerCase();
      if (c.answered === false) return answer.answered;
      return !answer.answered || !(c.must ?? []).every((alts) => alts.some((a) => text.includes(a.toLowerCase())));
    });
    expect(misses.map((c) => c.q)).toEqual([]);
  });
});
