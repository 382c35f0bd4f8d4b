// The FAQ measured on question sets: top-1 accuracy and MRR of the cited section per language,
// answers that contain what they must, and out-of-scope questions declined. "calibration" tuned
// the ranking and the threshold, and "senses" the confidence checks for Docker's words used in
// another sense (a shipping container, a git repository, a photo, a stop that is not a command);
// the holdout sets were written before the tuning they check, and were not tuned on. The
// holdout-* files are whole sets of that kind, each with its first score recorded below.
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

type Lang = 'zh' | 'en' | 'mixed' | 'oos';
interface HoldoutCase extends Case {
  lang?: Exclude<Lang, 'oos'>;
}

/** An answer this sure from a wrong section is a confidently wrong answer. */
const CONFIDENT = 0.7;

/**
 * Question sets written from the notes alone by people who never saw the code or the other sets.
 * `first` is the score of the code before any change (main at c10e412). Set A guided the changes
 * that followed; set B was not looked at until they were done, then scored once (`unseen`: what
 * the FAQ does on questions nobody tuned it for) and added. Later rounds used the sets only to
 * see kinds of failure, not wording. `floor` is today's figure, so a change that loses questions
 * fails here; no set may have an answer from a wrong section given with high confidence.
 */
const HOLDOUTS: Record<
  string,
  { first: Record<Lang | 'all', number>; unseen?: Record<Lang | 'all', number>; floor: Partial<Record<Lang | 'all', number>>; maxConfidentlyWrong: number }
