// The slash schema is derived from the command specs: every command is reachable, every flag
// and argument is an option, Discord's limits hold, and an invocation reads back as the same
// command line the text parser understands.
import { describe, expect, it } from 'vitest';
import { commands, takesHost } from '../../../../commands/index.js';
import { parseCommandArgs, tokenize, DRY_RUN } from '../../../../src/core/args.js';
import { defineCommand, type Command } from '../../../../src/core/command.js';
import { reply } from '../../../../src/core/reply.js';
import { buildSlashSchema, charactersOf, commandLineOf, LIMITS, OptionType, type SlashOption } from '../../../../src/adapters/discord/schema.js';

const schema = buildSlashSchema(commands, { takesHost });
const docker = schema.commands.find((c) => c.name === 'docker')!;
/** The first level of every slash command together: subcommand paths are unique across them. */
const firstLevel = schema.commands.flatMap((c) => c.options);
const NAME = /^[-_\p{Ll}\p{N}]{1,32}$/u;

function walk(options: readonly SlashOption[], visit: (o: SlashOption, depth: number) => void, depth = 1): void {
  for (const o of options) {
    visit(o, depth);
    if (o.options) walk(o.options, visit, depth + 1);
  }
}

/** Every subcommand path the schema offers: `ps`, `container prune`, `cli`. */
function subcommandPaths(): string[] {
  const paths: string[] = [];
  for (const o of firstLevel) {
    if (o.type === OptionType.Subcommand) paths.push(o.name);
    if (o.type === OptionType.SubcommandGroup) for (const s of o.options ?? []) paths.push(`${o.name} ${s.name}`);
  }
  return paths;
}

/** The subcommand at a path: `ps` or `image rm`. */
function subcommand(path: string): SlashOption | undefined {
  const [first, second] = path.split(' ');
  const top = firstLevel.find((o) => o.name === first);
  return second === undefined ? top : top?.options?.find((o) => o.name === second);
}

const routeOf = (c: Command) => [...schema.routes.values()].find((r) => r.command === c);

const fake = (name: string): Command => defineCommand({ name, summary: `does ${name}`, options: [], access: 'read', run: async () => ({ ok: true, data: null, reply: reply([]) }) });

