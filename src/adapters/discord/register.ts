// `dockbot register-commands [--guild ID]`: an explicit step, never on start. Compares what
// Discord has with the schema derived from the specs and writes only when they differ.
import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { Command } from '../../core/command.js';
import { buildSlashSchema, type SlashCommand } from './schema.js';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiUrl?: string;
  /** A guild for instant updates while developing; global otherwise (Discord may take a while). */
  guildId?: string;
  commands: readonly Command[];
  /** Commands that get the `host` option (those that talk to an engine). */
  takesHost?: (command: Command) => boolean;
}

export interface RegisterResult {
  scope: string;
  /** The commands registered: `/docker`, `/swarm`. */
  names: string[];
  /** One line per change (`+ /docker ps`, `~ /docker logs`, `- /deploy`); empty when up to date. */
  changes: string[];
  written: boolean;
}

/** A problem the person running the command can fix: printed as it is, exit code 1. */
export class RegisterError extends Error {
  override name = 'RegisterError';
}

type Json = Record<string, unknown>;

/**
 * The fields we set, with Discord's defaults filled in, so that what Discord returns (ids,
 * versions, localisations, defaults) compares equal to what we would send.
 */
function normalise(option: Json): Json {
  const out: Json = { type: option.type ?? 1, name: option.name, description: option.description ?? '' };
  if (option.required) out.required = true;
  if (option.autocomplete) out.autocomplete = true;
  const choices = option.choices as Json[] | undefined;
  if (choices?.length) out.choices = choices.map((c) => ({ name: c.name, value: c.value }));
  const options = option.options as Json[] | undefined;
  if (options?.length) out.options = options.map(normalise);
  return out;
}

/** Every subcommand (and group) of a command with its definition, for a readable list of changes. */
function paths(command: Json): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, node: Json): void => {
    const children = ((node.options as Json[] | undefined) ?? []).filter((o) => o.type === 1 || o.type === 2);
    // A leaf with its options; a level with subcommands by its own fields only.
    out.set(prefix, JSON.stringify(children.length ? { ...node, options: undefined } : node));
    for (const child of children) walk(`${prefix} ${String(child.name)}`, child);
  };
  walk(`/${String(command.name)}`, command);
  return out;
}

export function describeChanges(registered: readonly Json[], wanted: readonly Json[]): string[] {
  const changes: string[] = [];
  const before = new Map(registered.map((c) => [String(c.name), normalise(c)]));
  const after = new Map(wanted.map((c) => [String(c.name), normalise(c)]));
  for (const [name, command] of after) {
    const old = before.get(name);
    if (!old) {
      changes.push(`+ /${name}`);
      continue;
    }
    const was = paths(old);
    const now = paths(command);
    for (const [path, definition] of now) {
      if (!was.has(path)) changes.push(`+ ${path}`);
      else if (was.get(path) !== definition) changes.push(`~ ${path}`);
    }
    for (const path of was.keys()) if (!now.has(path)) changes.push(`- ${path}`);
  }
  // Registration replaces the application's whole list: commands not ours go away, and say so.
  for (const name of before.keys()) if (!after.has(name)) changes.push(`- /${name}`);
  return changes;
}

export async function registerCommands(options: RegisterOptions): Promise<RegisterResult> {
  const rest = new REST({ ...(options.apiUrl ? { api: options.apiUrl.replace(/\/+$/, '') } : {}), retries: 1, timeout: 15_000 }).setToken(options.token);
  const route = options.guildId ? Routes.applicationGuildCommands(options.applicationId, options.guildId) : Routes.applicationCommands(options.applicationId);
  const scope = options.guildId ? `guild ${options.guildId}` : 'global';
  const wanted: SlashCommand[] = buildSlashSchema(options.commands, options.takesHost ? { takesHost: options.takesHost } : {}).commands;
  try {
    const registered = (await rest.get(route)) as Json[];
    const changes = describeChanges(registered, wanted as unknown as Json[]);
    const names = wanted.map((c) => `/${c.name}`);
    if (changes.length === 0) return { scope, names, changes, written: false };
    await rest.put(route, { body: wanted });
    return { scope, names, changes, written: true };
  } catch (err) {
    throw explain(err, options);
  }
}

function explain(err: unknown, options: RegisterOptions): Error {
  if (err instanceof DiscordAPIError) {
    if (err.status === 401) return new RegisterError('Discord refused DISCORD_TOKEN (401 Unauthorized): use the bot token from the Developer Portal, Bot page');
    if (err.status === 403) {
      return new RegisterError(
        options.guildId
          ? `Discord refused to register in guild ${options.guildId} (403): invite the bot to it with the applications.commands scope`
          : 'Discord refused the registration (403): check that DISCORD_APPLICATION_ID is this bot\'s application',
      );
    }
    if (err.status === 404) return new RegisterError(`Discord does not know application ${options.applicationId}${options.guildId ? ` or guild ${options.guildId}` : ''} (404): check DISCORD_APPLICATION_ID and --guild`);
    if (err.status === 400) return new RegisterError(`Discord rejected the command definition (400): ${err.message}`);
    return new RegisterError(`Discord answered ${err.status}: ${err.message}`);
  }
  const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || (err as Error).name === 'AbortError') {
    return new RegisterError(`cannot reach Discord${options.apiUrl ? ` at ${options.apiUrl}` : ''} (${code ?? 'timeout'}): check the network or DISCORD_API_URL`);
  }
  return err as Error;
}
