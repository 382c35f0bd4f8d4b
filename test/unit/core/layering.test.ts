// The core is the contract every adapter builds on: it imports nothing of the Docker layer and
// names no platform in its code (adapters declare what differs: roles, group kinds, limits).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../../src/core');
/** Moves out of the core in its own change (to where Docker create bodies live). */
const MOVING_OUT = new Set(['run-policy.ts']);
const sources = readdirSync(CORE)
  .filter((f) => f.endsWith('.ts') && !MOVING_OUT.has(f))
  .map((f) => ({ file: f, code: readFileSync(join(CORE, f), 'utf8') }));
/** The code without comments, where a platform may be named as an example. */
const withoutComments = (code: string): string => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('core layering', () => {
  it('imports nothing from src/docker', () => {
    expect(sources.length).toBeGreaterThan(5);
    for (const { file, code } of sources) expect(code, file).not.toMatch(/from '\.\.\/docker\//);
  });
  it('names no platform in its code', () => {
    for (const { file, code } of sources) expect(withoutComments(code), file).not.toMatch(/['"`](slack|discord|shell)\b/i);
  });
});