describe('slash schema from the command specs', () => {
  it('reaches every command by a subcommand of its own name or of its Docker management form', () => {
    const paths = subcommandPaths();
    // `stop` sits at `container stop` (its alias), `build cancel` at `build-cancel` (`build` is a command).
    const namesOf = (c: Command): string[] => [c.name, ...(c.aliases ?? []), c.name.replace(' ', '-')];
    const unreachable = commands.filter((c) => !paths.some((p) => namesOf(c).includes(p) && schema.routes.get(p)?.command === c));
    expect(unreachable.map((c) => c.name)).toEqual([]);
    // And nothing else: one route per command, plus `cli`.
    expect(paths.length).toBe(commands.length + 1);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('keeps the most used commands at the top level and the management groups as groups', () => {
    const top = docker.options.map((o) => `${o.type === OptionType.SubcommandGroup ? 'group ' : ''}${o.name}`);
    expect(top).toEqual(expect.arrayContaining(['ps', 'images', 'pull', 'run', 'logs', 'ask', 'help', 'cli', 'group container', 'group image', 'group system']));
    const group = (name: string) => docker.options.find((o) => o.name === name)?.options?.map((o) => o.name);
    expect(group('container')).toContain('prune');
    expect(group('image')).toEqual(expect.arrayContaining(['rm', 'prune']));
    // Swarm's groups are a command of their own, /swarm: /docker with them is over Discord's 8000 characters.
    expect(schema.commands.map((c) => c.name)).toEqual(['docker', 'swarm']);
    expect(schema.commands[1]?.options.map((o) => `${o.type === OptionType.SubcommandGroup ? 'group ' : ''}${o.name}`)).toEqual(['group service', 'group node', 'group stack']);
    expect(docker.options.some((o) => ['service', 'node', 'stack'].includes(o.name))).toBe(false);
  });

  it('offers every visible flag and argument of a command as a typed option', () => {
    for (const c of commands) {
      const route = routeOf(c);
      const expected = [...(c.positionals ?? []).map((p) => p.name), ...c.options.filter((o) => !o.hidden).map((o) => o.name), ...(c.mutating ? [DRY_RUN.name] : []), ...(takesHost(c) ? ['host'] : [])];
      expect({ command: c.name, options: [...(route?.options.keys() ?? [])].sort() }).toEqual({ command: c.name, options: expected.sort() });
    }
    const ps = subcommand('ps');
    expect(ps?.options?.find((o) => o.name === 'all')).toMatchObject({ type: OptionType.Boolean, description: commands.find((c) => c.name === 'ps')?.options[0]?.description });
    expect(ps?.options?.find((o) => o.name === 'last')?.type).toBe(OptionType.Number);
    // Strings with a fixed set of values are offered as Discord choices.
    expect(subcommand('inspect')?.options?.find((o) => o.name === 'type')?.choices).toEqual([
      { name: 'container', value: 'container' },
      { name: 'image', value: 'image' },
    ]);
  });

  it('marks every argument that completes a container or an image for autocomplete', () => {
    for (const c of commands) {
      for (const p of c.positionals ?? []) {
        const option = subcommand(routeOf(c)?.path ?? c.name)?.options?.find((o) => o.name === p.name);
        expect({ command: c.name, option: p.name, autocomplete: option?.autocomplete === true }).toEqual({ command: c.name, option: p.name, autocomplete: p.complete !== undefined });
      }
    }
  });

  it('offers `host` on every command that talks to an engine, autocompleted, and nowhere else', () => {
    for (const c of commands) {
      const host = subcommand(routeOf(c)?.path ?? c.name)?.options?.find((o) => o.name === 'host');
      expect({ command: c.name, host: host ? { type: host.type, autocomplete: host.autocomplete, required: host.required ?? false } : null }).toEqual({
        command: c.name,
        host: takesHost(c) ? { type: OptionType.String, autocomplete: true, required: false } : null,
      });
    }
    expect(routeOf(commands.find((c) => c.name === 'ps')!)?.options.get('host')).toMatchObject({ kind: 'flag', complete: 'engine' });
    expect(commandLineOf(schema.routes.get('ps')!, [{ name: 'host', value: 'staging' }, { name: 'all', value: true }])).toBe('ps --all --host staging');
  });

  it('stays within what Discord accepts', () => {
    for (const command of schema.commands) {
      expect(command.options.length).toBeLessThanOrEqual(LIMITS.entriesPerLevel);
      // Discord: at most 8000 characters of names, descriptions and choice values in one command, options and groups included.
      let characters = [...command.name].length + [...command.description].length;
      walk(command.options, (o) => {
        characters += [...o.name].length + [...o.description].length;
        for (const c of o.choices ?? []) characters += [...c.name].length + [...c.value].length;
      });
      expect({ command: command.name, characters }).toEqual({ command: command.name, characters: charactersOf(command) });
      expect(characters).toBeLessThanOrEqual(LIMITS.totalCharacters);
    }
    walk(firstLevel, (o, depth) => {
      expect(o.name).toMatch(NAME);
      expect(o.description.length).toBeGreaterThan(0);
      expect([...o.description].length).toBeLessThanOrEqual(LIMITS.description);
      expect(depth).toBeLessThanOrEqual(3);
      if (o.options) {
        expect(o.options.length).toBeLessThanOrEqual(LIMITS.optionsPerCommand);
        // Required options come first.
        const firstOptional = o.options.findIndex((x) => !x.required);
        if (firstOptional >= 0) expect(o.options.slice(firstOptional).some((x) => x.required)).toBe(false);
      }
    });
  });

  it('fails loudly when a command cannot be reached within the limits', () => {
    const many = Array.from({ length: 30 }, (_, i) => fake(`c${i}`));
    expect(() => buildSlashSchema(many)).toThrow(/Discord allows 25/);
    expect(() => buildSlashSchema([fake('a b c')])).toThrow(/one or two words/);
    // Four full groups of 25 with long summaries: over Discord's 8000 characters for one command.
    const wordy = (name: string): Command => ({ ...fake(name), summary: 'x'.repeat(LIMITS.description) });
    const groups = ['ga', 'gb', 'gc', 'gd'].flatMap((g) => Array.from({ length: 25 }, (_, i) => wordy(`${g} s${i}`)));
    expect(() => buildSlashSchema(groups)).toThrow(/\/docker: \d+ characters .* Discord allows 8000 per command/);
    expect(() => buildSlashSchema([fake('Not Valid!')])).toThrow(/not a valid Discord option name/);
    // A group named like a top-level command cannot exist on Discord: its commands go to the top, hyphenated.
    expect(buildSlashSchema([fake('image'), fake('image rm')]).commands[0]?.options.map((o) => o.name)).toEqual(['image', 'image-rm', 'cli']);
    expect(() => buildSlashSchema([fake('image'), fake('image rm'), fake('image-rm')])).toThrow(/"image-rm" twice/);
  });

  it('turns an invocation into the command line the text parser reads the same way', () => {
    const line = (path: string, given: Array<{ name: string; value: string | number | boolean }>) => commandLineOf(schema.routes.get(path)!, given);
    expect(line('ps', [{ name: 'all', value: true }, { name: 'quiet', value: false }])).toBe('ps --all');
    expect(line('logs', [{ name: 'container', value: 'web 1' }, { name: 'tail', value: '5' }])).toBe("logs --tail 5 'web 1'");
    expect(line('container prune', [{ name: 'filter', value: 'until=1h' }, { name: 'dry-run', value: true }])).toBe('container prune --filter until=1h --dry-run');
    expect(line('container start', [{ name: 'container', value: ' a  b ' }])).toBe('start a b');
    expect(line('container rm', [{ name: 'container', value: '-x' }])).toBe('rm -- -x');
    expect(line('ask', [{ name: 'question', value: "what's an image?" }])).toBe("ask what's an image?");
    expect(line('cli', [{ name: 'line', value: 'run -d -p 5000:5000 demo:v1' }])).toBe('run -d -p 5000:5000 demo:v1');

    const run = commands.find((c) => c.name === 'run')!;
    const text = line('run', [{ name: 'image', value: 'busybox' }, { name: 'command', value: 'echo "$HOME"; rm -rf /' }, { name: 'detach', value: true }, { name: 'env', value: 'A=b c' }]);
    const parsed = parseCommandArgs(tokenize(text).slice(1), run);
    expect(parsed.bool('detach')).toBe(true);
    expect(parsed.strings('env')).toEqual(['A=b c']);
    expect(parsed.positionals).toEqual(['busybox', 'echo', '"$HOME";', 'rm', '-rf', '/']);
  });

  it('is the same schema every time (what register-commands compares)', () => {
    expect(buildSlashSchema(commands, { takesHost }).commands).toEqual(schema.commands);
    expect(JSON.stringify(schema.commands).length).toBeLessThan(8000 * 4 * schema.commands.length);
  });
});
