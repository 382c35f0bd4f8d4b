// The knowledge base's behaviour: answers with citations, declines, explain, topics, reload.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANSWER_THRESHOLD, CONFIDENT_THRESHOLD, NotesKnowledgeBase, openKnowledgeBase } from '../../../src/knowledge/index.js';
import { NotesLoader } from '../../../src/knowledge/loader.js';
import { bundledKnowledge, notesDir, silent } from './helpers.js';

describe('ask', () => {
  it('answers with the relevant part of the best section and cites the notes', async () => {
    const kb = await bundledKnowledge();
    const answer = kb.ask('镜像里有环境变量吗？');
    expect(answer).toEqual({
      answered: true,
      answer: expect.stringContaining('环境变量'),
      source: { file: 'docker-notes.zh.md', heading: 'Docker 基本概念 › 镜像' },
      confidence: expect.any(Number),
      bestGuess: false,
      suggestions: [],
    });
    expect(answer.confidence).toBeGreaterThanOrEqual(CONFIDENT_THRESHOLD);
    // Condensed: the sentence, not the whole section.
    expect(answer.answer).not.toContain('动态数据');
  });

  it('answers English questions from the companion, still citing the notes section', async () => {
    const answer = (await bundledKnowledge()).ask('How do I remove a local image?');
    expect(answer.source).toEqual({ file: 'docker-notes.zh.md', heading: '常用命令' });
    expect(answer.answer).toBe('```shell\n# remove a local image\ndocker image rm\n```');
  });

  it('quotes commands with the sentence that introduces them', async () => {
    const answer = (await bundledKnowledge()).ask('how do I publish the port of the demo app?');
    expect(answer.answer).toContain('publishing');
    expect(answer.answer).toContain('docker run -p 5000:5000 demo:v1');
  });

  it('declines what the notes do not cover and suggests up to three topics', async () => {
    const kb = await bundledKnowledge();
    for (const question of ['What is the capital of France?', 'How do I cook rice?', 'Which company launched Go?', '下周会下雨吗']) {
      const answer = kb.ask(question);
      expect(answer, question).toMatchObject({ answered: false, answer: null, source: null });
      expect(answer.confidence).toBeLessThan(ANSWER_THRESHOLD);
      expect(answer.suggestions.length).toBeGreaterThan(0);
      expect(answer.suggestions.length).toBeLessThanOrEqual(3);
    }
  });

  it('declines Docker words used in another sense, and Docker questions the notes do not answer', async () => {
    const kb = await bundledKnowledge();
    // "shipping" is not "distribute", "git" is not "get" misspelt, a git repository is not a registry,
    // and the notes list no drawbacks: "not recommended" is about docker commit, not about Docker.
    for (const question of ['what is a shipping container', 'what is a git repository', 'What is the npm registry?', 'docker 的缺点是什么', 'docker 好不好']) {
      expect(kb.ask(question), question).toMatchObject({ answered: false, source: null });
    }
  });

  it('does not answer how to do one thing with a command that does another', async () => {
    const kb = await bundledKnowledge();
    // The notes have no command to stop a container: the nearest honest answer is that containers
    // can be stopped, and it is not given as sure. Removing stopped containers is not stopping one.
    for (const question of ['how to stop a container', '怎么停止容器']) {
      const answer = kb.ask(question);
      expect(answer.answer ?? '', question).not.toContain('prune');
      if (answer.answered) {
        expect(answer.source?.heading, question).toBe('Docker 基本概念 › 容器');
        expect(answer.confidence, question).toBeLessThan(0.9);
      }
    }
    expect(kb.ask('How can I remove all stopped containers?').answer).toContain('docker container prune');
  });

  it('is never sure of an answer found only through synonyms, translations or generic words', async () => {
    const kb = await bundledKnowledge();
    // "repository" meets the notes only as 仓库, "pros" only as "advantages", beside "docker", which every section has.
    for (const question of ['What is a Docker repository?', 'What are the pros of Docker?']) {
      const answer = kb.ask(question);
      expect(answer.answered, question).toBe(true);
      expect(answer.confidence, question).toBeLessThan(CONFIDENT_THRESHOLD);
      expect(answer.bestGuess, question).toBe(true);
    }
    expect(kb.ask('What are the advantages of Docker?').confidence).toBeGreaterThan(0.9);
  });

  it('reads traditional Chinese like simplified', async () => {
    const kb = await bundledKnowledge();
    expect(kb.ask('怎麼刪除本地鏡像').source?.heading).toBe('常用命令');
    expect(kb.ask('Docker 的優勢有哪些').source?.heading).toBe('Docker 的优势');
  });

  it('suggests topics in the language of the question, nearest first', async () => {
    const kb = await bundledKnowledge();
    expect(kb.ask('How do I use docker compose?').suggestions[0]).toMatch(/^[A-Za-z]/);
    expect(kb.ask('怎么做红烧肉').suggestions.every((s) => /\p{Script=Han}/u.test(s))).toBe(true);
  });

  it('declines an empty question', async () => {
    expect((await bundledKnowledge()).ask('   ')).toMatchObject({ answered: false, confidence: 0 });
  });
});

