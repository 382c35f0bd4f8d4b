// Shared by the knowledge tests: a silent logger, the bundled notes, scratch directories.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { bundledKnowledgeDir } from '../../../src/paths.js';
import { NotesKnowledgeBase } from '../../../src/knowledge/knowledge-base.js';

export const silent = pino({ level: 'silent' });
export { bundledKnowledgeDir };

let bundled: Promise<NotesKnowledgeBase> | undefined;
/** The shipped notes and companion, opened once per test file. */
export const bundledKnowledge = (): Promise<NotesKnowledgeBase> => (bundled ??= NotesKnowledgeBase.open({ dirs: [bundledKnowledgeDir], log: silent }));

/** A temporary notes directory with the given files; removed by the returned cleanup. */
export function notesDir(files: Record<string, string | Buffer>): { dir: string; write(name: string, content: string | Buffer): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-notes-'));
  const write = (name: string, content: string | Buffer): void => {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
