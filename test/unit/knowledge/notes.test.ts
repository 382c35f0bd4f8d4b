// Markdown notes -> sections, and knowledge directories -> topics (notes plus companions).
import { afterEach, describe, expect, it } from 'vitest';
import { NotesLoader } from '../../../src/knowledge/loader.js';
import { parseNotes, NotesParseError } from '../../../src/knowledge/markdown.js';
import { passagesOf, sentences } from '../../../src/knowledge/passages.js';
import { bundledKnowledgeDir, notesDir } from './helpers.js';

describe('parseNotes', () => {
  const source = [
    'Title: Notes',
    'Tags: Docker',
    '',
    '[TOC]',
    '',
    '### Basics',
    '#### Images',
    '> An image is a filesystem.',
    'It never changes.',
    '',
    '1. first',
    '2. second',
    '',
    '```shell',
    '# pull',
    'docker pull',
    '```',
    '',
    '#### Links',
    'See <a href="https://docs.docker.com/" target="_blank">the docs</a> and [the book](https://example.com/book).',
    '### Other',
    'text',
  ].join('\n');

  it('keeps Pelican-style front matter as metadata, not as a section', () => {
    const notes = parseNotes(source);
    expect(notes.metadata).toEqual({ title: 'Notes', tags: 'Docker' });
    expect(notes.sections[0]?.path).toEqual(['Basics']);
  });

  it('gives every section its heading path and keeps paragraphs, lists and code apart', () => {
    const notes = parseNotes(source);
    expect(notes.sections.map((s) => s.path.join(' › '))).toEqual(['Basics', 'Basics › Images', 'Basics › Links', 'Other']);
    expect(notes.sections[1]?.blocks).toEqual([
      { kind: 'paragraph', text: 'An image is a filesystem. It never changes.' },
      { kind: 'list', items: ['first', 'second'], ordered: true },
      { kind: 'code', text: '# pull\ndocker pull', lang: 'shell' },
    ]);
  });

  it('turns links into text that keeps the address', () => {
    const links = parseNotes(source).sections[2]?.blocks[0];
    expect(links).toEqual({ kind: 'paragraph', text: 'See the docs (https://docs.docker.com/) and the book (https://example.com/book).' });
  });

  it('reads YAML front matter and joins wrapped Chinese lines without spaces', () => {
    const notes = parseNotes('---\ntitle: 笔记\nlang: zh\n---\n# 镜像\n镜像是一个\n文件系统。\n');
    expect(notes.metadata).toEqual({ title: '笔记', lang: 'zh' });
    expect(notes.sections[0]?.blocks[0]).toEqual({ kind: 'paragraph', text: '镜像是一个文件系统。' });
  });

  it('reads the "Notes section:" line of a companion entry as metadata', () => {
    const notes = parseNotes('## Image\nNotes section: 基本概念 › 镜像\n\nAn image is a filesystem.\n');
    expect(notes.sections[0]?.meta).toEqual({ 'notes section': '基本概念 › 镜像' });
    expect(notes.sections[0]?.blocks).toHaveLength(1);
  });

  it('reads tables, nested lists and HTML as they render', () => {
    const notes = parseNotes(
      [
        '# Commands',
        '| command | what it does |',
        '|---|---|',
        '| `docker ps` | list containers |',
        '',
        '- images',
        '  - `docker images` lists them',
        '- containers',
        '',
        '<div class="note">Stopped containers <b>stay</b> until removed.</div>',
        '',
        'Text with **bold**, `code` and &amp; entities.',
      ].join('\n'),
    );
    expect(notes.sections[0]?.blocks).toEqual([
      { kind: 'list', items: ['command: docker ps; what it does: list containers'], ordered: false },
      { kind: 'list', items: ['images', 'docker images lists them', 'containers'], ordered: false },
      { kind: 'paragraph', text: 'Stopped containers stay until removed.' },
      { kind: 'paragraph', text: 'Text with bold, code and & entities.' },
    ]);
  });

  it('rejects what it cannot read, saying where', () => {
    expect(() => parseNotes('# A\n```\nunclosed')).toThrow(NotesParseError);
    expect(() => parseNotes('# A\n```\nunclosed')).toThrow(/line 2: code block/);
    expect(() => parseNotes('---\ntitle: [unclosed\n---\n# A\n')).toThrow(/front matter is not valid YAML/);
    expect(() => parseNotes('---\ntitle: x\n# A\n')).toThrow(/never closed/);
    expect(() => parseNotes('# A\u0000')).toThrow(/binary/);
  });
});

