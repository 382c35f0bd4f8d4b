// A section's smallest quotable pieces: sentences, list items, commands, and the lines of a file or
// of a command's output. Ranking looks for the piece that answers the question, and the answer
// quotes those pieces rather than the section: "what base image does the Dockerfile use" is
// answered with its FROM line, "how big is the image" with the row of `docker images` that says.
import type { ContentBlock } from './markdown.js';

/** `code` is a file (a Dockerfile, a program); `output` is what a command printed. */
export type PassageKind = 'sentence' | 'item' | 'command' | 'code' | 'output';

export interface Passage {
  kind: PassageKind;
  text: string;
  /** Index of the block in its section, and of the passage inside that block. */
  block: number;
  index: number;
  /** Language of a code block (shell, python, ...). */
  lang?: string;
  /** A line of a file or an output: the whole block, quoted instead when every line of it is. */
  blockText?: string;
  /** For a table row of an output, the table's header line, quoted above the row. */
  header?: string;
  /**
   * What the line means, in words a question uses, for matching only (never quoted): a FROM line
   * names the base image, `-p 5000:5000` publishes a port, a SIZE column gives the size.
   */
  gloss?: string;
}

const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|cf|no)\.$/i;

/** Chinese full stops always end a sentence; English ones only before a new sentence (not "0.7", "e.g."). */
export function sentences(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i] as string;
    let end = -1;
    if ('。！？'.includes(c)) end = i + 1;
    else if ('.!?'.includes(c) && /^\s+["“(`\p{Lu}\p{Script=Han}]/u.test(paragraph.slice(i + 1, i + 3)) && !ABBREVIATIONS.test(paragraph.slice(start, i + 1))) end = i + 1;
    if (end > 0) {
      out.push(paragraph.slice(start, end).trim());
      start = end;
    }
  }
  out.push(paragraph.slice(start).trim());
  return out.filter(Boolean);
}

const SHELL_LANGS = new Set(['shell', 'sh', 'bash', 'console', 'zsh']);
const COMMAND_LINE = /^\s*(?:\$\s+)?(?:#|docker|sudo|touch|cd|ls|mkdir|cp|mv|rm|curl|wget|apt|apt-get|pip|npm|git|brew)\b/;
const FILE_START = /^\s*(?:FROM|ARG)\s|^\s*(?:import|from|def|class|package|const|let|function)\b/;

/** What an unlabelled block holds: commands, a file, or a command's output. */
function codeKind(code: string, lang: string): PassageKind {
  if (SHELL_LANGS.has(lang)) return 'command';
  if (lang) return 'code';
  const lines = code.split('\n').filter((l) => l.trim());
  if (lines.every((l) => COMMAND_LINE.test(l))) return 'command';
  return FILE_START.test(lines[0] ?? '') ? 'code' : 'output';
}

/**
 * A shell block written as "# what it does" followed by its command(s) is a list of commands;
 * each comment and its commands stay together.
 */
function commandPairs(code: string): string[] | null {
  const lines = code.split('\n').filter((l) => l.trim());
  if (lines.length < 4 || !lines[0]?.trim().startsWith('#')) return null;
  const pairs: string[][] = [];
  for (const line of lines) {
    if (line.trim().startsWith('#') && (pairs.length === 0 || !(pairs.at(-1) as string[]).at(-1)?.trim().startsWith('#'))) pairs.push([line]);
    else (pairs.at(-1) as string[]).push(line);
  }
  return pairs.every((p) => p.length >= 2) ? pairs.map((p) => p.join('\n')) : null;
}

/**
 * The meaning of common lines of Dockerfiles, shell commands, small web apps and Docker's output,
 * in English and Chinese: what a question about one detail of a demo asks for.
 */
const LINE_GLOSSES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\s*FROM\s/i, 'base image based on 基础镜像 基于'],
  [/^\s*RUN\s/i, 'install build step 安装 构建'],
  [/\b(?:apt-get|apt|yum|apk|dnf)\s+(?:-\S+\s+)*(?:install|add)\b|\bpip3?\s+install\b|\bnpm\s+(?:install|i)\b/, 'install package 安装 软件包'],
  [/^\s*(?:COPY|ADD)\s/i, 'copy directory path put place location destination 复制 拷贝 目录 路径 放到 位置'],
  [/^\s*(?:CMD|ENTRYPOINT)\s/i, 'default command when the container starts 默认 命令 容器启动时'],
  [/^\s*EXPOSE\s|\s(?:-p|--publish)[\s=]*\d+(?::\d+)?/, 'port publish map 端口 映射 暴露'],
  [/^\s*WORKDIR\s/i, 'directory 目录'],
  [/^\s*(?:\$\s+)?touch\s/, 'create new empty file 新建 创建 空文件 文件'],
  [/^\s*(?:\$\s+)?mkdir\s/, 'create new directory 新建 创建 目录'],
  [/^\s*ENV\s/i, 'environment variable 环境变量'],
  [/\bdocker\s+build\b.*\s(?:-t|--tag)[\s=]/, 'tag name 标签 名字'],
  [/\breturn\b/, 'return answer reply response 返回 响应 回复'],
  [/\bhost\s*=|\blisten\b|\bbind\b/, 'host listen bind address 监听 地址'],
  [/@\w+\.route\(|\broute\b/, 'route path url 路径 路由'],
  [/\bimport\s+flask\b|\bflask\s+import\b/i, 'web framework 框架 web框架'],
  [/:\s*Pull complete\s*$/i, 'layer pulled downloaded 镜像层 分层 下载'],
  [/^\s*Digest:/i, 'digest hash checksum algorithm algo 摘要 哈希 校验 算法'],
  [/\bPulling from\s/i, 'repository source pulled from 仓库 来源'],
  // a call with arguments in a program: app.run(host='0.0.0.0')
  [/^\s*[\w.]+\([^)]*\w[^)]*\)\s*$/, 'argument parameter 参数 传参'],
  [/^\s*Status:/i, 'status final finished done complete 状态 最后 结束 完成 提示'],
];

