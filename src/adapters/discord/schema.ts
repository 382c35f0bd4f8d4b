// The `/docker` and `/swarm` slash commands, derived from the command specs (never written beside
// them), and the way back: a slash invocation becomes the same command line a terminal user would type.
import type { Command, OptionSpec, PositionalSpec } from '../../core/command.js';
import { DRY_RUN } from '../../core/args.js';
import { HOST_OPTION } from '../../core/dispatcher.js';
import { join as joinShellWords } from 'shlex';

/** Discord's application command option types (the subset we use). */
export const OptionType = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;

/** Discord's limits on command definitions. */
export const LIMITS = { entriesPerLevel: 25, optionsPerCommand: 25, description: 100, name: 32, choices: 25, totalCharacters: 8000 } as const;

export interface SlashChoice {
  name: string;
  value: string;
}

export interface SlashOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: SlashChoice[];
  options?: SlashOption[];
}

export interface SlashCommand {
  name: string;
  description: string;
  type: 1;
  options: SlashOption[];
}

/** What one leaf option stands for in the command line. */
export type OptionRole =
  | { kind: 'flag'; spec: OptionSpec; complete?: 'engine' }
  | { kind: 'positional'; spec: PositionalSpec; freeText: boolean }
  /** The `cli` subcommand's whole Docker CLI line. */
  | { kind: 'line' };

export interface SlashRoute {
  /** `ps`, `container prune`, `cli`. */
  path: string;
  /** Null for `cli`: the line names its own command. */
  command: Command | null;
  options: Map<string, OptionRole>;
}

export interface SlashSchema {
  /** `/docker`, then `/swarm` when there are Swarm commands. */
  commands: SlashCommand[];
  /** By subcommand path below any of the commands (`ps`, `image rm`, `service ls`): command names are unique. */
  routes: Map<string, SlashRoute>;
}

export const ROOT_NAME = 'docker';
/**
 * Swarm's groups get a command of their own: Discord allows 8000 characters of names and
 * descriptions per command, and /docker with them (and `host` on every subcommand) is over it.
 */
const ROOT_OF_GROUP: Readonly<Record<string, string>> = { service: 'swarm', node: 'swarm', stack: 'swarm' };
const ROOT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  docker: 'Docker commands and Docker questions',
  swarm: 'Docker Swarm: services, nodes and stacks',
};
export const CLI_SUBCOMMAND = 'cli';
const NAME_PATTERN = /^[-_\p{Ll}\p{N}]{1,32}$/u;