describe('passages', () => {
  it('splits sentences in both languages without breaking versions or abbreviations', () => {
    expect(sentences('From 0.7 it used libcontainer, e.g. runC. Then containerd! Done')).toEqual([
      'From 0.7 it used libcontainer, e.g. runC.',
      'Then containerd!',
      'Done',
    ]);
    expect(sentences('镜像是静态的定义。容器是实体。')).toEqual(['镜像是静态的定义。', '容器是实体。']);
  });

  it('keeps a commented shell block as commands with their comments, and tells output from files', () => {
    const passages = passagesOf([
      { kind: 'code', lang: 'shell', text: '# pull an image\ndocker pull\n# list images\ndocker images' },
      { kind: 'code', lang: '', text: 'REPOSITORY   TAG\nubuntu       14.04' },
      { kind: 'code', lang: '', text: 'FROM ubuntu:14.04\nRUN apt-get update' },
      { kind: 'code', lang: '', text: 'docker run -p 5000:5000 demo:v1' },
    ]);
    expect(passages.map((p) => [p.kind, p.text.split('\n')[0]])).toEqual([
      ['command', '# pull an image'],
      ['command', '# list images'],
      ['output', 'ubuntu       14.04'],
      ['code', 'FROM ubuntu:14.04'],
      ['code', 'RUN apt-get update'],
      ['command', 'docker run -p 5000:5000 demo:v1'],
    ]);
  });

  it('quotes files and outputs line by line, each line with what it means and a table row with its header', () => {
    const passages = passagesOf([
      { kind: 'code', lang: '', text: 'FROM ubuntu:14.04\n\nRUN apt-get update \\\n    && pip install flask\nCMD ["python", "/app/hello.py"]' },
      { kind: 'code', lang: '', text: 'REPOSITORY          TAG       IMAGE ID       SIZE\nubuntu              14.04     a35e70164dfb   222MB' },
      { kind: 'code', lang: '', text: 'docker run -p 5000:5000 demo:v1' },
    ]);
    expect(passages.map((p) => p.text)).toEqual(['FROM ubuntu:14.04', 'RUN apt-get update \\\n    && pip install flask', 'CMD ["python", "/app/hello.py"]', 'ubuntu              14.04     a35e70164dfb   222MB', 'docker run -p 5000:5000 demo:v1']);
    expect(passages[0]?.gloss).toContain('base image');
    expect(passages[1]?.gloss).toContain('install');
    expect(passages[2]?.gloss).toContain('default command');
    expect(passages[3]).toMatchObject({ kind: 'output', header: 'REPOSITORY          TAG       IMAGE ID       SIZE', gloss: expect.stringContaining('size') });
    expect(passages[4]?.gloss).toContain('port');
  });
});

describe('NotesLoader', () => {
  let cleanup = (): void => undefined;
  afterEach(() => cleanup());

  it('joins the bundled notes and their English companion into bilingual topics', async () => {
    const loaded = await new NotesLoader().load([bundledKnowledgeDir]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.files).toBe(2);
    const image = loaded.topics.find((t) => t.path.join(' › ') === 'Docker 基本概念 › 镜像');
    expect(image?.file).toBe('docker-notes.zh.md');
    expect(image?.texts.map((t) => t.lang).sort()).toEqual(['en', 'zh']);
    // Every section of the notes with content has its English entry.
    const untranslated = loaded.topics.filter((t) => t.texts.length !== 2).map((t) => t.path.join(' › '));
    expect(untranslated).toEqual([]);
  });

  it('reports a companion entry that names a missing section, and keeps it as its own topic', async () => {
    const notes = notesDir({
      'notes.md': '# Images\nImages are filesystems.\n',
      'notes.en.md': '---\ncompanion-of: notes.md\n---\n# Ghost\nNotes section: Nowhere\n\nText.\n',
    });
    cleanup = notes.cleanup;
    const loaded = await new NotesLoader().load([notes.dir]);
    expect(loaded.problems).toEqual([{ file: 'notes.en.md', message: expect.stringContaining('"Nowhere" is not a section of notes.md') }]);
    expect(loaded.topics.map((t) => t.path.join(' › '))).toEqual(['Images', 'Ghost']);
  });

  it('loads every directory, in order, and reports one that does not exist', async () => {
    const team = notesDir({ 'sub/team.md': '# Deploys\nWe deploy on Fridays.\n' });
    cleanup = team.cleanup;
    const loaded = await new NotesLoader().load([bundledKnowledgeDir, team.dir, '/nonexistent/notes']);
    expect(loaded.topics.at(-1)).toMatchObject({ file: 'sub/team.md', path: ['Deploys'] });
    expect(loaded.problems).toEqual([{ file: '/nonexistent/notes', message: 'knowledge directory not found' }]);
  });

  it('skips a broken file with a reason, and keeps answering from its last good version', async () => {
    const notes = notesDir({ 'good.md': '# Images\nImages are filesystems.\n', 'other.md': '# Volumes\nVolumes keep data.\n' });
    cleanup = notes.cleanup;
    const loader = new NotesLoader();
    expect((await loader.load([notes.dir])).topics).toHaveLength(2);

    notes.write('other.md', '# Volumes\n```\nnever closed\n');
    notes.write('bad.md', Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const loaded = await loader.load([notes.dir]);
    expect(loaded.problems).toEqual([
      { file: 'bad.md', message: 'not valid UTF-8 text' },
      { file: 'other.md', message: expect.stringMatching(/^line 2: code block .* never closed .*answering from the version loaded before$/) },
    ]);
    expect(loaded.topics.map((t) => t.path[0])).toEqual(['Images', 'Volumes']);
  });
});
