import { describe, expect, it } from 'vitest';
import { helpRequested, parseCommandArgs, tokenize } from '../../../src/core/args.js';
import type { OptionSpec } from '../../../src/core/command.js';
import { UserError } from '../../../src/core/errors.js';

const psOptions: OptionSpec[] = [
  { name: 'all', short: 'a', type: 'boolean', description: '' },
  { name: 'quiet', short: 'q', type: 'boolean', description: '' },
  { name: 'last', short: 'n', type: 'number', description: '' },
  { name: 'filter', short: 'f', type: 'string', multiple: true, description: '' },
];
const runOptions: OptionSpec[] = [
  { name: 'detach', short: 'd', type: 'boolean', description: '' },
  { name: 'publish', short: 'p', type: 'string', multiple: true, description: '' },
  { name: 'env', short: 'e', type: 'string', multiple: true, description: '' },
  { name: 'name', type: 'string', description: '' },
];

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof UserError ? `${err.code}: ${err.message}` : `other: ${String(err)}`;
  }
  return 'no error';
}

describe('tokenize', () => {
  it('splits like a shell without running one', () => {
    expect(tokenize(`run -e "A=b c" --name 'x y' busybox echo $HOME \\; rm -rf /`)).toEqual([
      'run', '-e', 'A=b c', '--name', 'x y', 'busybox', 'echo', '$HOME', ';', 'rm', '-rf', '/',
    ]);
  });
  it('an unterminated quote is a usage error', () => {
    expect(codeOf(() => tokenize('ps --filter "name=x'))).toMatch(/^usage: .*quot/);
  });
});

describe('parseCommandArgs', () => {
  const ps = { name: 'ps', options: psOptions };
  it('reads grouped short flags, numbers and repeated options', () => {
    const args = parseCommandArgs(['-aq', '-n', '3', '--filter', 'name=a', '-f', 'status=exited'], ps);
    expect(args.bool('all')).toBe(true);
    expect(args.bool('quiet')).toBe(true);
    expect(args.number('last')).toBe(3);
    expect(args.strings('filter')).toEqual(['name=a', 'status=exited']);
  });
  it('accepts --flag=value', () => {
    expect(parseCommandArgs(['--last=5'], ps).number('last')).toBe(5);
  });
  it('an unknown flag is a usage error naming it and listing the supported ones', () => {
    try {
      parseCommandArgs(['--bogus'], ps);
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).code).toBe('usage');
      expect((err as UserError).message).toContain('--bogus');
      expect((err as UserError).hint).toContain('-a, --all');
    }
  });
  it('a non-number for a number flag is a usage error', () => {
    expect(codeOf(() => parseCommandArgs(['-n', 'many'], ps))).toMatch(/^usage: invalid value "many"/);
  });
  it('a missing value is a usage error', () => {
    expect(codeOf(() => parseCommandArgs(['--filter'], ps))).toMatch(/^usage: /);
  });
  it('extra positionals are refused', () => {
    expect(codeOf(() => parseCommandArgs(['extra'], ps))).toMatch(/^usage: `ps` takes no arguments/);
  });
  it('missing required positionals are named', () => {
    const logs = { name: 'logs', options: [], positionals: [{ name: 'container', description: '', required: true }] };
    expect(codeOf(() => parseCommandArgs([], logs))).toBe('usage: `logs` needs CONTAINER');
  });
  it('flags after the image belong to the container command (docker run)', () => {
    const run = { name: 'run', options: runOptions, positionals: [{ name: 'image', description: '', required: true }, { name: 'command', description: '', variadic: true }], stopAtFirstPositional: true };
    const args = parseCommandArgs(['-d', '-p', '80:80', '--name', 'web', '-e', 'A=1', 'busybox', 'ls', '-la', '--color'], run);
    expect(args.bool('detach')).toBe(true);
    expect(args.strings('publish')).toEqual(['80:80']);
    expect(args.string('name')).toBe('web');
    expect(args.positionals).toEqual(['busybox', 'ls', '-la', '--color']);
    expect(parseCommandArgs(['-dp', '80:80', 'img', '-x'], run).positionals).toEqual(['img', '-x']);
    expect(parseCommandArgs(['-p80:80', 'img'], run).strings('publish')).toEqual(['80:80']);
  });
});

describe('helpRequested', () => {
  it('sees --help among the command flags only', () => {
    expect(helpRequested(['-a', '--help'], { options: psOptions })).toBe(true);
    expect(helpRequested(['--', '--help'], { options: psOptions })).toBe(false);
    const run = { options: runOptions, stopAtFirstPositional: true };
    expect(helpRequested(['--help'], run)).toBe(true);
    expect(helpRequested(['-d', '--name', 'x', '--help'], run)).toBe(true);
    expect(helpRequested(['-d', 'busybox', 'ls', '--help'], run)).toBe(false);
  });
});
