// Slack: 500 signed `/docker ps` on loopback into the bot (real Bolt, dispatcher, engine), against
// a Bolt app whose handler only acks, in the same run and alternating with it. Ack latency is
// what Slack's 3 s is about; time to the final message is the whole answer. Slack's side (the
// fake Web API and the load generator, bench/slack-client.ts) runs in a process of its own, as
// Slack does. RSS is this process's: the bot (and the tiny baseline app) idle and after the run.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import { startSlack } from '../src/adapters/slack/index.js';
import { loadConfig } from '../src/config.js';
import { HttpServer } from '../src/http/server.js';
import { createApp } from '../src/main.js';
import type { ClientMessage, ClientRun } from './slack-client.js';
import { median, percentile, round } from './stats.js';

const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';
const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);

/** The baseline: Bolt's own HTTP receiver and an ack, nothing else. */
async function bareBolt(log: pino.Logger): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events' });
  const app = new App({ token: TOKEN, botId: 'BBENCH', botUserId: 'UBOTBENCH', tokenVerificationEnabled: false, receiver });
  app.command('/docker', async ({ ack }) => ack());
  const http = new HttpServer(log);
  http.route(['POST'], '/slack/events', receiver.requestListener);
  const port = await http.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/slack/events`, close: () => http.close() };
}

function slackSide(): { child: ChildProcess; next(): Promise<ClientMessage> } {
  // The same runner as `npm run bench`, so the TypeScript fake runs as it does in the tests.
  const viteNode = join(dirname(createRequire(import.meta.url).resolve('vite-node/package.json')), 'vite-node.mjs');
  const child = fork(viteNode, [join(import.meta.dirname, 'slack-client.ts')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: ClientMessage[] = [];
  const waiters: Array<(m: ClientMessage) => void> = [];
  child.on('message', (m: ClientMessage) => {
    const waiter = waiters.shift();
    if (waiter) waiter(m);
    else queue.push(m);
  });
  child.on('exit', (code) => {
    if (code !== 0) for (const w of waiters.splice(0)) w({ type: 'error', message: `the Slack side exited with ${code}` });
  });
  return { child, next: () => new Promise((resolve) => (queue.length ? resolve(queue.shift() as ClientMessage) : waiters.push(resolve))) };
}

async function expect<T extends ClientMessage['type']>(side: ReturnType<typeof slackSide>, type: T): Promise<Extract<ClientMessage, { type: T }>> {
  const m = await side.next();
  if (m.type === 'error') throw new Error(`Slack benchmark: ${m.message}`);
  if (m.type !== type) throw new Error(`Slack benchmark: expected ${type}, got ${m.type}`);
  return m as Extract<ClientMessage, { type: T }>;
}

export async function benchSlack(dockerHost: string, requests = 500): Promise<Record<string, number>> {
  const log = pino({ level: 'silent' });
  const side = slackSide();
  const { apiUrl } = await expect(side, 'ready');
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-slack-'));
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dataDir, SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: apiUrl }, dataDir);
  const bot = await startSlack(createApp(config, log), config, log, { port: 0, retries: 0 });
  const bare = await bareBolt(log);
  try {
    const job: ClientRun = { type: 'run', botUrl: `http://127.0.0.1:${bot.port}/slack/events`, bareUrl: bare.url, secret: SECRET, requests, warmup: 20 };
    side.child.send(job);
    await expect(side, 'idle');
    global.gc?.();
    const rssIdle = process.memoryUsage().rss;
    const { botAck, bareAck, final } = await expect(side, 'done');
    const rssAfter = process.memoryUsage().rss;
    return {
      requests,
      ack_p50_ms: round(median(botAck)),
      ack_p99_ms: round(percentile(botAck, 99)),
      bare_bolt_ack_p50_ms: round(median(bareAck)),
      bare_bolt_ack_p99_ms: round(percentile(bareAck, 99)),
      ack_p50_vs_bare_ratio: round(median(botAck) / median(bareAck)),
      ack_p99_vs_bare_ratio: round(percentile(botAck, 99) / percentile(bareAck, 99)),
      final_message_p50_ms: round(median(final)),
      final_message_p99_ms: round(percentile(final, 99)),
      rss_idle_mb: mb(rssIdle),
      rss_after_mb: mb(rssAfter),
    };
  } finally {
    side.child.kill();
    await bot.stop();
    await bare.close();
  }
}
