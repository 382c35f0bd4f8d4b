// Discord: time from INTERACTION_CREATE on the gateway to the defer callback on REST, through
// dockbot's adapter (real dispatcher, `ps` on the engine) and through a bare discord.js client
// that only defers, alternating the two against loopback fakes in the same run; RSS idle and after.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import pino from 'pino';
import { Completer, engineNames } from '../src/adapters/discord/autocomplete.js';
import { DiscordBot } from '../src/adapters/discord/bot.js';
import { startSlack } from '../src/adapters/slack/index.js';
import { loadConfig } from '../src/config.js';
import { createApp, type App } from '../src/main.js';
import { FakeDiscord } from '../test/fakes/discord/fake-discord.js';
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { slashCommand } from '../test/fakes/slack/signed.js';
import { median, percentile, round } from './stats.js';

const MB = 1024 * 1024;
const user = { user: { id: '100000000000000001', username: 'bench' } };

/** Sends one `/docker ps` and resolves with the ms until its defer callback (and, if asked, its edit). */
async function once(discord: FakeDiscord, waitForEdit: boolean): Promise<{ defer: number; final?: number }> {
  const sent = performance.now();
  const interaction = discord.slash('ps', [], user);
  const token = `/${String(interaction.token)}/`;
  const deferred = () => discord.calls.find((c) => c.path.includes(token) && c.path.endsWith('/callback'));
  await discord.waitFor(() => deferred() !== undefined, 10_000, 'the defer callback');
  const defer = (deferred()?.at ?? NaN) - sent;
  if (!waitForEdit) return { defer };
  const edited = () => discord.calls.find((c) => c.path.includes(token) && c.method === 'PATCH');
  await discord.waitFor(() => edited() !== undefined, 10_000, 'the edit');
  return { defer, final: (edited()?.at ?? NaN) - sent };
}

const rssMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return round(process.memoryUsage().rss / MB, 1);
};

/** The Slack adapter joins the same app: RSS with both chat adapters connected, idle and after `requests` signed `/docker ps`. */
async function withSlackToo(app: App, dockerHost: string, dataDir: string, requests: number): Promise<Record<string, number>> {
  const fake = await new FakeSlack().start();
  const secret = 'bench-signing-secret';
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: fake.apiUrl }, dataDir);
  const slack = await startSlack(app, config, pino({ level: 'silent' }), { port: 0, retries: 0 });
  try {
    const url = `http://127.0.0.1:${slack.port ?? 0}/slack/events`;
    const rssIdle = rssMb();
    for (let i = 0; i < requests; i++) {
      const answer = await slashCommand(url, secret, { text: 'ps', userId: 'UBENCH', responseUrl: fake.responseUrl() });
      if (answer.status !== 200) throw new Error(`Slack bench: /docker ps answered ${answer.status}`);
    }
    return { slack_requests: requests, rss_both_adapters_idle_mb: rssIdle, rss_both_adapters_after_mb: rssMb(), rss_both_after_vs_idle_ratio: round(rssMb() / rssIdle) };
  } finally {
    await slack.stop();
    await fake.stop();
  }
}

export async function benchDiscord(dockerHost: string, interactions = 500): Promise<Record<string, number | string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-bench-discord-'));
  const ours = await new FakeDiscord().start();
  const bare = await new FakeDiscord().start();
  const config = loadConfig({ DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: dataDir, DISCORD_TOKEN: ours.token, DISCORD_API_URL: ours.apiUrl }, dataDir);
  const log = pino({ level: 'silent' });
  const app = createApp(config, log);
  const rssBefore = rssMb();
  const bot = new DiscordBot({
    dispatcher: app.dispatcher,
    commands: app.dispatcher.commands,
    completer: new Completer(engineNames(() => app.services.docker.engine)),
    log,
    apiUrl: ours.apiUrl,
  });
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: bare.apiUrl } });
  client.on(Events.InteractionCreate, (i) => {
    if (i.isChatInputCommand()) void i.deferReply().catch(() => undefined);
  });
  try {
    await bot.start(ours.token);
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(bare.token);
    await ready;
    // Warm both paths (connections, JIT) before measuring.
    for (let i = 0; i < 20; i++) {
      await once(ours, true);
      await once(bare, false);
    }
    const rssIdle = rssMb();
    const defers = { ours: [] as number[], bare: [] as number[] };
    const finals: number[] = [];
    for (let i = 0; i < interactions; i++) {
      const a = await once(ours, true);
      defers.ours.push(a.defer);
      finals.push(a.final as number);
      defers.bare.push((await once(bare, false)).defer);
    }
    const rssAfter = rssMb();
    const both = await withSlackToo(app, dockerHost, dataDir, interactions);
    return {
      interactions,
      defer_p50_ms: round(median(defers.ours)),
      defer_p99_ms: round(percentile(defers.ours, 99)),
      bare_defer_p50_ms: round(median(defers.bare)),
      bare_defer_p99_ms: round(percentile(defers.bare, 99)),
      defer_p99_vs_bare_ratio: round(percentile(defers.ours, 99) / percentile(defers.bare, 99)),
      defer_p50_vs_bare_ratio: round(median(defers.ours) / median(defers.bare)),
      ps_final_edit_p50_ms: round(median(finals)),
      ps_final_edit_p99_ms: round(percentile(finals, 99)),
      rss_before_adapters_mb: rssBefore,
      rss_idle_connected_mb: rssIdle,
      rss_after_run_mb: rssAfter,
      rss_idle_vs_before_ratio: round(rssIdle / rssBefore),
      ...both,
      rss_note: 'one process: the app, the Discord adapter, a bare discord.js client and (for the last three figures) the Slack adapter connected, with their loopback fakes',
    };
  } finally {
    await bot.stop();
    await client.destroy();
    await ours.stop();
    await bare.stop();
  }
}
