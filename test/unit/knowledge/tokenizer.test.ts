import { describe, expect, it } from 'vitest';
import { detectLanguage, englishTerms, hanTerms, indexTerms, normalize, stem } from '../../../src/knowledge/tokenizer.js';
import { QueryAnalyzer, editDistance } from '../../../src/knowledge/query.js';

describe('tokenizer', () => {
  it('normalises width, case and traditional characters', () => {
    expect(normalize('ＤＯＣＫＥＲ？')).toBe('docker?');
    expect(normalize('鏡像是什麼')).toBe('镜像是什么');
    // OpenCC's general dictionaries, Taiwan phrases included, not a list of the words the notes use.
    expect(normalize('請問這個應用程式的設定檔該怎麼寫')).toBe('请问这个应用程序的设置档该怎么写');
    expect(normalize('網絡連線斷開後容器會自動重啟嗎')).toBe('网络连接断开后容器会自动重启吗');
    expect(normalize('伺服器上的軟體')).toBe('服务器上的软件');
    // The particle 么 stays the particle (Taiwan's tables would read it as 幺 "one").
    expect(normalize('有安装链接么')).toBe('有安装链接么');
    expect(normalize('简体中文不变')).toBe('简体中文不变');
  });

  it('folds English plurals and verb forms to one stem', () => {
    const same = (words: string[]) => expect(new Set(words.map(stem)).size).toBe(1);
    same(['image', 'images']);
    same(['container', 'containers']);
    same(['registry', 'registries']);
    same(['pull', 'pulls', 'pulled', 'pulling']);
    same(['run', 'runs', 'running', 'ran']);
    same(['build', 'builds', 'building', 'built']);
    same(['use', 'uses', 'used', 'using']);
    same(['delete', 'deleted', 'deleting']);
    expect(stem('container')).not.toBe(stem('contain'));
    expect(stem('constructor')).toBe('constructor');
  });

  it('indexes Chinese as jieba words plus bigrams, Docker words kept whole', () => {
    const terms = hanTerms('怎么构建镜像');
    expect(terms).toEqual(expect.arrayContaining(['构建', '镜像']));
    expect(terms).not.toContain('镜');
    // The user dictionary keeps Docker's words whole where jieba's own would split them.
    expect(hanTerms('宿主机上的数据卷')).toEqual(expect.arrayContaining(['宿主机', '数据卷']));
    // Everyday words come from jieba's dictionary: 一次性 and 清掉 are words, not 一次|性.
    expect(hanTerms('一次性清掉')).toEqual(expect.arrayContaining(['一次性', '清掉']));
  });

  it('indexes the term map’s longer Chinese words whole', () => {
    expect(hanTerms('属于操作系统层面的虚拟化技术')).toContain('虚拟化');
    expect(hanTerms('代替虚拟机')).not.toContain('虚拟化');
  });

  it('drops stop words and keeps phrases and Docker commands as single terms', () => {
    const { words, phrases } = englishTerms('How do I run a virtual machine with docker build?');
    expect(words.map((w) => w.surface)).toEqual(['run', 'virtual', 'machine', 'docker', 'build']);
    expect(phrases.map((p) => p.term)).toEqual(['virtual_machin', 'docker_build']);
  });

  it('keeps Go the language and drops go the verb', () => {
    expect(indexTerms('It is written in Go, the programming language')).toContain('golang');
    expect(indexTerms('Docker 是用 Go 写的')).toContain('golang');
    expect(indexTerms('Go 语言')).toContain('golang');
    expect(indexTerms('where do images go')).not.toContain('golang');
    expect(indexTerms('let it go and restart')).not.toContain('golang');
  });

  it('tokenises mixed text and keeps versions and image references apart', () => {
    const terms = indexTerms('Docker 镜像 demo:v1 from 1.11');
    expect(terms).toEqual(expect.arrayContaining(['docker', '镜像', 'demo', 'v1', '1.11']));
  });

  it('answers in Chinese when the question has any Chinese', () => {
    expect(detectLanguage('what is 镜像')).toBe('zh');
    expect(detectLanguage('What does a registry store?')).toBe('en');
  });
});

