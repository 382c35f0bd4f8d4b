// Slack: 500 signed `/docker ps` on loopback into the bot (real Bolt, dispatcher, engine), against
// a Bolt app whose handler only acks, in the same run. Ack latency is what Slack's 3 s is about;
// time to the final message is the whole answer. RSS of the process with the bot idle and after.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import { startSlack } from '../src/adapters/slack/index.js';
import { loadConfig } from '../src/config.js';
import { HttpServer } from '../src/http/server.js';
import { createApp } from '../src/main.js';
import { BOT_ID, BOT_USER_ID, FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { slashCommand } from '../test/fakes/slack/signed.js';
import { median, percentile, round } from './stats.js';

const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';
const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);

/** The baseline: Bolt's own HTTP receiver and an ack, nothing else. */
async function bareBolt(log: pino.Logger): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events' });
  const app = new App({ token: TOKEN, botId: BOT_ID, botUserId: BOT_USER_ID, tokenVerificationEnabled: false, receiver });
  app.command('/docker', async ({ ack }) => ack());
  const http = new HttpServer(log);
  http.route(['POST'], '/slack/events', receiver.requestListener);
  const port = await http.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/slack/events`, close: () => http.close() };
}

export async function benchSlack(dockerHost: string, requests = 500): Promise<Record<string, number>> {
  const log = pino({ level: 'silent' });
  const fake = await new FakeSlack().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-slack-'));
  const config = loadConfig(
    { DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dataDir, SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'silent' },
    dataDir,
  );
  const bot = await startSlack(createApp(config, log), config, log, { port: 0, retries: 0 });
  const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  const bare = await bareBolt(log);

  // The final answer of request i is the post to its own channel.
  const waiting = new Map<string, () => void>();
  fake.listeners.add((call) => {
    const channel = call.method === 'chat.postMessage' ? String(call.body.channel) : undefined;
    if (channel) waiting.get(channel)?.();
  });
  const answered = (channel: string): Promise<void> => new Promise((resolve) => waiting.set(channel, resolve));

  const send = (url: string, channelId: string) => slashCommand(url, SECRET, { text: 'ps', userId: 'UBENCH', channelId, responseUrl: fake.responseUrl() });
  // Warm both (JIT, connection to the engine, user caches) outside the figures.
  for (let i = 0; i < 20; i++) {
    const done = answered(`CWARM${i}`);
    await send(botUrl, `CWARM${i}`);
    await done;
    await send(bare.url, `CWARM${i}`);
  }
  global.gc?.();
  const rssIdle = process.memoryUsage().rss;

  const botAck: number[] = [];
  const bareAck: number[] = [];
  const final: number[] = [];
  for (let i = 0; i < requests; i++) {
    const channel = `CBENCH${i}`;
    const started = performance.now();
    const done = answered(channel);
    const ack = await send(botUrl, channel);
    if (ack.status !== 200) throw new Error(`the bot answered ${ack.status} in the Slack benchmark`);
    botAck.push(ack.ms);
    await done;
    final.push(performance.now() - started);
    waiting.delete(channel);
    const baseline = await send(bare.url, channel);
    if (baseline.status !== 200) throw new Error(`the bare Bolt app answered ${baseline.status}`);
    bareAck.push(baseline.ms);
  }
  const rssAfter = process.memoryUsage().rss;

  await bot.stop();
  await bare.close();
  await fake.stop();
  return {
    requests,
    ack_p50_ms: round(median(botAck)),
    ack_p99_ms: round(percentile(botAck, 99)),
    bare_bolt_ack_p50_ms: round(median(bareAck)),
    bare_bolt_ack_p99_ms: round(percentile(bareAck, 99)),
    ack_p99_vs_bare_ratio: round(percentile(botAck, 99) / percentile(bareAck, 99)),
    ack_p50_vs_bare_ratio: round(median(botAck) / median(bareAck)),
    final_message_p50_ms: round(median(final)),
    final_message_p99_ms: round(percentile(final, 99)),
    rss_idle_mb: mb(rssIdle),
    rss_after_mb: mb(rssAfter),
  };
}
