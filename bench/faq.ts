// The FAQ: index build time, in-process query latency, and questions per second through the
// `ask` command (dispatcher and all). Baselines in the same run: a plain MiniSearch over the same
// sections with its default tokenizer, and `ask` called on the knowledge base directly. Also the
// one-time cost of loading jieba's and OpenCC's dictionaries in a fresh process (once per process,
// on the first Chinese text), against starting that process with nothing loaded.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import pino from 'pino';
import { ask } from '../commands/ask.js';
import { ConfirmationStore } from '../src/core/confirm.js';
import { Dispatcher } from '../src/core/dispatcher.js';
import { RolePolicy } from '../src/core/policy.js';
import { NotesKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { NotesLoader } from '../src/knowledge/loader.js';
import { TopicIndex } from '../src/knowledge/search.js';
import { bundledKnowledgeDir, packageRoot } from '../src/paths.js';
import type { Services } from '../src/services.js';
import { median, percentile, round } from './stats.js';

/** The question sets of the FAQ tests, in and out of scope, English and Chinese. */
function questions(): string[] {
  const dir = join(packageRoot, 'test', 'fixtures', 'faq');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => (JSON.parse(line) as { q: string }).q);
}

function timings(rounds: number, items: readonly string[], fn: (item: string) => unknown): number[] {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const start = performance.now();
      fn(item);
      out.push(performance.now() - start);
    }
  }
  return out;
}

/** Milliseconds a fresh Node process takes to run `code` (an ES module), measured inside it. */
function freshProcess(code: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t0 = performance.now(); ${code}; console.log(performance.now() - t0);`], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').at(-1));
}

export async function benchFaq(): Promise<Record<string, number>> {
  const log = pino({ level: 'silent' });
  const chinese = join(packageRoot, 'dist', 'src', 'knowledge', 'chinese.js');
  const dictionaryLoads = [0, 1, 2].map(() => freshProcess(`const c = await import(${JSON.stringify(chinese)}); c.segment('镜像和容器'); c.toSimplified('鏡像')`));
  const emptyProcesses = [0, 1, 2].map(() => freshProcess(`await import('node:path')`));
  const dirs = [bundledKnowledgeDir];
  const asked = questions();

  const loads: number[] = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    await new NotesLoader().load(dirs);
    loads.push(performance.now() - start);
  }
  const { topics } = await new NotesLoader().load(dirs);
  const builds: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    new TopicIndex(topics);
    builds.push(performance.now() - start);
  }

  const kb = await NotesKnowledgeBase.open({ dirs, log });
  timings(3, asked, (q) => kb.ask(q)); // warm up: JIT, spelling-correction and term caches
  const latency = timings(20, asked, (q) => kb.ask(q));

  const plain = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
  plain.addAll(topics.map((t) => ({ id: t.id, text: t.texts.map((x) => [...x.path, ...x.blocks.map((b) => (b.kind === 'list' ? b.items.join('\n') : b.text))].join('\n')).join('\n') })));
  timings(3, asked, (q) => plain.search(q));
  const baseline = timings(20, asked, (q) => plain.search(q));

  const dispatcher = new Dispatcher({
    commands: [ask],
    services: { docker: { address: null }, knowledge: async () => kb } as unknown as Services,
    log,
    roles: new RolePolicy({ admin: [], operator: [], channels: {} }),
    audit: { record: () => undefined },
    confirmations: new ConfirmationStore(60_000),
    mapError: () => undefined,
  });
  const requester = { platform: 'shell', userId: 'bench', trustedRole: 'admin' as const };
  let seq = 0;
  for (const q of asked) await dispatcher.handle({ id: `w${++seq}`, text: `ask ${q}`, requester });
  const rounds = 10;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const q of asked) await dispatcher.handle({ id: `b${++seq}`, text: `ask ${q}`, requester });
  const seconds = (performance.now() - start) / 1000;

  return {
    faq_questions: asked.length,
    faq_chinese_dictionaries_load_median_ms: round(median(dictionaryLoads)),
    faq_empty_process_baseline_median_ms: round(median(emptyProcesses)),
    faq_read_and_parse_median_ms: round(median(loads)),
    faq_index_build_median_ms: round(median(builds)),
    faq_query_p50_ms: round(percentile(latency, 50)),
    faq_query_p99_ms: round(percentile(latency, 99)),
    faq_plain_minisearch_p50_ms: round(percentile(baseline, 50)),
    faq_plain_minisearch_p99_ms: round(percentile(baseline, 99)),
    faq_ask_command_questions_per_s: round((rounds * asked.length) / seconds, 0),
    faq_ask_direct_questions_per_s: round(1000 / (latency.reduce((a, b) => a + b, 0) / latency.length), 0),
  };
}
