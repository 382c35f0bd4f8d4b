// The real discord.js client, the real dispatcher and the private engine, against the loopback
// fake Discord: what a Discord user's request goes through, end to end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../src/config.js';
import { createApp, type App } from '../../../src/main.js';
import { Completer, completersByEngine, engineNames } from '../../../src/adapters/discord/autocomplete.js';
import { DiscordBot } from '../../../src/adapters/discord/bot.js';
import { takesHost } from '../../../commands/index.js';
import { dockerHost } from '../../support/engine.js';
import { FakeDiscord, type RestCall } from '../../fakes/discord/fake-discord.js';

export interface Harness {
  discord: FakeDiscord;
  bot: DiscordBot;
  app: App;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startHarness(yaml = '', options: { mentions?: boolean } = {}): Promise<Harness> {
  const discord = await new FakeDiscord().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-discord-'));
  const file = join(dataDir, 'dockbot.yaml');
  writeFileSync(file, yaml);
  const config = loadConfig(
    { DOCKER_HOST: dockerHost, DOCKBOT_CONFIG: file, DOCKBOT_DATA_DIR: dataDir, DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl },
    dataDir,
  );
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = createApp(config, log);
  const bot = new DiscordBot({
    dispatcher: app.dispatcher,
    commands: app.dispatcher.commands,
    completer: new Completer(engineNames(() => app.services.docker.engine)),
    takesHost,
    engineNames: () => app.dispatcher.engineNames?.names ?? [],
    completerFor: completersByEngine((name) => (app.services.engines?.names.includes(name) ? app.services.engines.get(name).engine : undefined)),
    log,
    apiUrl: discord.apiUrl,
    mentions: options.mentions ?? config.discord.mentions,
  });
  await bot.start(discord.token);
  return {
    discord,
    bot,
    app,
    dataDir,
    async stop() {
      await bot.stop();
      await discord.stop();
    },
  };
}

/** The PATCHes of @original for one interaction, bodies parsed. */
export const edits = (discord: FakeDiscord, interaction: Record<string, unknown>): RestCall[] =>
  discord.callsFor(interaction).filter((c) => c.method === 'PATCH' && c.path.endsWith('/messages/%40original'));

export const callback = (discord: FakeDiscord, interaction: Record<string, unknown>): RestCall | undefined =>
  discord.callsFor(interaction).find((c) => c.method === 'POST' && c.path.endsWith('/callback'));

interface Body {
  content?: string;
  embeds?: Array<{ title?: string; description?: string; fields?: Array<{ name: string; value: string }>; footer?: { text: string } }>;
  components?: Array<{ components: Array<{ custom_id: string; label: string }> }>;
  allowed_mentions?: unknown;
  flags?: number;
}

export const bodyOf = (call: RestCall | undefined): Body => (call?.body ?? {}) as Body;
/** All the text a message shows. */
export const textOf = (call: RestCall | undefined): string => {
  const b = bodyOf(call);
  return [b.content ?? '', ...(b.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text ?? ''])].join('\n');
};
export const buttonsOf = (call: RestCall | undefined): Array<{ custom_id: string; label: string }> => (bodyOf(call).components ?? []).flatMap((r) => r.components);