/** Discord descriptions are 1–100 characters. */
export function clip(text: string, max: number = LIMITS.description): string {
  const chars = [...text.trim()];
  if (chars.length === 0) return '-';
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function slashName(name: string, where: string): string {
  const lower = name.toLowerCase();
  if (!NAME_PATTERN.test(lower)) throw new Error(`${where}: "${name}" is not a valid Discord option name`);
  return lower;
}

/** A command's leaf: its options, required first (Discord requires that order). */
function leaf(command: Command, subName: string, path: string = subName, withHost = false): { option: SlashOption; route: SlashRoute } {
  const route: SlashRoute = { path, command, options: new Map() };
  const required: SlashOption[] = [];
  const optional: SlashOption[] = [];
  const add = (option: SlashOption, role: OptionRole): void => {
    if (route.options.has(option.name)) throw new Error(`${command.name}: two options are named "${option.name}"`);
    route.options.set(option.name, role);
    (option.required ? required : optional).push(option);
  };
  for (const p of command.positionals ?? []) {
    // Lists of containers or images (`stop a b`); other variadic words are one phrase (`help image rm`).
    const several = p.variadic && p.complete ? ' (several: separate with spaces)' : '';
    add(
      {
        type: OptionType.String,
        name: slashName(p.name, command.name),
        description: clip(p.description + several),
        ...(p.required ? { required: true } : {}),
        ...(p.complete ? { autocomplete: true } : {}),
      },
      { kind: 'positional', spec: p, freeText: command.freeText === true },
    );
  }
  const flags = [...command.options.filter((o) => !o.hidden), ...(command.mutating ? [DRY_RUN] : [])];
  for (const o of flags) {
    const choices = choicesOf(o);
    add(
      {
        type: o.type === 'boolean' ? OptionType.Boolean : o.type === 'number' ? OptionType.Number : OptionType.String,
        name: slashName(o.name, command.name),
        description: clip(o.description),
        ...(choices ? { choices: choices.map((c) => ({ name: c, value: c })) } : {}),
      },
      { kind: 'flag', spec: o },
    );
  }
  // `--host NAME`: the configured engines, offered by autocomplete (registration is once; the
  // engines are the running bot's). A short description: it repeats on most subcommands, and
  // Discord allows 8000 characters of names and descriptions per command.
  if (withHost) {
    add(
      { type: OptionType.String, name: HOST_OPTION.name, description: 'Engine to use', autocomplete: true },
      { kind: 'flag', spec: HOST_OPTION, complete: 'engine' },
    );
  }
  const options = [...required, ...optional];
  if (options.length > LIMITS.optionsPerCommand) {
    throw new Error(`${command.name}: ${options.length} options, Discord allows ${LIMITS.optionsPerCommand} per subcommand`);
  }
  return { option: { type: OptionType.Subcommand, name: subName, description: clip(command.summary), ...(options.length ? { options } : {}) }, route };
}

/** Fixed values of a string option, where the spec names them. */
function choicesOf(o: OptionSpec): readonly string[] | undefined {
  const choices = o.choices;
  return o.type === 'string' && choices && choices.length > 0 && choices.length <= LIMITS.choices ? choices : undefined;
}

/** Kept at the top level of /docker whatever else there is: what people type most (the notes' own list). */
export const PINNED_TOP_LEVEL: ReadonlySet<string> = new Set(['ps', 'images', 'pull', 'run', 'logs', 'build', 'ask', 'help']);

/** Docker's management groups: a command with such an alias (`container stop`) sits in its group. */
const MANAGEMENT_GROUP = /^(container|image|system) [a-z]+$/;

/**
 * Where a command sits in /docker, as its words: `[ps]`, `[container, stop]`, `[image, rm]`.
 * Pinned commands stay at the top; other one-word commands with a Docker management alias go to
 * that group (there are more commands than Discord's 25 entries a level); two-word commands keep
 * their words.
 */
function placement(command: Command): string[] {
  const words = command.name.split(' ');
  if (words.length !== 1 || PINNED_TOP_LEVEL.has(command.name)) return words;
  const managed = command.aliases?.find((a) => MANAGEMENT_GROUP.test(a));
  return managed ? managed.split(' ') : words;
}

/**
 * `/docker` (and `/swarm` for Swarm's groups): subcommands and groups placed as `placement` says, and `cli line:"…"`
 * for any Docker CLI line (variadic `run IMAGE CMD…`, repeated `-e`/`-p`). A group whose name is
 * also a top-level command (`build` and `build cancel`) cannot exist on Discord: its commands are
 * top-level as `build-cancel`. Throws when Discord's limits would reject the result: the test
 * over every command catches it.
 */
export function buildSlashSchema(commands: readonly Command[], options: { takesHost?: (command: Command) => boolean } = {}): SlashSchema {
  const withHost = options.takesHost ?? (() => false);
  const routes = new Map<string, SlashRoute>();
  const roots = new Map<string, { top: SlashOption[]; groups: Map<string, SlashOption> }>();
  const rootLevel = (name: string) => {
    let level = roots.get(name);
    if (!level) roots.set(name, (level = { top: [], groups: new Map() }));
    return level;
  };
  rootLevel(ROOT_NAME);
  const placed = commands.map((command) => ({ command, words: placement(command) }));
  const topNames = new Set(placed.filter((p) => p.words.length === 1).map((p) => p.words[0] as string));
  for (const { command, words } of placed) {
    if (words.length > 2) throw new Error(`"${command.name}": command names have one or two words`);
    const [first, second] = words.map((w) => slashName(w, command.name)) as [string, string | undefined];
    if (second === undefined || topNames.has(first)) {
      const { option, route } = leaf(command, second === undefined ? first : `${first}-${second}`, undefined, withHost(command));
      rootLevel(ROOT_NAME).top.push(option);
      routes.set(route.path, route);
      continue;
    }
    const { top, groups } = rootLevel(ROOT_OF_GROUP[first] ?? ROOT_NAME);
    let group = groups.get(first);
    if (!group) {
      group = { type: OptionType.SubcommandGroup, name: first, description: clip(`${first} commands`), options: [] };
      groups.set(first, group);
      top.push(group);
    }
    const { option, route } = leaf(command, second, `${first} ${second}`, withHost(command));
    group.options?.push(option);
    routes.set(route.path, route);
  }
  rootLevel(ROOT_NAME).top.push({
    type: OptionType.Subcommand,
    name: CLI_SUBCOMMAND,
    description: 'Any command as Docker CLI text, e.g. run -d -p 5000:5000 demo:v1',
    options: [{ type: OptionType.String, name: 'line', description: 'The command line, e.g. "ps -a" or "run -e A=1 -p 80:80 nginx"', required: true }],
  });
  routes.set(CLI_SUBCOMMAND, { path: CLI_SUBCOMMAND, command: null, options: new Map([['line', { kind: 'line' }]]) });

  const slashCommands: SlashCommand[] = [];
  for (const [name, { top, groups }] of roots) {
    for (const level of [top, ...[...groups.values()].map((g) => g.options ?? [])]) {
      if (level.length > LIMITS.entriesPerLevel) {
        throw new Error(`${level.length} subcommands at one level of /${name}; Discord allows ${LIMITS.entriesPerLevel}`);
      }
      const names = level.map((o) => o.name);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) throw new Error(`/${name}: "${twice}" twice at one level`);
    }
    const command: SlashCommand = { name, description: ROOT_DESCRIPTIONS[name] ?? `${name} commands`, type: 1, options: top };
    const characters = charactersOf(command);
    if (characters > LIMITS.totalCharacters) {
      throw new Error(`/${name}: ${characters} characters of names and descriptions; Discord allows ${LIMITS.totalCharacters} per command`);
    }
    slashCommands.push(command);
  }
  return { commands: slashCommands, routes };
}

