// Chinese text: segmentation by jieba (its dictionary plus a user dictionary of Docker's words, so
// 镜像, 宿主机 or 数据卷 stay whole) and traditional -> simplified conversion by OpenCC (Taiwan
// phrases too: 軟體 -> 软件). Both load their dictionaries once per process, on first use.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js/t2cn';
import { TERM_GROUPS } from './terms.js';

/**
 * Docker's words that jieba's general dictionary lacks or would split, kept whole. The term
 * map's Chinese words are added as well.
 */
const DOCKER_WORDS = [
  '镜像', '容器', '仓库', '宿主', '宿主机', '数据卷', '匿名卷', '虚拟化', '虚拟机', '拉取', '构建', '黑箱',
  '联合文件系统', '命名空间', '微服务', '一次性', '一致性', '运行时', '端口', '映射', '标签',
];

/** Frequency given to the user dictionary's words: high enough that jieba keeps them whole. */
const USER_WORD_FREQUENCY = 50_000;

let jieba: Jieba | undefined;

const userDictionary = (words: readonly string[]): Uint8Array => Buffer.from(words.map((w) => `${w} ${USER_WORD_FREQUENCY} n`).join('\n') + '\n');

function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    const termMapWords = TERM_GROUPS.flatMap((g) => g.terms).filter((t) => /^\p{Script=Han}{2,}$/u.test(t));
    jieba.loadDict(userDictionary([...new Set([...DOCKER_WORDS, ...termMapWords])]));
  }
  return jieba;
}

const SEGMENT_CACHE_SIZE = 20_000;

/** `of(text)` remembered for the last texts seen: the same runs of text come back with every question. */
function remembered<T>(of: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size >= SEGMENT_CACHE_SIZE) cache.clear();
      value = of(text);
      cache.set(text, value);
    }
    return value;
  };
}

/** Words of a run of Chinese text, in order (jieba, with its HMM for words no dictionary has). */
export const segment: (text: string) => readonly string[] = remembered((text) => segmenter().cut(text, true));

export interface TaggedWord {
  word: string;
  /** jieba's part of speech (ICTCLAS tags: n noun, v verb, d adverb, r pronoun, u particle, ...). */
  tag: string;
}

/** Words of a run of Chinese text with their parts of speech. */
export const tagged: (text: string) => readonly TaggedWord[] = remembered((text) => segmenter().tag(text, true));

let converter: ((text: string) => string) | undefined;

/** Traditional characters and Taiwan phrases to simplified Chinese; simplified text is left as it is. */
export function toSimplified(text: string): string {
  converter ??= OpenCC.Converter({ from: 'twp', to: 'cn' });
  // Taiwan's tables read a lone 么 as 幺 "one"; in a question it is the particle (有链接么, 什么), kept as written.
  return text.split('么').map(converter as (text: string) => string).join('么');
}