describe('query analysis', () => {
  const analyzer = new QueryAnalyzer(new Set(['docker', 'container', 'imag', '镜像', '拉取', 'pull', 'registri', '仓库']), ['拉取']);

  it('links English words to the notes’ Chinese terms and back', () => {
    const [unit] = analyzer.analyze('image').units;
    expect(unit?.related).toContain('镜像');
    const [zh] = analyzer.analyze('仓库').units;
    expect(zh?.related).toContain('registri');
  });

  it('splits Chinese questions on the notes’ and the term map’s words, dropping question words', () => {
    expect(analyzer.analyze('镜像怎么拉取').units.map((u) => u.text)).toEqual(['镜像', '拉取']);
  });

  it('corrects misspellings to the notes’ words and drops misspelt question words', () => {
    const units = analyzer.analyze('waht is a contianer').units;
    expect(units.map((u) => u.terms)).toEqual([['container']]);
  });

  it('does not turn a short word into another one letter away', () => {
    // "git" is not "get", though "get" is in the term map; a dropped letter is still a typo.
    expect(analyzer.analyze('git').units.map((u) => u.terms)).toEqual([['git']]);
    expect(analyzer.analyze('pul').units.map((u) => u.terms)).toEqual([['pull']]);
  });

  it('leaves unknown words unknown, which is what lowers confidence', () => {
    const units = analyzer.analyze('capital of France').units;
    expect(units.every((u) => !u.known)).toBe(true);
  });

  it('marks Docker vocabulary and how-to questions', () => {
    expect(analyzer.analyze('what is a registry').units[0]?.domain).toBe(true);
    expect(analyzer.analyze('which company launched go').units.some((u) => u.domain)).toBe(false);
    expect(analyzer.analyze('How do I pull an image?').howTo).toBe(true);
    expect(analyzer.analyze('镜像怎么拉取').howTo).toBe(true);
    expect(analyzer.analyze('What does a registry store?').howTo).toBe(false);
  });

  it('does not split a Chinese word on a one-character term inside it', () => {
    const words = new QueryAnalyzer(new Set(['容器', '清理', '镜像']), ['清理']);
    // 清 "clean out" is in the term map; 清楚 "clearly" is not about cleaning.
    expect(words.analyze('是不是很清楚').units.map((u) => u.text)).toEqual(['清楚']);
    expect(words.analyze('容器怎么清理').units.map((u) => u.text)).toEqual(['容器', '清理']);
    // A particle jieba glued to the verb after it is still split off (里拉 is 里 + 拉 "pull").
    expect(words.analyze('demo里拉的ubuntu').units.map((u) => u.text)).toContain('拉');
  });

  it('reads "tell me plainly" as how to answer, not as what is asked', () => {
    const words = new QueryAnalyzer(new Set(['docker', '容器', '命令', '说明']), ['说明']);
    expect(words.analyze('docker到底是个啥 一句话给我说明白').units.map((u) => u.text)).toEqual(['docker']);
    expect(words.analyze('能讲清楚容器吗').units.map((u) => u.text)).toEqual(['容器']);
    expect(words.analyze('常用命令给我过一遍').units.map((u) => u.text)).toEqual(['常用', '命令']);
    // 说明 alone is a word of the notes, not the frame.
    expect(words.analyze('说明一下容器').units.map((u) => u.text)).toContain('说明');
  });

  it('counts a one-character verb that only describes the thing asked about for less', () => {
    const words = new QueryAnalyzer(new Set(['flask', 'host', '容器']), []);
    const filled = words.analyze('flask的host调的是啥').units.find((u) => u.text === '调');
    // (怎么进容器里: 进到 is a word of the term map, read whole.)
    const entered = words.analyze('怎么进容器里').units.find((u) => u.text === '进');
    expect(filled?.topicality).toBeLessThan(1);
    expect(entered?.topicality).toBe(1);
  });

  it('reads a quantity (一堆, 一把) as how much, not as a topic, but keeps a counted noun the notes know', () => {
    const words = new QueryAnalyzer(new Set(['容器', '层', 'layer']), []);
    expect(words.analyze('容器堆了一堆').units.map((u) => u.text)).toEqual(['容器', '堆']);
    expect(words.analyze('一共下了几层').units.map((u) => u.text)).toContain('层');
  });

  it('reads "what words" (啥字) as asking for the text itself', () => {
    const words = new QueryAnalyzer(new Set(['首页', '返回']), ['首页', '返回']);
    expect(words.analyze('打开首页会返回啥字').units.map((u) => u.text)).not.toContain('字');
  });

  it('reads "why is the thing ... called X" as the naming question', () => {
    const words = new QueryAnalyzer(new Set(['容器', '称其为']), ['容器']);
    const naming = (q: string): boolean => words.analyze(q).units.some((u) => u.related.includes('称其为') || u.terms.includes('称其为'));
    expect(naming('为啥这玩意儿叫容器')).toBe(true);
    expect(naming('凭啥管它叫容器')).toBe(true);
    expect(naming('这玩意儿叫容器')).toBe(false);
  });

  it('measures edit distance with transpositions', () => {
    expect(editDistance('imgae', 'image', 2)).toBe(1);
    expect(editDistance('cook', 'book', 1)).toBe(1);
    expect(editDistance('kubernetes', 'container', 2)).toBe(3);
  });
});