/** Column names of Docker's tables, in words a question uses. */
const COLUMN_GLOSSES: Readonly<Record<string, string>> = {
  'IMAGE ID': 'id 编号',
  'CONTAINER ID': 'id 编号',
  SIZE: 'size big 大小 多大',
  CREATED: 'ago old when age 多久 之前 几天前 天前 创建时间',
  TAG: 'tag version 标签 版本',
  REPOSITORY: 'repository name 名字',
  STATUS: 'status 状态',
  PORTS: 'port 端口',
};

/** Dockerfile instructions, which a question names by keyword ("the RUN line", "CMD 那行"). */
export const DOCKERFILE_INSTRUCTIONS = ['FROM', 'RUN', 'CMD', 'COPY', 'ADD', 'ENTRYPOINT', 'EXPOSE', 'WORKDIR', 'ENV', 'ARG', 'USER', 'VOLUME', 'LABEL', 'HEALTHCHECK'] as const;
const INSTRUCTION_LINE = new RegExp(`^\\s*(${DOCKERFILE_INSTRUCTIONS.join('|')})\\s`);
/** The index term of a Dockerfile instruction: not a word of prose, so "RUN" is not every `docker run`. */
export const instructionTerm = (keyword: string): string => `dockerfile${keyword.toLowerCase()}`;

/**
 * A Dockerfile line's words without its keyword, which the line is found by as `instructionTerm`:
 * the RUN line does not run a container, nor is the CMD line "a command".
 */
export const withoutInstruction = (line: string): string => line.replace(INSTRUCTION_LINE, ' ');

const glossOf = (line: string): string => {
  const instruction = INSTRUCTION_LINE.exec(line)?.[1];
  return [...LINE_GLOSSES.filter(([pattern]) => pattern.test(line)).map(([, gloss]) => gloss), ...(instruction ? [instructionTerm(instruction)] : [])].join(' ');
};

/** A line continued with a trailing backslash is one line. */
function logicalLines(code: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const line of code.split('\n')) {
    if (!line.trim() && !pending) continue;
    pending = pending ? `${pending}\n${line}` : line;
    if (!/\\\s*$/.test(line)) {
      out.push(pending);
      pending = '';
    }
  }
  if (pending) out.push(pending);
  return out;
}

/** Columns of a table printed by Docker: upper-case names separated by two or more spaces. */
const TABLE_HEADER = /^[A-Z][A-Z ]*[A-Z](?: {2,}[A-Z][A-Z ]*[A-Z])+\s*$/;

function lineGlossedPassages(kind: PassageKind, code: string, block: number, lang: string): Passage[] {
  const lines = logicalLines(code);
  const header = kind === 'output' && TABLE_HEADER.test(lines[0] ?? '') ? (lines[0] as string) : undefined;
  const columns = header ? header.trim().split(/ {2,}/) : [];
  const rows = header ? lines.slice(1) : lines;
  const columnGloss = columns.map((c) => COLUMN_GLOSSES[c] ?? '').join(' ');
  return rows.map((text, index) => {
    // A row is found by its table's column names too, except those that are words of their own
    // elsewhere (CREATED is not "create", IMAGE not every image): their glosses stand for them.
    const gloss = [glossOf(text), columnGloss, header ? 'column header 字段 表头' : ''].filter(Boolean).join(' ');
    return { kind, text, block, index, lang, blockText: code, ...(header ? { header } : {}), ...(gloss ? { gloss } : {}) };
  });
}

/** A sentence with an address in it is what a question about a link or a page asks for. */
const linkGloss = (text: string): { gloss?: string } => (/https?:\/\//.test(text) ? { gloss: 'link url page website 链接 网址 网站' } : {});

const glossed = (text: string): { gloss?: string } => {
  const gloss = glossOf(text);
  return gloss ? { gloss } : {};
};

export function passagesOf(blocks: readonly ContentBlock[]): Passage[] {
  const out: Passage[] = [];
  blocks.forEach((b, block) => {
    switch (b.kind) {
      case 'paragraph':
        sentences(b.text).forEach((text, index) => out.push({ kind: 'sentence', text, block, index, ...linkGloss(text) }));
        break;
      case 'list':
        b.items.forEach((text, index) => out.push({ kind: 'item', text, block, index, ...linkGloss(text) }));
        break;
      case 'code': {
        const kind = codeKind(b.text, b.lang);
        const pairs = kind === 'command' ? commandPairs(b.text) : null;
        if (pairs) pairs.forEach((text, index) => out.push({ kind, text, block, index, lang: b.lang }));
        else if (kind === 'command' && logicalLines(b.text).length === 1) out.push({ kind, text: b.text, block, index: 0, lang: b.lang, ...glossed(b.text) });
        else out.push(...lineGlossedPassages(kind, b.text, block, b.lang));
        break;
      }
    }
  });
  return out;
}