/** What Discord counts against its 8000 per command: names, descriptions and choices, all levels. */
export function charactersOf(command: SlashCommand): number {
  const count = (o: { name: string; description: string; choices?: SlashChoice[]; options?: SlashOption[] }): number =>
    [...o.name].length +
    [...o.description].length +
    (o.choices ?? []).reduce((n, c) => n + [...c.name].length + [...c.value].length, 0) +
    (o.options ?? []).reduce((n, child) => n + count(child), 0);
  return count(command);
}

/** An option value as discord.js hands it over. */
export interface GivenOption {
  name: string;
  value?: string | number | boolean;
}

/**
 * The command line a slash invocation stands for, quoted as a shell would so the dispatcher's
 * one parser reads it: `ps all:true` -> `ps --all`; `start container:"a b"` -> `start a b`.
 */
export function commandLineOf(route: SlashRoute, given: readonly GivenOption[]): string {
  if (!route.command) {
    const line = given.find((g) => g.name === 'line')?.value;
    return typeof line === 'string' ? line : '';
  }
  const words = route.command.name.split(' ');
  const flags: string[] = [];
  const positionals: string[] = [];
  let freeText = '';
  // Options in the order of the spec, not the order Discord sent them.
  for (const [name, role] of route.options) {
    const value = given.find((g) => g.name === name)?.value;
    if (value === undefined || role.kind === 'line') continue;
    if (role.kind === 'flag') {
      if (role.spec.type === 'boolean') {
        if (value === true) flags.push(`--${role.spec.name}`);
      } else {
        flags.push(`--${role.spec.name}`, String(value));
      }
    } else if (role.freeText) {
      freeText = String(value);
    } else if (role.spec.variadic) {
      positionals.push(...String(value).trim().split(/\s+/).filter(Boolean));
    } else {
      positionals.push(String(value));
    }
  }
  // `--` keeps a positional that starts with a dash from reading as a flag.
  const rest = positionals.some((p) => p.startsWith('-')) ? ['--', ...positionals] : positionals;
  const line = joinShellWords([...words, ...flags, ...rest]);
  return freeText ? `${line} ${freeText}` : line;
}