describe('ask: how people put it', () => {
  it('reads a Dockerfile instruction named by its keyword as that line, not the everyday word', async () => {
    const kb = await bundledKnowledge();
    const run = kb.ask('what does the RUN line install');
    expect(run.source?.heading).toBe('Demo › 构建镜像 › Docker file');
    expect(run.answer).toContain('pip install flask');
    // An instruction the notes never use is a topic they do not cover.
    expect(kb.ask('How do I add a HEALTHCHECK to a Dockerfile?').answered).toBe(false);
  });

  it('declines options and neighbouring tools the notes never mention', async () => {
    const kb = await bundledKnowledge();
    for (const q of ['docker run -d 是啥意思', 'k8s 跟 docker 啥关系', 'demo那个容器怎么停掉 命令是啥', 'what does docker ps -a show', 'docker run 的 --name 参数']) expect(kb.ask(q).answered, q).toBe(false);
  });

  it('declines a detail the section it would answer from never states', async () => {
    const kb = await bundledKnowledge();
    // The notes name docker commit but none of its options; they list ubuntu's size, not demo:v1's.
    for (const q of ['docker commit 有哪些选项', 'what parameters does docker commit accept', 'demo:v1 镜像有多大', 'what is the image id of demo:v1']) expect(kb.ask(q).answered, q).toBe(false);
    const size = kb.ask('ubuntu 镜像多大');
    expect(size.source?.heading).toBe('Demo › 查看本地镜像');
    expect(size.answer).toContain('222MB');
    // Options the notes do use are answered.
    expect(kb.ask('what does -p 5000:5000 mean').source?.heading).toBe('Demo › 构建镜像 › 启动容器');
  });

  it('answers installing Docker only for the system the notes install it on', async () => {
    const kb = await bundledKnowledge();
    for (const q of ['ubuntu 上怎么安装 docker', 'how do I set up docker on debian', 'centos 咋装 docker']) expect(kb.ask(q).answered, q).toBe(false);
    expect(kb.ask('mac 上怎么装 docker').source?.heading).toBe('macOS 安装 Docker');
    // What the Dockerfile installs on its ubuntu base is another question.
    expect(kb.ask('Dockerfile 在 ubuntu 上装了啥').source?.heading).toBe('Demo › 构建镜像 › Docker file');
  });

  it('declines a how-to about a command the notes show, qualified by what its line does not say', async () => {
    const kb = await bundledKnowledge();
    // docker ps is "查看容器"; listing the exited ones needs an option the notes never show.
    for (const q of ['how do I list stopped containers with docker ps', 'docker ps 怎么显示所有容器，包括停掉的']) expect(kb.ask(q).answered, q).toBe(false);
    expect(kb.ask('怎么用 docker ps 查看容器').source?.heading).toBe('常用命令');
    expect(kb.ask('怎么用 docker build 打个镜像').source?.heading).toBe('Demo › 构建镜像 › Docker file');
  });

  it('declines Docker topics beyond the notes: logs, the background, renaming, restarting', async () => {
    const kb = await bundledKnowledge();
    for (const q of ['怎么查看容器日志', 'how do I run the demo in the background', '怎么让容器在后台运行', '怎么给镜像改名', '容器怎么重启']) expect(kb.ask(q).answered, q).toBe(false);
  });

  it('reads everyday Chinese verbs and chat openers as the notes’ words', async () => {
    const kb = await bundledKnowledge();
    const cases: [string, string][] = [
      ['咋把 ubuntu 镜像弄下来', 'Demo › 拉取ubuntu镜像'],
      ['本机镜像咋瞅一眼', 'Demo › 查看本地镜像'],
      ['求问 mac 上咋装个 docker', 'macOS 安装 Docker'],
      ['小白求问，镜像是啥', 'Docker 基本概念 › 镜像'],
      ['镜像搞好了咋传到别的机器', 'Docker 基本概念 › 仓库'],
    ];
    for (const [q, heading] of cases) {
      const answer = kb.ask(q);
      expect(answer.answered, q).toBe(true);
      expect(answer.source?.heading, q).toBe(heading);
    }
  });

  it('gives a why-question the cause with its consequence', async () => {
    const answer = (await bundledKnowledge()).ask('为啥说 docker 比虚拟机轻');
    expect(answer.answer).toContain('封装');
    expect(answer.answer).toContain('轻便');
  });

  it('answers "what ways are there" with the ways side by side, each named', async () => {
    const answer = (await bundledKnowledge()).ask('做镜像有哪几种办法');
    expect(answer.source?.heading).toMatch(/^Demo › 构建镜像 › Docker (?:commit|file)$/);
    expect(answer.answer).toContain('Docker commit');
    expect(answer.answer).toContain('Docker file');
    expect(answer.answer).not.toMatch(/共 \d+ 条/);
  });

  it('reads "can it be deleted" as what can be done, not as how to do it', async () => {
    expect((await bundledKnowledge()).ask('容器能被删除吗').source?.heading).toBe('Docker 基本概念 › 容器');
  });

  it('quotes the notes’ own words after an English answer from the companion', async () => {
    const answer = (await bundledKnowledge()).ask('can a container be paused');
    expect(answer.answer).toContain('paused');
    expect(answer.answer).toContain('> In the notes: 容器可以被创建、启动、停止、删除、暂停等。');
  });

  it('answers a detail of the demo with the line that states it', async () => {
    const kb = await bundledKnowledge();
    const cases: [string, string, string][] = [
      // the code's own names: the host line, not every line naming flask; a method is not Docker's verb
      ['flask 那边 host 写的啥', "app.run(host='0.0.0.0')", 'pip install flask'],
      ['app.route 返回什么', 'Hello docker!', 'docker run'],
      // an image named by its name is where that image is, not the listing of ubuntu's under the same heading
      ['demo 镜像的 tag 是啥', 'demo:v1', 'a35e70164dfb'],
      // how a thing already is (是咋装进去的) is described, not a how-to
      ['pip 是咋装进镜像里的', 'pip install flask', 'docker build'],
    ];
    for (const [q, says, saysNot] of cases) {
      const answer = kb.ask(q);
      expect(answer.source?.heading, q).toBe('Demo › 构建镜像 › Docker file');
      expect(answer.answer, q).toContain(says);
      expect(answer.answer, q).not.toContain(saysNot);
    }
  });

  it('reads chat frames for lists, benefits and comparisons', async () => {
    const kb = await bundledKnowledge();
    // 给我列列 asks for the whole list, not to list images
    const listed = kb.ask('给我列列 docker 的好处');
    expect(listed.source?.heading).toBe('Docker 的优势');
    for (const item of ['启动时间', '易部署', '镜像构建过程透明']) expect(listed.answer).toContain(item);
    // "can it solve / does it save" asks about a benefit
    expect(kb.ask('docker 能解决环境不一致吗').answer).toContain('一致的运行环境');
    expect(kb.ask('docker 省不省内存').answer).toContain('系统资源');
    // compared with the VM: the section that names it
    expect(kb.ask('和虚拟机比起来 docker 好在哪里').answer).toContain('轻便');
    // the notes' own phrase, said with 算
    expect(kb.ask('镜像到底算静态的吗').answer).toContain('镜像是静态的定义');
  });

  it('tells the command to type from a Dockerfile line', async () => {
    const kb = await bundledKnowledge();
    // a how-to's "cmd" or 命令 is a command line, not the Dockerfile's CMD
    expect(kb.ask('which cmd starts a container').answer).toContain('docker run');
    const runDemo = kb.ask('把跑 demo 的完整命令发我');
    expect(runDemo.source?.heading).toBe('Demo › 构建镜像 › 启动容器');
    expect(runDemo.answer).toContain('docker run -p 5000:5000 demo:v1');
    // ...while what a container runs is the image's default command
    expect(kb.ask('what will the container run when it starts').answer).toContain('CMD');
    // what a command is for is said where the commands are described
    expect(kb.ask('docker run 是干嘛的').source?.heading).toBe('常用命令');
  });

  it('declines other senses of Docker words and what notes of a date cannot say', async () => {
    const kb = await bundledKnowledge();
    for (const q of ['git 怎么把两个 commit 合并', 'how much does a 20ft shipping container cost', 'docker 最新版本是多少']) expect(kb.ask(q).answered, q).toBe(false);
  });

  it('is not sure which of two sections giving the same command is meant, and offers the other', async () => {
    // docker images is both in the command list and in the demo
    const answer = (await bundledKnowledge()).ask('how do I see the images on my machine');
    expect(answer.answered).toBe(true);
    expect(answer.answer).toContain('docker images');
    expect(answer.bestGuess).toBe(true);
    expect(answer.suggestions).toContain('Common commands');
  });

  it('is not sure when two sections nearly tie, and offers the other', async () => {
    const answer = (await bundledKnowledge()).ask('docker 跑起来咋看');
    expect(answer.answered).toBe(true);
    expect(answer.bestGuess).toBe(true);
    expect(answer.confidence).toBeLessThan(CONFIDENT_THRESHOLD);
    expect(answer.suggestions.length).toBeGreaterThan(0);
  });
});

