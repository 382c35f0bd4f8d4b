// What a newcomer tripped over: the images count, a question typed where a command goes, and
// a valid reference that the engine refuses.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { plainText } from '../../src/core/reply.js';
import { createApp, type App } from '../../src/main.js';
import { startStandInEngine, type StandInEngine } from '../support/stand-in-engine.js';

const admin = { platform: 'shell', userId: 'newcomer', trustedRole: 'admin' as const };
let engine: StandInEngine;
let app: App;
let seq = 0;
const send = (text: string) => app.dispatcher.handle({ id: `new-${++seq}`, text, requester: admin });

beforeAll(async () => {
  engine = await startStandInEngine();
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-newcomer-'));
  app = createApp(loadConfig({ DOCKER_HOST: engine.dockerHost, DOCKBOT_DATA_DIR: dataDir }, dataDir), pino({ level: 'silent' }));
});
beforeEach(() => engine.behave(undefined));
afterAll(async () => engine?.close());

const image = (id: string, tags: string[]) => ({ Id: `sha256:${id.repeat(64).slice(0, 64)}`, ParentId: '', RepoTags: tags, RepoDigests: [], Created: 1_700_000_000, Size: 1000, SharedSize: -1, Labels: {}, Containers: -1 });

describe('images', () => {
  it('counts the rows it shows, and the images when they are fewer', async () => {
    engine.behave((req, res) => {
      if (!req.url?.includes('/images/json')) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([image('a', ['app:1', 'app:latest', 'team/app:1']), image('b', ['db:2']), image('c', ['cache:3'])]));
      return true;
    });
    const out = await send('images');
    expect(out.reply.title).toBe('5 rows: 3 images, one row per tag');
    expect(out.data).toHaveLength(5);
    engine.behave((req, res) => {
      if (!req.url?.includes('/images/json')) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([image('b', ['db:2'])]));
      return true;
    });
    expect((await send('images')).reply.title).toBe('1 image');
  });
});

describe('a question where a command is expected', () => {
  it.each(['what is a registry', '镜像和容器有什么区别?', 'how do I list containers?'])('%s is answered from the FAQ, saying so', async (line) => {
    const out = await send(line);
    expect(out.command).toBe('ask');
    expect(out.ok).toBe(true);
    expect(plainText(out.reply)).toContain('taken as a question');
  });

  it.each([
    ['pul busybox', 'pull'],
    ['ps?', 'ps'],
    ['imagse', 'images'],
  ])('the near-miss %s keeps its did-you-mean', async (line, guess) => {
    const out = await send(line);
    expect(out.error).toMatchObject({ code: 'usage', message: expect.stringContaining('unknown command') });
    expect(out.error?.hint).toContain(`\`${guess}\``);
  });
});

describe('pull --dry-run of a reference the engine refuses', () => {
  it('says the engine refused it, with its version, not that the image is missing', async () => {
    engine.behave((req, res) => {
      if (!req.url?.includes('/images/')) return false;
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'no such image: [::1]:5000/x:latest: invalid reference format' }));
      return true;
    });
    const out = await send('pull --dry-run [::1]:5000/x');
    expect(out.error?.code).toBe('invalid_reference');
    expect(out.error?.message).toContain('the engine (Docker 24.0.0-standin, API 1.43) refused the reference [::1]:5000/x:latest');
    expect(out.error?.message).not.toMatch(/^no such image/);
  });
});
