// The knowledge base the FAQ commands use: notes from `knowledge/` plus the configured directories.
import type { Logger } from 'pino';
import { NotesKnowledgeBase } from './knowledge-base.js';

export type { Answer, Citation, KnowledgeBase, ReloadReport, Topic } from './base.js';
export { ANSWER_THRESHOLD, CONFIDENT_THRESHOLD, NotesKnowledgeBase } from './knowledge-base.js';

export interface OpenOptions {
  /** The bundled `knowledge/` directory first, then the team's own. */
  dirs: string[];
  log: Logger;
  /** Reload when a notes file changes (long-running processes). */
  watch?: boolean;
}

export async function openKnowledgeBase(options: OpenOptions): Promise<NotesKnowledgeBase> {
  const kb = await NotesKnowledgeBase.open({ dirs: options.dirs, log: options.log });
  if (options.watch) kb.watch();
  return kb;
}