describe('explain and topics', () => {
  it('explains a term from the section about it, in the term’s language or the one asked for', async () => {
    const kb = await bundledKnowledge();
    expect(kb.explain('image')).toMatchObject({ answered: true, source: { heading: 'Docker 基本概念 › 镜像' }, answer: expect.stringMatching(/^A Docker image is a special filesystem/) });
    expect(kb.explain('image', { lang: 'zh' }).answer).toMatch(/^Docker 镜像是一个特殊的文件系统/);
    expect(kb.explain('仓库').source?.heading).toBe('Docker 基本概念 › 仓库');
    expect(kb.explain('Dockerfile').source?.heading).toBe('Demo › 构建镜像 › Docker file');
    expect(kb.explain('commit').answer).toContain('black-box');
    expect(kb.explain('croissant')).toMatchObject({ answered: false, answer: null });
  });

  it('lists every notes section with its English title', async () => {
    const topics = (await bundledKnowledge()).topics();
    expect(topics).toHaveLength(14);
    expect(topics).toContainEqual({
      heading: 'Docker 基本概念 › 容器',
      file: 'docker-notes.zh.md',
      titles: { zh: 'Docker 基本概念 › 容器', en: 'Basic concepts › Container' },
    });
  });
});

describe('reload', () => {
  let cleanup = (): void => undefined;
  let kb: NotesKnowledgeBase | undefined;
  afterEach(() => {
    vi.restoreAllMocks();
    kb?.close();
    cleanup();
  });

  const team = (): ReturnType<typeof notesDir> => {
    const notes = notesDir({
      'deploys.md': '# Deploys\nWe deploy the docker images on Friday afternoons.\n',
      'volumes.md': '# Volumes\nDocker volumes keep container data across restarts.\n',
    });
    cleanup = notes.cleanup;
    return notes;
  };

  it('picks up edits, and a broken file is reported while the rest keeps answering', async () => {
    const notes = team();
    kb = await NotesKnowledgeBase.open({ dirs: [notes.dir], log: silent });
    expect(kb.ask('When do we deploy docker images?').answer).toContain('Friday');

    notes.write('deploys.md', '# Deploys\nWe deploy the docker images on Monday mornings.\n');
    notes.write('broken.md', '---\ntitle: [oops\n---\n# Broken\n');
    const report = await kb.reload();
    expect(report).toEqual({ files: 2, sections: 2, problems: [{ file: 'broken.md', message: expect.stringContaining('front matter is not valid YAML') }] });
    expect(kb.ask('When do we deploy docker images?').answer).toContain('Monday');
    expect(kb.ask('What do docker volumes keep?').answered).toBe(true);
  });

  it('reloads by itself when a notes file changes, if asked to watch', async () => {
    const notes = team();
    kb = await openKnowledgeBase({ dirs: [notes.dir], log: silent, watch: true });
    notes.write('deploys.md', '# Deploys\nWe deploy the docker images on Tuesday evenings.\n');
    await vi.waitFor(() => expect(kb?.ask('When do we deploy docker images?').answer).toContain('Tuesday'), { timeout: 5000, interval: 100 });
  });

  it('runs one reload at a time and still sees the latest files', async () => {
    const notes = team();
    kb = await NotesKnowledgeBase.open({ dirs: [notes.dir], log: silent });
    // The first reload reads the directory, then is held before it finishes: the file written
    // meanwhile can only be seen by a reload that starts after it, which is what the queue is for.
    const events: string[] = [];
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstRead = (): void => undefined;
    const read = new Promise<void>((resolve) => (firstRead = resolve));
    const load = NotesLoader.prototype.load;
    let calls = 0;
    vi.spyOn(NotesLoader.prototype, 'load').mockImplementation(async function (this: NotesLoader, dirs) {
      const call = ++calls;
      events.push(`start ${call}`);
      const loaded = await load.call(this, dirs);
      if (call === 1) {
        firstRead();
        await held;
      }
      events.push(`end ${call}`);
      return loaded;
    });

    const first = kb.reload();
    await read;
    notes.write('extra.md', '# Extra\nMore docker notes.\n');
    const second = kb.reload();
    expect(kb.reload()).toBe(second); // asked again while queued: the same pending reload
    release();
    expect(await first).toMatchObject({ files: 2, sections: 2 });
    expect(await second).toMatchObject({ files: 3, sections: 3 });
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    expect(kb.topics()).toHaveLength(3);
  });
});