> = {
  'holdout-a.jsonl': {
    first: { zh: 40 / 67, en: 32 / 50, mixed: 15 / 22, oos: 39 / 40, all: 126 / 179 },
    floor: { zh: 67 / 67, en: 49 / 50, mixed: 22 / 22, oos: 40 / 40, all: 178 / 179 },
    maxConfidentlyWrong: 0,
  },
  'holdout-b.jsonl': {
    first: { zh: 39 / 70, en: 33 / 49, mixed: 12 / 23, oos: 42 / 44, all: 126 / 186 },
    unseen: { zh: 50 / 70, en: 38 / 49, mixed: 15 / 23, oos: 42 / 44, all: 145 / 186 },
    floor: { zh: 70 / 70, en: 47 / 49, mixed: 23 / 23, oos: 44 / 44, all: 184 / 186 },
    maxConfidentlyWrong: 0,
  },
  // Set C: written from the notes alone while the second round of changes (guided by sets A and
  // B) was made; `first` is the first round's final code (de1b342), `unseen` the second round's,
  // scored once when it was done, before any change made with the set in view.
  'holdout-c.jsonl': {
    first: { zh: 33 / 62, en: 32 / 45, mixed: 15 / 20, oos: 39 / 40, all: 119 / 167 },
    unseen: { zh: 37 / 62, en: 34 / 45, mixed: 15 / 20, oos: 39 / 40, all: 125 / 167 },
    floor: { zh: 61 / 62, en: 44 / 45, mixed: 19 / 20, oos: 40 / 40, all: 164 / 167 },
    maxConfidentlyWrong: 0,
  },
  // Set D: written from the notes alone while the third round of changes (guided by the kinds of
  // failure in sets A-C) was made; `first` is main at 1de9e6c, `unseen` the third round's code when
  // the set arrived, scored once before any change made with it in view.
  'holdout-d.jsonl': {
    first: { zh: 36 / 60, en: 22 / 40, mixed: 15 / 20, oos: 32 / 40, all: 105 / 160 },
    unseen: { zh: 46 / 60, en: 24 / 40, mixed: 16 / 20, oos: 32 / 40, all: 118 / 160 },
    floor: { zh: 59 / 60, en: 37 / 40, mixed: 19 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets E and F: written from the notes alone, never shown to anyone changing the code. E's
  // `first` is main at 1de9e6c, F's the third round's code (ce6d23b) when it arrived; `unseen` is
  // the code after the fourth round (guided by A-D only), scored once. Floors are today's figures.
  'holdout-e.jsonl': {
    first: { zh: 33 / 60, en: 29 / 40, mixed: 15 / 20, oos: 30 / 40, all: 107 / 160 },
    unseen: { zh: 43 / 60, en: 34 / 40, mixed: 17 / 20, oos: 35 / 40, all: 129 / 160 },
    floor: { zh: 58 / 60, en: 38 / 40, mixed: 17 / 20, oos: 40 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-f.jsonl': {
    first: { zh: 47 / 62, en: 33 / 41, mixed: 18 / 21, oos: 32 / 40, all: 130 / 164 },
    unseen: { zh: 47 / 62, en: 33 / 41, mixed: 17 / 21, oos: 35 / 40, all: 132 / 164 },
    floor: { zh: 62 / 62, en: 40 / 41, mixed: 21 / 21, oos: 39 / 40, all: 162 / 164 },
    maxConfidentlyWrong: 0,
  },
  // Set G: written from the notes alone in chat slang (80 Chinese questions), never shown to
  // anyone changing the code; `first` is main at fb62bfc, `unseen` after the fifth round (guided
  // by A-F), scored once. The floor is today's figure. Five questions also named a heading with no
  // text of its own (Docker 的用途, Demo › 构建镜像) beside its subsection; only the subsection is kept.
  'holdout-g.jsonl': {
    first: { zh: 43 / 80, en: 27 / 30, mixed: 15 / 21, oos: 35 / 40, all: 120 / 171 },
    unseen: { zh: 45 / 80, en: 27 / 30, mixed: 15 / 21, oos: 36 / 40, all: 123 / 171 },
    floor: { zh: 65 / 80, en: 29 / 30, mixed: 20 / 21, oos: 40 / 40, all: 154 / 171 },
    maxConfidentlyWrong: 0,
  },
  // Sets H and I: written from the notes alone, never shown to anyone changing the code; `first`
  // is main at 69be5f3. They guided the changes of round six once sets J and K had been written
  // (their floor test had shown H's out-of-scope figure below its first score before that), so they
  // have no unseen figure.
  'holdout-h.jsonl': {
    first: { zh: 51 / 60, en: 37 / 40, mixed: 18 / 20, oos: 37 / 40, all: 143 / 160 },
    floor: { zh: 59 / 60, en: 39 / 40, mixed: 20 / 20, oos: 38 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-i.jsonl': {
    first: { zh: 50 / 60, en: 38 / 40, mixed: 15 / 20, oos: 39 / 40, all: 142 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets J-W: written from the notes alone, two at a time, never shown to anyone changing the code
  // until scored. `first` is main at 470235b (the FAQ as at 69be5f3), scored when each pair arrived;
  // `unseen` is the code of the round that followed, scored once when it was done, before the pair
  // was looked at: J and K after round six (e34e0fb), L and M after its last changes (5561f0b), N and
  // O after round seven (d9190b8), P and Q after round eight (783d297). Each pair then guided the
  // next round. Floors are today's figures.
  'holdout-j.jsonl': {
    first: { zh: 53 / 60, en: 35 / 40, mixed: 18 / 20, oos: 38 / 40, all: 144 / 160 },
    unseen: { zh: 55 / 60, en: 36 / 40, mixed: 20 / 20, oos: 39 / 40, all: 150 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 20 / 20, oos: 40 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-k.jsonl': {
    first: { zh: 45 / 60, en: 36 / 40, mixed: 20 / 20, oos: 35 / 40, all: 136 / 160 },
    unseen: { zh: 50 / 60, en: 37 / 40, mixed: 20 / 20, oos: 36 / 40, all: 143 / 160 },
    floor: { zh: 59 / 60, en: 39 / 40, mixed: 20 / 20, oos: 38 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-l.jsonl': {
    first: { zh: 44 / 60, en: 35 / 40, mixed: 18 / 20, oos: 36 / 40, all: 133 / 160 },
    unseen: { zh: 52 / 60, en: 35 / 40, mixed: 20 / 20, oos: 37 / 40, all: 144 / 160 },
    floor: { zh: 59 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-m.jsonl': {
    first: { zh: 51 / 60, en: 36 / 40, mixed: 16 / 20, oos: 35 / 40, all: 138 / 160 },
    unseen: { zh: 53 / 60, en: 38 / 40, mixed: 17 / 20, oos: 37 / 40, all: 145 / 160 },
    floor: { zh: 58 / 60, en: 40 / 40, mixed: 19 / 20, oos: 39 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-n.jsonl': {
    first: { zh: 46 / 60, en: 36 / 40, mixed: 17 / 20, oos: 36 / 40, all: 135 / 160 },
    unseen: { zh: 52 / 60, en: 37 / 40, mixed: 19 / 20, oos: 36 / 40, all: 144 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 19 / 20, oos: 38 / 40, all: 154 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-o.jsonl': {
    first: { zh: 50 / 60, en: 30 / 40, mixed: 18 / 20, oos: 36 / 40, all: 134 / 160 },
    unseen: { zh: 56 / 60, en: 34 / 40, mixed: 19 / 20, oos: 37 / 40, all: 146 / 160 },
    floor: { zh: 60 / 60, en: 37 / 40, mixed: 19 / 20, oos: 40 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-p.jsonl': {
    first: { zh: 51 / 60, en: 31 / 40, mixed: 17 / 20, oos: 38 / 40, all: 137 / 160 },
    unseen: { zh: 55 / 60, en: 34 / 40, mixed: 18 / 20, oos: 39 / 40, all: 146 / 160 },
    floor: { zh: 57 / 60, en: 37 / 40, mixed: 18 / 20, oos: 39 / 40, all: 151 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-q.jsonl': {
    first: { zh: 51 / 62, en: 31 / 40, mixed: 18 / 20, oos: 38 / 40, all: 138 / 162 },
    unseen: { zh: 58 / 62, en: 31 / 40, mixed: 20 / 20, oos: 40 / 40, all: 149 / 162 },
    floor: { zh: 62 / 62, en: 37 / 40, mixed: 20 / 20, oos: 40 / 40, all: 159 / 162 },
    maxConfidentlyWrong: 0,
  },
  // Sets R-U: the same, scored first on main at 6535a3a (round eight's code). R and S had not been
  // seen by that code's changes, so their first score is also their unseen one; they guided round
  // nine, after which T and U were scored once more (c7a7815): the same figures.
  'holdout-r.jsonl': {
    first: { zh: 54 / 60, en: 39 / 40, mixed: 19 / 20, oos: 36 / 40, all: 148 / 160 },
    unseen: { zh: 54 / 60, en: 39 / 40, mixed: 19 / 20, oos: 36 / 40, all: 148 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 19 / 20, oos: 39 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-s.jsonl': {
    first: { zh: 54 / 60, en: 38 / 40, mixed: 19 / 20, oos: 36 / 40, all: 147 / 160 },
    unseen: { zh: 54 / 60, en: 38 / 40, mixed: 19 / 20, oos: 36 / 40, all: 147 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 160 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-t.jsonl': {
    first: { zh: 53 / 60, en: 34 / 40, mixed: 19 / 20, oos: 40 / 40, all: 146 / 160 },
    unseen: { zh: 53 / 60, en: 34 / 40, mixed: 19 / 20, oos: 40 / 40, all: 146 / 160 },
    floor: { zh: 59 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-u.jsonl': {
    first: { zh: 53 / 60, en: 40 / 40, mixed: 16 / 20, oos: 40 / 40, all: 149 / 160 },
    unseen: { zh: 53 / 60, en: 40 / 40, mixed: 16 / 20, oos: 40 / 40, all: 149 / 160 },
    floor: { zh: 59 / 60, en: 40 / 40, mixed: 18 / 20, oos: 40 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets V and W: scored first on main at 051a0a2 (round nine's code), then once more after round
  // ten (3d6f91d), before they were looked at.
  'holdout-v.jsonl': {
    first: { zh: 50 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 148 / 160 },
    unseen: { zh: 51 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 149 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 20 / 20, oos: 40 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-w.jsonl': {
    first: { zh: 55 / 60, en: 39 / 40, mixed: 19 / 20, oos: 40 / 40, all: 153 / 160 },
    unseen: { zh: 55 / 60, en: 39 / 40, mixed: 19 / 20, oos: 40 / 40, all: 153 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets X, Y, Z and AA: scored first on main at 5511944 (round ten's code), then once more after
  // round eleven (0431486), before they were looked at.
  'holdout-x.jsonl': {
    first: { zh: 53 / 60, en: 36 / 40, mixed: 19 / 20, oos: 39 / 40, all: 147 / 160 },
    unseen: { zh: 55 / 60, en: 37 / 40, mixed: 19 / 20, oos: 39 / 40, all: 150 / 160 },
    floor: { zh: 57 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-y.jsonl': {
    first: { zh: 53 / 60, en: 31 / 40, mixed: 18 / 20, oos: 40 / 40, all: 142 / 160 },
    unseen: { zh: 53 / 60, en: 31 / 40, mixed: 19 / 20, oos: 40 / 40, all: 143 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 19 / 20, oos: 40 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-z.jsonl': {
    first: { zh: 55 / 60, en: 36 / 40, mixed: 20 / 20, oos: 40 / 40, all: 151 / 160 },
    unseen: { zh: 56 / 60, en: 36 / 40, mixed: 20 / 20, oos: 40 / 40, all: 152 / 160 },
    floor: { zh: 58 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-aa.jsonl': {
    first: { zh: 50 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 149 / 160 },
    unseen: { zh: 53 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 152 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 160 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets AB, AC, AD and AE: scored first on main at 0431486 (round eleven's code), before they were
  // looked at. (AE's writer saw the names of the files beside the brief, and opened none.)
  'holdout-ab.jsonl': {
    first: { zh: 55 / 60, en: 34 / 40, mixed: 19 / 20, oos: 38 / 40, all: 146 / 160 },
    floor: { zh: 58 / 60, en: 37 / 40, mixed: 19 / 20, oos: 39 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ac.jsonl': {
    first: { zh: 52 / 60, en: 31 / 40, mixed: 19 / 20, oos: 40 / 40, all: 142 / 160 },
    floor: { zh: 57 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ad.jsonl': {
    first: { zh: 51 / 60, en: 36 / 40, mixed: 20 / 20, oos: 38 / 40, all: 145 / 160 },
    floor: { zh: 58 / 60, en: 38 / 40, mixed: 20 / 20, oos: 39 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ae.jsonl': {
    first: { zh: 56 / 60, en: 35 / 40, mixed: 19 / 20, oos: 40 / 40, all: 150 / 160 },
    floor: { zh: 58 / 60, en: 37 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets AF to AM: scored first on main at c61e760 (round twelve's code), before they were looked at.
  'holdout-af.jsonl': {
    first: { zh: 54 / 60, en: 36 / 40, mixed: 20 / 20, oos: 37 / 40, all: 147 / 160 },
    floor: { zh: 54 / 60, en: 36 / 40, mixed: 20 / 20, oos: 38 / 40, all: 148 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ag.jsonl': {
    first: { zh: 52 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 151 / 160 },
    floor: { zh: 55 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ah.jsonl': {
    first: { zh: 57 / 60, en: 36 / 40, mixed: 17 / 20, oos: 38 / 40, all: 148 / 160 },
    floor: { zh: 58 / 60, en: 37 / 40, mixed: 19 / 20, oos: 39 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ai.jsonl': {
    first: { zh: 60 / 62, en: 39 / 40, mixed: 20 / 20, oos: 39 / 40, all: 158 / 162 },
    floor: { zh: 61 / 62, en: 39 / 40, mixed: 20 / 20, oos: 40 / 40, all: 160 / 162 },
    maxConfidentlyWrong: 0,
  },
  'holdout-aj.jsonl': {
    first: { zh: 59 / 61, en: 38 / 40, mixed: 20 / 20, oos: 35 / 40, all: 152 / 161 },
    floor: { zh: 59 / 61, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 157 / 161 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ak.jsonl': {
    first: { zh: 55 / 60, en: 33 / 40, mixed: 18 / 20, oos: 39 / 40, all: 145 / 160 },
    floor: { zh: 57 / 60, en: 34 / 40, mixed: 19 / 20, oos: 40 / 40, all: 150 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-al.jsonl': {
    first: { zh: 50 / 60, en: 35 / 40, mixed: 18 / 20, oos: 38 / 40, all: 141 / 160 },
    floor: { zh: 52 / 60, en: 36 / 40, mixed: 18 / 20, oos: 38 / 40, all: 144 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-am.jsonl': {
    first: { zh: 46 / 60, en: 33 / 40, mixed: 20 / 20, oos: 38 / 40, all: 137 / 160 },
    floor: { zh: 52 / 60, en: 37 / 40, mixed: 20 / 20, oos: 40 / 40, all: 149 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets AN to AQ: scored first on main at 448b30a (round thirteen's code), before they were looked at.
  'holdout-an.jsonl': {
    first: { zh: 53 / 60, en: 36 / 40, mixed: 20 / 20, oos: 36 / 40, all: 145 / 160 },
    floor: { zh: 58 / 60, en: 38 / 40, mixed: 20 / 20, oos: 38 / 40, all: 154 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ao.jsonl': {
    first: { zh: 50 / 60, en: 36 / 40, mixed: 19 / 20, oos: 36 / 40, all: 141 / 160 },
    floor: { zh: 53 / 60, en: 39 / 40, mixed: 19 / 20, oos: 40 / 40, all: 151 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ap.jsonl': {
    first: { zh: 53 / 60, en: 37 / 40, mixed: 19 / 20, oos: 39 / 40, all: 148 / 160 },
    floor: { zh: 53 / 60, en: 37 / 40, mixed: 19 / 20, oos: 39 / 40, all: 148 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-aq.jsonl': {
    first: { zh: 59 / 60, en: 39 / 40, mixed: 20 / 20, oos: 39 / 40, all: 157 / 160 },
    floor: { zh: 59 / 60, en: 39 / 40, mixed: 20 / 20, oos: 39 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets AR to AU: scored first on main at 7385945 (round fourteen's code), before they were looked at.
  'holdout-ar.jsonl': {
    first: { zh: 56 / 60, en: 32 / 40, mixed: 19 / 20, oos: 39 / 40, all: 146 / 160 },
    floor: { zh: 57 / 60, en: 32 / 40, mixed: 19 / 20, oos: 39 / 40, all: 147 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-as.jsonl': {
    first: { zh: 46 / 60, en: 33 / 40, mixed: 19 / 20, oos: 40 / 40, all: 138 / 160 },
    floor: { zh: 51 / 60, en: 36 / 40, mixed: 19 / 20, oos: 40 / 40, all: 146 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-at.jsonl': {
    first: { zh: 57 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 20 / 20, oos: 40 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-au.jsonl': {
    first: { zh: 56 / 60, en: 39 / 40, mixed: 18 / 20, oos: 38 / 40, all: 151 / 160 },
    floor: { zh: 56 / 60, en: 39 / 40, mixed: 19 / 20, oos: 39 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets AV to AY: scored first on main at 564ff2b (round fifteen's code), before they were looked at.
  'holdout-av.jsonl': {
    first: { zh: 58 / 60, en: 40 / 40, mixed: 20 / 20, oos: 38 / 40, all: 156 / 160 },
    floor: { zh: 58 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-aw.jsonl': {
    first: { zh: 60 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 159 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ax.jsonl': {
    first: { zh: 55 / 60, en: 37 / 40, mixed: 19 / 20, oos: 36 / 40, all: 147 / 160 },
    floor: { zh: 55 / 60, en: 37 / 40, mixed: 19 / 20, oos: 37 / 40, all: 148 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ay.jsonl': {
    first: { zh: 58 / 60, en: 40 / 40, mixed: 20 / 20, oos: 38 / 40, all: 156 / 160 },
    floor: { zh: 58 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 157 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets AZ and BA: scored first on main at 0cdede2 (the last change's code), before they were looked at.
  'holdout-az.jsonl': {
    first: { zh: 56 / 60, en: 39 / 40, mixed: 19 / 20, oos: 38 / 40, all: 152 / 160 },
    floor: { zh: 56 / 60, en: 39 / 40, mixed: 19 / 20, oos: 39 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ba.jsonl': {
    first: { zh: 57 / 60, en: 36 / 40, mixed: 18 / 20, oos: 39 / 40, all: 150 / 160 },
    floor: { zh: 57 / 60, en: 36 / 40, mixed: 18 / 20, oos: 39 / 40, all: 150 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets BB-BM: written from the notes alone, four at a time, and scored on main at b150588 when each
  // group arrived, before anyone looked at its questions (`first`). BB-BE then guided round sixteen;
  // BF-BM were scored once more when it was done (a50d67e, `unseen`), still unread. Floors are today's figures.
  'holdout-bb.jsonl': {
    first: { zh: 56 / 60, en: 40 / 40, mixed: 18 / 20, oos: 38 / 40, all: 152 / 160 },
    floor: { zh: 57 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bc.jsonl': {
    first: { zh: 57 / 60, en: 39 / 40, mixed: 18 / 20, oos: 38 / 40, all: 152 / 160 },
    floor: { zh: 58 / 60, en: 39 / 40, mixed: 19 / 20, oos: 38 / 40, all: 154 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bd.jsonl': {
    first: { zh: 53 / 60, en: 37 / 40, mixed: 19 / 20, oos: 37 / 40, all: 146 / 160 },
    floor: { zh: 55 / 60, en: 39 / 40, mixed: 19 / 20, oos: 39 / 40, all: 152 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-be.jsonl': {
    first: { zh: 52 / 60, en: 34 / 40, mixed: 17 / 20, oos: 38 / 40, all: 141 / 160 },
    floor: { zh: 54 / 60, en: 36 / 40, mixed: 17 / 20, oos: 39 / 40, all: 146 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bf.jsonl': {
    first: { zh: 58 / 60, en: 35 / 40, mixed: 19 / 20, oos: 39 / 40, all: 151 / 160 },
    unseen: { zh: 58 / 60, en: 36 / 40, mixed: 19 / 20, oos: 39 / 40, all: 152 / 160 },
    floor: { zh: 58 / 60, en: 37 / 40, mixed: 19 / 20, oos: 39 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bg.jsonl': {
    first: { zh: 54 / 60, en: 32 / 40, mixed: 18 / 20, oos: 39 / 40, all: 143 / 160 },
    unseen: { zh: 53 / 60, en: 33 / 40, mixed: 18 / 20, oos: 40 / 40, all: 144 / 160 },
    floor: { zh: 55 / 60, en: 33 / 40, mixed: 18 / 20, oos: 40 / 40, all: 146 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bh.jsonl': {
    first: { zh: 59 / 60, en: 37 / 40, mixed: 17 / 20, oos: 36 / 40, all: 149 / 160 },
    unseen: { zh: 60 / 60, en: 37 / 40, mixed: 17 / 20, oos: 39 / 40, all: 153 / 160 },
    floor: { zh: 60 / 60, en: 39 / 40, mixed: 18 / 20, oos: 39 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bi.jsonl': {
    first: { zh: 57 / 60, en: 33 / 40, mixed: 20 / 20, oos: 37 / 40, all: 147 / 160 },
    unseen: { zh: 57 / 60, en: 33 / 40, mixed: 20 / 20, oos: 39 / 40, all: 149 / 160 },
    floor: { zh: 57 / 60, en: 34 / 40, mixed: 20 / 20, oos: 39 / 40, all: 150 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bj.jsonl': {
    first: { zh: 56 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 154 / 160 },
    unseen: { zh: 56 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 154 / 160 },
    floor: { zh: 56 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 154 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bk.jsonl': {
    first: { zh: 46 / 60, en: 35 / 40, mixed: 18 / 20, oos: 39 / 40, all: 138 / 160 },
    unseen: { zh: 47 / 60, en: 35 / 40, mixed: 18 / 20, oos: 39 / 40, all: 139 / 160 },
    floor: { zh: 53 / 60, en: 37 / 40, mixed: 18 / 20, oos: 39 / 40, all: 147 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bl.jsonl': {
    first: { zh: 41 / 60, en: 17 / 40, mixed: 17 / 20, oos: 39 / 40, all: 114 / 160 },
    unseen: { zh: 45 / 60, en: 19 / 40, mixed: 16 / 20, oos: 39 / 40, all: 119 / 160 },
    floor: { zh: 50 / 60, en: 28 / 40, mixed: 19 / 20, oos: 39 / 40, all: 136 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bm.jsonl': {
    first: { zh: 50 / 60, en: 38 / 40, mixed: 16 / 20, oos: 40 / 40, all: 144 / 160 },
    unseen: { zh: 50 / 60, en: 38 / 40, mixed: 16 / 20, oos: 40 / 40, all: 144 / 160 },
    floor: { zh: 50 / 60, en: 39 / 40, mixed: 17 / 20, oos: 40 / 40, all: 146 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets BN-BQ: written from the notes alone while round seventeen (guided by BB-BM) was made; `first` is
  // main at b150588, `unseen` the round's code (9d7dab7), both scored before anyone looked at the questions.
  'holdout-bn.jsonl': {
    first: { zh: 31 / 60, en: 16 / 40, mixed: 14 / 20, oos: 38 / 40, all: 99 / 160 },
    unseen: { zh: 43 / 60, en: 26 / 40, mixed: 18 / 20, oos: 39 / 40, all: 126 / 160 },
    floor: { zh: 48 / 60, en: 33 / 40, mixed: 19 / 20, oos: 39 / 40, all: 139 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bo.jsonl': {
    first: { zh: 46 / 60, en: 33 / 40, mixed: 18 / 20, oos: 36 / 40, all: 133 / 160 },
    unseen: { zh: 51 / 60, en: 33 / 40, mixed: 18 / 20, oos: 37 / 40, all: 139 / 160 },
    floor: { zh: 52 / 60, en: 33 / 40, mixed: 18 / 20, oos: 38 / 40, all: 141 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bp.jsonl': {
    first: { zh: 58 / 60, en: 39 / 40, mixed: 20 / 20, oos: 40 / 40, all: 157 / 160 },
    unseen: { zh: 58 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 158 / 160 },
    floor: { zh: 58 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 158 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bq.jsonl': {
    first: { zh: 52 / 60, en: 30 / 40, mixed: 20 / 20, oos: 38 / 40, all: 140 / 160 },
    unseen: { zh: 54 / 60, en: 33 / 40, mixed: 20 / 20, oos: 37 / 40, all: 144 / 160 },
    floor: { zh: 55 / 60, en: 34 / 40, mixed: 20 / 20, oos: 38 / 40, all: 147 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets BR-BU: written from the notes alone while round eighteen (guided by BN-BQ) was made; `first` is
  // main at b150588, `unseen` the round's code (242d2a4), both scored before anyone looked at the questions.
  'holdout-br.jsonl': {
    first: { zh: 24 / 60, en: 15 / 40, mixed: 14 / 20, oos: 40 / 40, all: 93 / 160 },
    unseen: { zh: 34 / 60, en: 26 / 40, mixed: 16 / 20, oos: 39 / 40, all: 115 / 160 },
    floor: { zh: 50 / 60, en: 33 / 40, mixed: 16 / 20, oos: 39 / 40, all: 138 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bs.jsonl': {
    first: { zh: 54 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 152 / 160 },
    unseen: { zh: 54 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 152 / 160 },
    floor: { zh: 56 / 60, en: 39 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bt.jsonl': {
    first: { zh: 56 / 60, en: 33 / 40, mixed: 19 / 20, oos: 38 / 40, all: 146 / 160 },
    unseen: { zh: 58 / 60, en: 34 / 40, mixed: 19 / 20, oos: 38 / 40, all: 149 / 160 },
    floor: { zh: 59 / 60, en: 35 / 40, mixed: 20 / 20, oos: 38 / 40, all: 152 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bu.jsonl': {
    first: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 39 / 40, all: 158 / 160 },
    unseen: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 159 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets BV-BY: written from the notes alone while round nineteen (guided by BR-BU) was made; `first` is
  // main at b150588, `unseen` the round's code (edd94b2), both scored before anyone looked at the questions.
  'holdout-bv.jsonl': {
    first: { zh: 41 / 60, en: 26 / 40, mixed: 17 / 20, oos: 38 / 40, all: 122 / 160 },
    unseen: { zh: 51 / 60, en: 33 / 40, mixed: 19 / 20, oos: 40 / 40, all: 143 / 160 },
    floor: { zh: 52 / 60, en: 35 / 40, mixed: 19 / 20, oos: 40 / 40, all: 146 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bw.jsonl': {
    first: { zh: 28 / 60, en: 11 / 40, mixed: 15 / 20, oos: 38 / 40, all: 92 / 160 },
    unseen: { zh: 47 / 60, en: 29 / 40, mixed: 17 / 20, oos: 38 / 40, all: 131 / 160 },
    floor: { zh: 47 / 60, en: 32 / 40, mixed: 17 / 20, oos: 38 / 40, all: 134 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-bx.jsonl': {
    first: { zh: 52 / 60, en: 29 / 40, mixed: 16 / 20, oos: 38 / 40, all: 135 / 160 },
    unseen: { zh: 53 / 60, en: 35 / 40, mixed: 17 / 20, oos: 39 / 40, all: 144 / 160 },
    floor: { zh: 53 / 60, en: 36 / 40, mixed: 17 / 20, oos: 39 / 40, all: 145 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-by.jsonl': {
    first: { zh: 52 / 60, en: 32 / 40, mixed: 18 / 20, oos: 37 / 40, all: 139 / 160 },
    unseen: { zh: 53 / 60, en: 34 / 40, mixed: 18 / 20, oos: 39 / 40, all: 144 / 160 },
    floor: { zh: 54 / 60, en: 34 / 40, mixed: 18 / 20, oos: 39 / 40, all: 145 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets BZ-CC: written from the notes alone while round twenty (guided by BV-BY) was made; `first` is
  // main at b150588, `unseen` the round's code (f07afea), both scored before anyone looked at the questions.
  'holdout-bz.jsonl': {
    first: { zh: 57 / 60, en: 35 / 40, mixed: 19 / 20, oos: 37 / 40, all: 148 / 160 },
    unseen: { zh: 57 / 60, en: 36 / 40, mixed: 20 / 20, oos: 38 / 40, all: 151 / 160 },
    floor: { zh: 57 / 60, en: 36 / 40, mixed: 20 / 20, oos: 38 / 40, all: 151 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ca.jsonl': {
    first: { zh: 40 / 60, en: 17 / 40, mixed: 16 / 20, oos: 40 / 40, all: 113 / 160 },
    unseen: { zh: 46 / 60, en: 27 / 40, mixed: 19 / 20, oos: 40 / 40, all: 132 / 160 },
    floor: { zh: 49 / 60, en: 28 / 40, mixed: 19 / 20, oos: 40 / 40, all: 136 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cb.jsonl': {
    first: { zh: 59 / 60, en: 38 / 40, mixed: 16 / 20, oos: 39 / 40, all: 152 / 160 },
    unseen: { zh: 59 / 60, en: 38 / 40, mixed: 16 / 20, oos: 39 / 40, all: 152 / 160 },
    floor: { zh: 59 / 60, en: 38 / 40, mixed: 16 / 20, oos: 39 / 40, all: 152 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cc.jsonl': {
    first: { zh: 49 / 60, en: 36 / 40, mixed: 19 / 20, oos: 39 / 40, all: 143 / 160 },
    unseen: { zh: 51 / 60, en: 38 / 40, mixed: 19 / 20, oos: 39 / 40, all: 147 / 160 },
    floor: { zh: 56 / 60, en: 38 / 40, mixed: 19 / 20, oos: 39 / 40, all: 152 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets CD-CG: written from the notes alone while round twenty-one (guided by BZ-CC) was made; `first` is
  // main at b150588, `unseen` the round's code (c3ce638), both scored before anyone looked at the questions.
  'holdout-cd.jsonl': {
    first: { zh: 39 / 60, en: 30 / 40, mixed: 19 / 20, oos: 38 / 40, all: 126 / 160 },
    unseen: { zh: 48 / 60, en: 37 / 40, mixed: 19 / 20, oos: 37 / 40, all: 141 / 160 },
    floor: { zh: 48 / 60, en: 37 / 40, mixed: 19 / 20, oos: 37 / 40, all: 141 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ce.jsonl': {
    first: { zh: 58 / 60, en: 37 / 40, mixed: 20 / 20, oos: 38 / 40, all: 153 / 160 },
    unseen: { zh: 58 / 60, en: 37 / 40, mixed: 20 / 20, oos: 39 / 40, all: 154 / 160 },
    floor: { zh: 58 / 60, en: 37 / 40, mixed: 20 / 20, oos: 39 / 40, all: 154 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cf.jsonl': {
    first: { zh: 58 / 60, en: 39 / 40, mixed: 18 / 20, oos: 37 / 40, all: 152 / 160 },
    unseen: { zh: 59 / 60, en: 40 / 40, mixed: 18 / 20, oos: 39 / 40, all: 156 / 160 },
    floor: { zh: 59 / 60, en: 40 / 40, mixed: 18 / 20, oos: 39 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cg.jsonl': {
    first: { zh: 47 / 60, en: 23 / 40, mixed: 15 / 20, oos: 39 / 40, all: 124 / 160 },
    unseen: { zh: 55 / 60, en: 32 / 40, mixed: 17 / 20, oos: 39 / 40, all: 143 / 160 },
    floor: { zh: 55 / 60, en: 32 / 40, mixed: 17 / 20, oos: 39 / 40, all: 143 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets CH-CK: written from the notes alone while the last changes were made; `first` is main at b150588,
  // `unseen` the code as it then stood (fba4501), both scored before anyone looked at the questions.
  'holdout-ch.jsonl': {
    first: { zh: 58 / 60, en: 35 / 40, mixed: 20 / 20, oos: 40 / 40, all: 153 / 160 },
    unseen: { zh: 59 / 60, en: 37 / 40, mixed: 20 / 20, oos: 40 / 40, all: 156 / 160 },
    floor: { zh: 59 / 60, en: 37 / 40, mixed: 20 / 20, oos: 40 / 40, all: 156 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ci.jsonl': {
    first: { zh: 44 / 60, en: 28 / 40, mixed: 11 / 20, oos: 39 / 40, all: 122 / 160 },
    unseen: { zh: 52 / 60, en: 33 / 40, mixed: 14 / 20, oos: 39 / 40, all: 138 / 160 },
    floor: { zh: 52 / 60, en: 33 / 40, mixed: 14 / 20, oos: 39 / 40, all: 138 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cj.jsonl': {
    first: { zh: 59 / 60, en: 36 / 40, mixed: 18 / 20, oos: 40 / 40, all: 153 / 160 },
    unseen: { zh: 59 / 60, en: 37 / 40, mixed: 19 / 20, oos: 40 / 40, all: 155 / 160 },
    floor: { zh: 59 / 60, en: 37 / 40, mixed: 19 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-ck.jsonl': {
    first: { zh: 59 / 60, en: 40 / 40, mixed: 20 / 20, oos: 39 / 40, all: 158 / 160 },
    unseen: { zh: 59 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 159 / 160 },
    floor: { zh: 59 / 60, en: 40 / 40, mixed: 20 / 20, oos: 40 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets CL-CO: written from the notes alone once the changes were done; `first` is main at b150588,
  // `unseen` the code then (c98eb8a), both scored before anyone looked at the questions.
  'holdout-cl.jsonl': {
    first: { zh: 56 / 60, en: 38 / 40, mixed: 19 / 20, oos: 38 / 40, all: 151 / 160 },
    unseen: { zh: 56 / 60, en: 38 / 40, mixed: 19 / 20, oos: 38 / 40, all: 151 / 160 },
    floor: { zh: 56 / 60, en: 38 / 40, mixed: 19 / 20, oos: 38 / 40, all: 151 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cm.jsonl': {
    first: { zh: 57 / 60, en: 37 / 40, mixed: 18 / 20, oos: 38 / 40, all: 150 / 160 },
    unseen: { zh: 58 / 60, en: 38 / 40, mixed: 18 / 20, oos: 39 / 40, all: 153 / 160 },
    floor: { zh: 58 / 60, en: 38 / 40, mixed: 18 / 20, oos: 39 / 40, all: 153 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cn.jsonl': {
    first: { zh: 57 / 60, en: 38 / 40, mixed: 19 / 20, oos: 38 / 40, all: 152 / 160 },
    unseen: { zh: 57 / 60, en: 39 / 40, mixed: 19 / 20, oos: 39 / 40, all: 154 / 160 },
    floor: { zh: 57 / 60, en: 39 / 40, mixed: 19 / 20, oos: 39 / 40, all: 154 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-co.jsonl': {
    first: { zh: 59 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 158 / 160 },
    unseen: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 159 / 160 },
    floor: { zh: 60 / 60, en: 40 / 40, mixed: 19 / 20, oos: 40 / 40, all: 159 / 160 },
    maxConfidentlyWrong: 0,
  },
  // Sets CP-CS: written from the notes alone once the last change was made; `first` is main at b150588,
  // `unseen` the code as it stands (48527cc), both scored before anyone looked at the questions.
  'holdout-cp.jsonl': {
    first: { zh: 57 / 60, en: 35 / 40, mixed: 20 / 20, oos: 40 / 40, all: 152 / 160 },
    unseen: { zh: 57 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    floor: { zh: 57 / 60, en: 38 / 40, mixed: 20 / 20, oos: 40 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cq.jsonl': {
    first: { zh: 52 / 60, en: 32 / 40, mixed: 19 / 20, oos: 38 / 40, all: 141 / 160 },
    unseen: { zh: 58 / 60, en: 37 / 40, mixed: 19 / 20, oos: 38 / 40, all: 152 / 160 },
    floor: { zh: 58 / 60, en: 37 / 40, mixed: 19 / 20, oos: 38 / 40, all: 152 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cr.jsonl': {
    first: { zh: 52 / 60, en: 33 / 40, mixed: 20 / 20, oos: 38 / 40, all: 143 / 160 },
    unseen: { zh: 53 / 60, en: 34 / 40, mixed: 20 / 20, oos: 38 / 40, all: 145 / 160 },
    floor: { zh: 53 / 60, en: 34 / 40, mixed: 20 / 20, oos: 38 / 40, all: 145 / 160 },
    maxConfidentlyWrong: 0,
  },
  'holdout-cs.jsonl': {
    first: { zh: 58 / 60, en: 39 / 40, mixed: 19 / 20, oos: 38 / 40, all: 154 / 160 },
    unseen: { zh: 59 / 60, en: 39 / 40, mixed: 19 / 20, oos: 38 / 40, all: 155 / 160 },
    floor: { zh: 59 / 60, en: 39 / 40, mixed: 19 / 20, oos: 38 / 40, all: 155 / 160 },
    maxConfidentlyWrong: 0,
  },
};

/** As the sets' authors score them: in scope, answered from an expected section with every `must` group; out of scope, declined. */
function holdoutScore(kb: NotesKnowledgeBase, cases: HoldoutCase[]): { byLang: Record<string, { n: number; ok: number }>; n: number; ok: number; confidentlyWrong: number; misses: string[] } {
  const byLang: Record<string, { n: number; ok: number }> = {};
  const misses: string[] = [];
  let confidentlyWrong = 0;
  for (const c of cases) {
    const lang = c.answered === false ? 'oos' : (c.lang ?? 'x');
    const answer = kb.ask(c.q);
    const text = (answer.answer ?? '').toLowerCase();
    const fromExpected = (c.expect ?? []).includes(answer.source?.heading ?? '');
    const ok = c.answered === false ? !answer.answered : answer.answered && fromExpected && (c.must ?? []).every((g) => g.some((a) => text.includes(a.toLowerCase())));
    if (c.answered !== false && answer.answered && !fromExpected && answer.confidence >= CONFIDENT) confidentlyWrong++;
    const s = (byLang[lang] ??= { n: 0, ok: 0 });
    s.n++;
    if (ok) s.ok++;
    else misses.push(`  miss [${lang}] ${c.q} -> ${answer.answered ? `${answer.source?.heading ?? '-'} (${answer.confidence.toFixed(2)})` : `declined (${answer.confidence.toFixed(2)})`}`);
  }
  const n = cases.length;
  const ok = Object.values(byLang).reduce((sum, s) => sum + s.ok, 0);
  return { byLang, n, ok, confidentlyWrong, misses };
}

// Each test scores hundreds of questions: seconds on a loaded machine, not vitest's default 5.
describe('question sets', { timeout: 30_000 }, () => {
  let kb: NotesKnowledgeBase;
  beforeAll(async () => {
    kb = await bundledKnowledge();
  });

  const languages = { en: fixtures('en.jsonl'), zh: fixtures('zh.jsonl'), mixed: fixtures('mixed.jsonl') };
  // Floors at today's figures: a change that loses a question fails here.
  const floors = {
    en: { top1: 182 / 183, mrr: 0.996, passed: 181 / 183 },
    zh: { top1: 137 / 138, mrr: 0.996, passed: 136 / 138 },
    mixed: { top1: 29 / 29, mrr: 1, passed: 29 / 29 },
  };

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

  // The shared dev set, copied here so CI scores it too; the copy must not drift from the original.
  const sharedDev = fileURLToPath(new URL('../../../../shared/eval/faq-dev.jsonl', import.meta.url));
  it.skipIf(!existsSync(sharedDev))('keeps its copy of the shared dev set identical to the original', () => {
    expect(readFileSync(fileURLToPath(new URL('../../fixtures/faq/shared-dev.jsonl', import.meta.url)), 'utf8')).toBe(readFileSync(sharedDev, 'utf8'));
  });

  it('scores 100% on the shared dev set, judged as faq-eval.mjs judges it', () => {
    const cases = fixtures('shared-dev.jsonl');
    expect(cases.length).toBeGreaterThan(0);
    const misses = cases.filter((c) => {
      const answer = kb.ask(c.q);
      const text = (answer.answer ?? '').toLowerCase();
      if (c.answered === false) return answer.answered;
      return !answer.answered || !(c.must ?? []).every((alts) => alts.some((a) => text.includes(a.toLowerCase())));
    });
    expect(misses.map((c) => c.q)).toEqual([]);
  });

  it('answers from every section that questions expect', () => {
    // Per section: of the questions that expect it, how many are answered from it (and pass).
    const cases = [...Object.values(languages).flat(), ...Object.keys(HOLDOUTS).flatMap((f) => fixtures(f))].filter((c) => c.expect && c.answered !== false);
    const sections = new Map<string, { expected: number; answered: number }>();
    for (const c of cases) {
      const answer = kb.ask(c.q);
      const text = (answer.answer ?? '').toLowerCase();
      const passed = answer.answered && (c.must ?? []).every((g) => g.some((a) => text.includes(a.toLowerCase())));
      for (const heading of c.expect ?? []) {
        const s = sections.get(heading) ?? { expected: 0, answered: 0 };
        s.expected++;
        if (passed && answer.source?.heading === heading) s.answered++;
        sections.set(heading, s);
      }
    }
    const rows = [...sections].map(([heading, s]) => `${String(s.answered).padStart(4)}/${String(s.expected).padEnd(4)} ${heading}`);
    console.log(`answered from each expected section\n${rows.join('\n')}`);
    // Every section of the notes is expected by some question, and each is still answered.
    expect([...sections.keys()].sort()).toEqual(kb.topics().map((t) => t.heading).sort());
    expect([...sections].filter(([, s]) => s.answered === 0).map(([heading]) => heading)).toEqual([]);
  });

  describe.each(Object.entries(HOLDOUTS))('holdout set %s', (file, record) => {
    it('keeps every language at or above its floor and is confidently wrong no more often than recorded', () => {
      const result = holdoutScore(kb, fixtures(file));
      const rows = Object.entries(result.byLang).map(([lang, s]) => `${lang.padEnd(6)} ${s.ok}/${s.n} = ${percent(s.ok / s.n).padStart(6)}   first ${percent(record.first[lang as Lang] ?? 0)}`);
      console.log(`${file}\n${rows.join('\n')}\nall    ${result.ok}/${result.n} = ${percent(result.ok / result.n)}   first ${percent(record.first.all)}; confidently wrong: ${result.confidentlyWrong}`);
      const misses = `\n${result.misses.join('\n')}`;
      for (const [lang, floor] of Object.entries(record.floor)) {
        const s = lang === 'all' ? { ok: result.ok, n: result.n } : result.byLang[lang];
        expect(s, `${file}: no ${lang} questions`).toBeDefined();
        expect((s as { ok: number; n: number }).ok / (s as { ok: number; n: number }).n, `${file} ${lang}${misses}`).toBeGreaterThanOrEqual(floor);
      }
      expect(result.confidentlyWrong, `${file}: answered from a wrong section with confidence >= ${CONFIDENT}`).toBeLessThanOrEqual(record.maxConfidentlyWrong);
    });
  });
});
