// Text arguments: shell-style tokenising (shlex; no shell ever runs) and flag parsing against
// a command's option spec (node:util parseArgs, strict), with Docker CLI conventions.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { split } from 'shlex';
import type { OptionSpec, PositionalSpec } from './command.js';
import { UserError } from './errors.js';

export function tokenize(input: string): string[] {
  try {
    return split(input);
  } catch (err) {
    throw new UserError('usage', `cannot read the command: ${(err as Error).message.toLowerCase()}`, {
      hint: 'close the quote, or escape it with a backslash',
    });
  }
}

type OptionValue = boolean | string | number | string[] | number[];

export class ParsedArgs {
  constructor(
    readonly options: Readonly<Record<string, OptionValue | undefined>>,
    readonly positionals: readonly string[],
  ) {}

  bool(name: string): boolean {
    return this.options[name] === true;
  }
  string(name: string): string | undefined {
    const v = this.options[name];
    return typeof v === 'string' ? v : undefined;
  }
  number(name: string): number | undefined {
    const v = this.options[name];
    return typeof v === 'number' ? v : undefined;
  }
  strings(name: string): string[] {
    const v = this.options[name];
    if (v === undefined || typeof v === 'boolean') return [];
    return Array.isArray(v) ? v.map(String) : [String(v)];
  }
  has(name: string): boolean {
    return this.options[name] !== undefined;
  }
  positional(index: number): string | undefined {
    return this.positionals[index];
  }
}

export const DRY_RUN: OptionSpec = { name: 'dry-run', type: 'boolean', description: 'Validate and show the plan; change nothing' };
export const HELP: OptionSpec = { name: 'help', type: 'boolean', description: 'Show help for this command' };

export function flagLabel(o: OptionSpec): string {
  return o.short ? `-${o.short}, --${o.name}` : `--${o.name}`;
}

/** Index of the first token that is neither a flag nor a flag's value. */
function firstPositionalIndex(tokens: string[], options: readonly OptionSpec[]): number {
  const byLong = new Map(options.map((o) => [o.name, o]));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short as string, o]));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === '--') return i;
    if (t.startsWith('--')) {
      const o = byLong.get(t.slice(2));
      if (o && o.type !== 'boolean' && !t.includes('=')) i++;
    } else if (t.startsWith('-') && t.length > 1) {
      // A short cluster: the first letter that takes a value consumes the rest, or the next token.
      for (let j = 1; j < t.length; j++) {
        const o = byShort.get(t[j] as string);
        if (o && o.type !== 'boolean') {
          if (j === t.length - 1) i++;
          break;
        }
      }
    } else {
      return i;
    }
  }
  return tokens.length;
}

/** `--help` among the command's own flags (not after `--`, not inside `run IMAGE CMD --help`). */
export function helpRequested(tokens: string[], spec: { options: readonly OptionSpec[]; stopAtFirstPositional?: boolean }): boolean {
  const end = spec.stopAtFirstPositional ? firstPositionalIndex(tokens, spec.options) : tokens.indexOf('--');
  return tokens.slice(0, end < 0 ? tokens.length : end).includes('--help');
}

export function parseCommandArgs(
  tokens: string[],
  spec: { name: string; options: readonly OptionSpec[]; positionals?: readonly PositionalSpec[]; stopAtFirstPositional?: boolean },
): ParsedArgs {
  let flagTokens = tokens;
  let trailing: string[] = [];
  if (spec.stopAtFirstPositional) {
    const at = firstPositionalIndex(tokens, spec.options);
    flagTokens = tokens.slice(0, at + 1);
    trailing = tokens.slice(at + 1);
  }

  const config: ParseArgsConfig['options'] = {};
  for (const o of spec.options) {
    config[o.name] = {
      type: o.type === 'boolean' ? 'boolean' : 'string',
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: flagTokens, options: config, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageFromParseError(err as Error & { code?: string }, spec);
  }

  const options: Record<string, OptionValue | undefined> = {};
  for (const o of spec.options) {
    const raw = parsed.values[o.name] as boolean | string | string[] | undefined;
    if (raw === undefined) continue;
    options[o.name] = o.type === 'number' ? toNumber(raw as string | string[], o) : raw;
  }

  const positionals = [...parsed.positionals, ...trailing];
  checkPositionals(positionals, spec);
  return new ParsedArgs(options, positionals);
}

function toNumber(raw: string | string[], o: OptionSpec): number | number[] {
  const convert = (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) {
      throw new UserError('usage', `invalid value "${v}" for ${flagLabel(o)}: a number is expected`);
    }
    return n;
  };
  return Array.isArray(raw) ? raw.map(convert) : convert(raw);
}

function supported(options: readonly OptionSpec[]): string {
  return options
    .filter((o) => !o.hidden)
    .map(flagLabel)
    .join(', ');
}

function usageFromParseError(err: Error & { code?: string }, spec: { name: string; options: readonly OptionSpec[] }): UserError {
  const hint = `supported: ${supported(spec.options) || 'no flags'} — see \`help ${spec.name}\``;
  const quoted = /'([^']+)'/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UserError('usage', `unknown flag: ${quoted ?? err.message} for \`${spec.name}\``, { hint });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted ? quoted.split(' ')[0]?.replace(/,$/, '') : undefined;
      return new UserError('usage', `flag ${name ?? ''} of \`${spec.name}\` needs a value (or takes none)`.replace('  ', ' '), { hint });
    }
    default:
      return new UserError('usage', err.message, { hint });
  }
}

function checkPositionals(values: string[], spec: { name: string; positionals?: readonly PositionalSpec[] }): void {
  const expected = spec.positionals ?? [];
  const required = expected.filter((p) => p.required);
  if (values.length < required.length) {
    const missing = required[values.length] as PositionalSpec;
    throw new UserError('usage', `\`${spec.name}\` needs ${missing.name.toUpperCase()}`, {
      hint: `usage: ${usageLine(spec as never)}`,
    });
  }
  const variadic = expected.some((p) => p.variadic);
  if (!variadic && values.length > expected.length) {
    throw new UserError('usage', `\`${spec.name}\` takes ${expected.length || 'no'} argument${expected.length === 1 ? '' : 's'}, got ${values.length}: ${values.join(' ')}`, {
      hint: `usage: ${usageLine(spec as never)}`,
    });
  }
}

export function usageLine(spec: { name: string; options: readonly OptionSpec[]; positionals?: readonly PositionalSpec[] }): string {
  const parts = [spec.name];
  if (spec.options.some((o) => !o.hidden)) parts.push('[OPTIONS]');
  for (const p of spec.positionals ?? []) {
    const label = p.name.toUpperCase() + (p.variadic ? '...' : '');
    parts.push(p.required ? label : `[${label}]`);
  }
  return parts.join(' ');
}
