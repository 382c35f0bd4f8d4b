// The README's command table is what users read first: every command must be in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
const commandTable = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Configuration'));

describe('README', () => {
  it.each(commands.map((c) => c.name))('lists `%s` in the command table', (name) => {
    expect(commandTable).toContain(`\`${name}`);
  });
  it('starts with the two set-up commands', () => {
    const top = readme.split('\n').slice(0, 15).join('\n');
    expect(top).toContain('npm ci && npm start');
    expect(top).toContain('npm ci && npm test');
  });
});
