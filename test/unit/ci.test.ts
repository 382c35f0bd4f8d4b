// CI cannot go green by skipping: which CI values count, and what is missing under CI.
import { describe, expect, it } from 'vitest';
import { isCi, missingUnderCi } from '../support/ci.js';

describe('CI detection', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['woodpecker', true],
    [' TRUE ', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ])('CI=%s counts as CI: %s', (value, expected) => {
    expect(isCi(value === undefined ? {} : { CI: value })).toBe(expected);
  });

  it('names a missing engine, or else a missing registry', () => {
    expect(missingUnderCi({ skipReason: 'needs root', registry: '' })).toEqual(['no engine for integration tests: needs root']);
    expect(missingUnderCi({ skipReason: '', registry: '' })[0]).toMatch(/no loopback registry.*pull/);
    expect(missingUnderCi({ skipReason: '', registry: '127.0.0.1:5000' })).toEqual([]);
  });
});
