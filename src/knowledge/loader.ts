// Knowledge directories -> topics. A topic is one notes section with its text in one or more
// languages: the notes' own, plus companion entries (files with `companion-of:` in their front
// matter whose sections say which notes section they translate). Citations always point at the
// notes section, whichever language answers.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseNotes, type ContentBlock, type ParsedNotes, type Section } from './markdown.js';
import { hasHan, type Lang } from './tokenizer.js';
import type { ReloadReport } from './base.js';

export const HEADING_SEPARATOR = ' › ';

export interface TopicText {
  lang: Lang;
  /** Heading path in this language. */
  path: string[];
  blocks: ContentBlock[];
}

export interface KnowledgeTopic {
  id: string;
  /** The notes file, relative to its knowledge directory. */
  file: string;
  /** The notes section's heading path. */
  path: string[];
  texts: TopicText[];
}

export type Problem = ReloadReport['problems'][number];

export interface LoadedKnowledge {
  topics: KnowledgeTopic[];
  files: number;
  problems: Problem[];
}

interface NotesFile {
  /** Absolute path. */
  absolute: string;
  /** Relative to its knowledge directory, with forward slashes. */
  file: string;
  dir: number;
  notes: ParsedNotes;
  lang: Lang;
}

const headingKey = (path: readonly string[]): string => path.map((p) => p.trim().replace(/\s+/g, ' ').toLowerCase()).join('\u0000');

/** "A › B" and "A > B" name the same heading path. */
const parseHeadingPath = (value: string): string[] => value.split(/\s*[›>]\s*/).filter(Boolean);

const hasContent = (s: Section): boolean => s.blocks.length > 0;

function fileLanguage(notes: ParsedNotes): Lang {
  const declared = (notes.metadata.lang ?? notes.metadata.language ?? '').toLowerCase();
  if (declared.startsWith('zh') || declared.startsWith('cn')) return 'zh';
  if (declared.startsWith('en')) return 'en';
  // Prose only: code is English whatever the notes' language.
  let han = 0;
  let latinWords = 0;
  for (const s of notes.sections) {
    for (const text of [...s.path, ...s.blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : b.kind === 'list' ? b.items : []))]) {
      han += [...text].filter((c) => hasHan(c)).length;
      latinWords += (text.match(/[A-Za-z]+/g) ?? []).length;
    }
  }
  return han >= latinWords ? 'zh' : 'en';
}

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.md'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !relative(dir, f).split(sep).some((part) => part.startsWith('.') || part === 'node_modules'))
    .sort();
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Loads notes directories. It remembers the last good parse of each file, so a file that breaks
 * while someone edits it keeps answering from its previous version until it is fixed.
 */
export class NotesLoader {
  private readonly lastGood = new Map<string, { mtimeMs: number; size: number; notes: ParsedNotes }>();

  async load(dirs: readonly string[]): Promise<LoadedKnowledge> {
    const problems: Problem[] = [];
    const files: NotesFile[] = [];
    const seen = new Set<string>();
    for (const [dir, dirPath] of dirs.entries()) {
      const root = resolve(dirPath);
      let paths: string[];
      try {
        paths = await markdownFiles(root);
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR';
        problems.push({ file: dirPath, message: missing ? 'knowledge directory not found' : `cannot list the directory: ${(err as Error).message}` });
        continue;
      }
      for (const absolute of paths) {
        if (seen.has(absolute)) continue;
        seen.add(absolute);
        const file = relative(root, absolute).split(sep).join('/');
        const notes = await this.read(absolute, file, problems);
        if (notes) files.push({ absolute, file, dir, notes, lang: fileLanguage(notes) });
      }
    }
    for (const gone of [...this.lastGood.keys()].filter((k) => !seen.has(k))) this.lastGood.delete(gone);
    return { topics: buildTopics(files, problems), files: files.length, problems };
  }

  private async read(absolute: string, file: string, problems: Problem[]): Promise<ParsedNotes | undefined> {
    const previous = this.lastGood.get(absolute);
    const kept = previous ? '; answering from the version loaded before' : '';
    try {
      const info = await stat(absolute);
      if (previous && previous.mtimeMs === info.mtimeMs && previous.size === info.size) return previous.notes;
      const bytes = await readFile(absolute);
      let source: string;
      try {
        source = decoder.decode(bytes);
      } catch {
        throw new Error('not valid UTF-8 text');
      }
      const notes = parseNotes(source);
      this.lastGood.set(absolute, { mtimeMs: info.mtimeMs, size: info.size, notes });
      return notes;
    } catch (err) {
      problems.push({ file, message: (err as Error).message + kept });
      return previous?.notes;
    }
  }
}

function buildTopics(files: NotesFile[], problems: Problem[]): KnowledgeTopic[] {
  const topics: KnowledgeTopic[] = [];
  const byHeading = new Map<string, KnowledgeTopic>();
  const companionOf = (f: NotesFile): string | undefined => f.notes.metadata['companion-of'] ?? f.notes.metadata['companion_of'];
  const sectionTitle = (f: NotesFile, s: Section): string[] => (s.path.length ? s.path : [f.notes.metadata.title ?? f.file]);

  for (const f of files.filter((x) => !companionOf(x))) {
    for (const s of f.notes.sections) {
      const path = sectionTitle(f, s);
      const key = `${f.dir}\u0001${f.file}\u0001${headingKey(path)}`;
      let topic = byHeading.get(key);
      if (!topic) {
        topic = { id: `${f.dir}:${f.file}#${path.join(HEADING_SEPARATOR)}`, file: f.file, path, texts: [] };
        byHeading.set(key, topic);
        if (hasContent(s)) topics.push(topic);
      }
      if (hasContent(s)) topic.texts.push({ lang: f.lang, path, blocks: s.blocks });
    }
  }

  for (const f of files.filter((x) => companionOf(x))) {
    const target = (companionOf(f) as string).trim();
    const targetFile = join(dirname(f.file), target).split(sep).join('/');
    const notesLoaded = files.some((x) => x.dir === f.dir && x.file === targetFile);
    if (!notesLoaded) problems.push({ file: f.file, message: `companion of ${target}, which is not loaded; its entries stand alone` });
    for (const s of f.notes.sections) {
      if (!hasContent(s)) continue;
      const named = s.meta['notes section'];
      const text: TopicText = { lang: f.lang, path: sectionTitle(f, s), blocks: s.blocks };
      const topic = named && notesLoaded ? byHeading.get(`${f.dir}\u0001${targetFile}\u0001${headingKey(parseHeadingPath(named))}`) : undefined;
      if (topic) {
        if (topic.texts.length === 0) topics.push(topic);
        topic.texts.push(text);
        continue;
      }
      if (named && notesLoaded) {
        problems.push({ file: f.file, message: `line ${s.line}: "${named}" is not a section of ${target}; the entry stands alone` });
      }
      topics.push({ id: `${f.dir}:${f.file}#${text.path.join(HEADING_SEPARATOR)}`, file: f.file, path: text.path, texts: [text] });
    }
  }
  return topics;
}
