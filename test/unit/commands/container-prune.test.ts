// What `container prune` would remove, decided as the engine decides it.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { isPruneCandidate } from '../../../commands/container-prune.js';
import { UserError } from '../../../src/core/errors.js';
import { parsePruneFilters as pruneFilters, parseUntil } from '../../../src/docker/filters.js';

const NOW = Date.parse('2026-01-31T12:00:00Z');
const container = (state: string, labels: Record<string, string>, createdMs = NOW - 3_600_000): Dockerode.ContainerInfo =>
  ({ Id: 'x', Names: ['/x'], State: state, Labels: labels, Created: Math.floor(createdMs / 1000) }) as unknown as Dockerode.ContainerInfo;

describe('parseUntil', () => {
  it.each([
    ['24h', NOW - 24 * 3_600_000],
    ['1h30m', NOW - 90 * 60_000],
    ['90s', NOW - 90_000],
    ['1.5h', NOW - 90 * 60_000],
    ['1700000000', 1_700_000_000_000],
    ['1700000000.5', 1_700_000_000_500],
    ['2026-01-30T00:00:00Z', Date.parse('2026-01-30T00:00:00Z')],
    ['2026-01-30T00:00:00+02:00', Date.parse('2026-01-29T22:00:00Z')],
  ])('%s', (value, expected) => {
    expect(parseUntil(value, NOW)).toBe(expected);
  });

  it('reads a bare date as local midnight, as Docker does', () => {
    expect(parseUntil('2026-01-30', NOW)).toBe(new Date(2026, 0, 30).getTime());
  });

  it('refuses what is not a time', () => {
    for (const bad of ['yesterday', '1d', 'h', '', '2026/01/30']) expect(() => parseUntil(bad, NOW)).toThrow(UserError);
  });
});

describe('pruneFilters', () => {
  it('accepts until, label and label!, once for until', () => {
    expect(pruneFilters(['label=a=b', 'label!=keep', 'until=24h'])).toEqual({ label: ['a=b'], 'label!': ['keep'], until: ['24h'] });
    expect(() => pruneFilters(['until=1h', 'until=2h'])).toThrow('more than one until filter');
    expect(() => pruneFilters(['status=exited'])).toThrow('unknown filter');
    expect(() => pruneFilters(['until=later'])).toThrow('invalid until filter');
  });
});

describe('isPruneCandidate', () => {
  it('takes created, exited and dead containers, never running, paused or restarting ones', () => {
    for (const state of ['created', 'exited', 'dead']) expect(isPruneCandidate(container(state, {}), {}, NOW)).toBe(true);
    for (const state of ['running', 'paused', 'restarting', 'removing']) expect(isPruneCandidate(container(state, {}), {}, NOW)).toBe(false);
  });

  it('label: every one given must match (key, or key=value)', () => {
    const c = container('exited', { team: 'blue', tier: 'web' });
    expect(isPruneCandidate(c, { label: ['team'] }, NOW)).toBe(true);
    expect(isPruneCandidate(c, { label: ['team=blue', 'tier=web'] }, NOW)).toBe(true);
    expect(isPruneCandidate(c, { label: ['team=blue', 'tier=db'] }, NOW)).toBe(false);
    expect(isPruneCandidate(container('exited', {}), { label: ['team'] }, NOW)).toBe(false);
  });

  it('label!: excluded only when every one given matches', () => {
    const c = container('exited', { team: 'blue' });
    expect(isPruneCandidate(c, { 'label!': ['team'] }, NOW)).toBe(false);
    expect(isPruneCandidate(c, { 'label!': ['team=red'] }, NOW)).toBe(true);
    expect(isPruneCandidate(c, { 'label!': ['team', 'keep'] }, NOW)).toBe(true);
  });

  it('until: only containers created before it', () => {
    expect(isPruneCandidate(container('exited', {}, NOW - 2 * 3_600_000), { until: ['1h'] }, NOW)).toBe(true);
    expect(isPruneCandidate(container('exited', {}, NOW - 60_000), { until: ['1h'] }, NOW)).toBe(false);
  });
});
