// Starting the Discord adapter from the configuration: `startDiscord(app, config, log)`.
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { App } from '../../main.js';
import { Completer, completersByEngine, engineNames } from './autocomplete.js';
import { DiscordBot } from './bot.js';
import { takesHost } from '../../../commands/index.js';

export { DiscordBot, createDiscordClient } from './bot.js';

export async function startDiscord(app: App, config: Config, log: Logger): Promise<DiscordBot> {
  const token = config.discord.token;
  if (!token) throw new Error('DISCORD_TOKEN is not set');
  const bot = new DiscordBot({
    dispatcher: app.dispatcher,
    commands: app.dispatcher.commands,
    completer: new Completer(engineNames(() => app.services.docker.engine)),
    takesHost,
    engineNames: () => app.dispatcher.engineNames?.names ?? [],
    completerFor: completersByEngine((name) => (app.services.engines?.names.includes(name) ? app.services.engines.get(name).engine : undefined)),
    log,
    mentions: config.discord.mentions,
    ...(config.discord.apiUrl ? { apiUrl: config.discord.apiUrl } : {}),
  });
  await bot.start(token);
  // Team notifications addressed to `discord:<channel>` go out through the bot; /healthz sees the gateway.
  app.notifications.notifier.register({ platform: 'discord', post: (channelId, reply) => bot.postToChannel(channelId, reply) });
  app.notifications.addHealthProbe({ name: 'discord', check: () => (bot.connected ? undefined : 'the Discord gateway is not connected') });
  return bot;
}
