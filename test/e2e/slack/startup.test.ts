// Start-up says plainly what is wrong, and the ack never waits for the engine.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlack } from '../../../src/adapters/slack/index.js';
import { loadConfig } from '../../../src/config.js';
import { createApp } from '../../../src/main.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, startHarness, type SlackHarness } from './harness.js';

const silent = pino({ level: 'silent' });

function configFor(fake: FakeSlack, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-slack-start-'));
  return loadConfig({ DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKBOT_DATA_DIR: dir, SLACK_API_URL: fake.apiUrl, ...env }, dir);
}

describe('Slack start-up', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
  });
  afterAll(async () => fake.stop());

  const start = (env: Record<string, string>) => {
    const config = configFor(fake, env);
    return startSlack(createApp(config, silent), config, silent, { port: 0, retries: 0 });
  };

  it('names a bad bot token', async () => {
    fake.override('auth.test', () => ({ body: { ok: false, error: 'invalid_auth' } }), 1);
    await expect(start({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET })).rejects.toThrow(/SLACK_BOT_TOKEN is not valid \(invalid_auth\)/);
  });

  it('names the scopes the token lacks', async () => {
    fake.scopes = 'commands,chat:write';
    try {
      await expect(start({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET })).rejects.toThrow(/lacks the scope\(s\) app_mentions:read, im:history, usergroups:read, users:read/);
    } finally {
      fake.scopes = 'commands,chat:write,app_mentions:read,im:history,usergroups:read,users:read';
    }
  });

  it('says that a signing secret or an app token is needed', async () => {
    await expect(start({ SLACK_BOT_TOKEN: BOT_TOKEN })).rejects.toThrow(/SLACK_APP_TOKEN \(Socket Mode.*or SLACK_SIGNING_SECRET \(HTTP mode/);
  });

  it('keeps trying when Slack is unreachable instead of giving up', async () => {
    const unreachable = new FakeSlack();
    await unreachable.start();
    const url = unreachable.apiUrl;
    await unreachable.stop();
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-slack-start-'));
    const config = loadConfig({ DOCKER_HOST: 'unix:///nonexistent/docker.sock', DOCKBOT_DATA_DIR: dir, SLACK_API_URL: url, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET }, dir);
    const running = await startSlack(createApp(config, silent), config, silent, { port: 0, retries: 0, reconnectMs: 60_000 });
    let settled = false;
    void running.ready.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    await running.stop();
  });
});

describe('Slack ack while the engine hangs', () => {
  let h: SlackHarness;
  let engine: Server;
  const held: Socket[] = [];
  let requests = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-hang-'));
    const socket = join(dir, 'docker.sock');
    // Takes the connection and the request, and never answers.
    engine = createServer((s) => {
      held.push(s);
      s.once('data', () => requests++);
    });
    await new Promise<void>((r) => engine.listen(socket, r));
    h = await startHarness({ dockerHost: `unix://${socket}` });
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    engine.close();
    await h?.stop();
  });

  it('acks `/docker ps` within 3 s, and the answer still comes when the engine gives up', async () => {
    const { answer, responseUrl } = await h.slash('ps -a', 'UVIEW');
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    await h.fake.waitFor(() => requests > 0, 5000, 'the request to reach the engine');
    expect(h.fake.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    // The engine drops the connection: the requester hears about it (errors are theirs only).
    for (const s of held) s.destroy();
    const told = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseUrl.split('/').pop()));
    expect(told.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(told.body)).toMatch(/engine/i);
  });
});
