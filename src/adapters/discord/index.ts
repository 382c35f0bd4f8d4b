// Starting the Discord adapter from the configuration: `startDiscord(app, config, log)`.
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { App } from '../../main.js';
import { Completer, engineNames } from './autocomplete.js';
import { DiscordBot } from './bot.js';

export { DiscordBot, createDiscordClient } from './bot.js';

export async function startDiscord(app: App, config: Config, log: Logger): Promise<DiscordBot> {
  const token = config.discord.token;
  if (!token) throw new Error('DISCORD_TOKEN is not set');
  const bot = new DiscordBot({
    dispatcher: app.dispatcher,
    commands: app.dispatcher.commands,
    completer: new Completer(engineNames(() => app.services.docker.engine)),
    log,
    mentions: config.discord.mentions,
    ...(config.discord.apiUrl ? { apiUrl: config.discord.apiUrl } : {}),
  });
  await bot.start(token);
  return bot;
}
