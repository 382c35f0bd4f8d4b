// Values the CLI and the engine compute from the clock ("12 seconds ago", "Up 3 minutes") may
// tick between two calls: a value read between two CLI calls must lie between what they printed.
import { expect } from 'vitest';

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };
const DURATION = /Less than a second|About an? (?:minute|hour)|\d+ (?:second|minute|hour|day|week|month|year)s?/;

/** go-units' words back to an approximate age in seconds. */
export function ageSeconds(text: string): number {
  const phrase = DURATION.exec(text)?.[0] ?? '';
  if (phrase === 'Less than a second') return 0;
  const about = /^About an? (\w+)/.exec(phrase);
  if (about) return UNIT_SECONDS[about[1] as string] ?? NaN;
  const counted = /^(\d+) (\w+?)s?$/.exec(phrase);
  return counted ? Number(counted[1]) * (UNIT_SECONDS[counted[2] as string] ?? NaN) : NaN;
}

export function expectClockBetween(value: string, before: string, after: string): void {
  const label = `${value} between ${before} and ${after}`;
  // The words around the duration ("Exited (1) … ago") must match exactly.
  expect(value.replace(DURATION, '<t>'), label).toBe(before.replace(DURATION, '<t>'));
  if (!DURATION.test(value)) return; // "Created": nothing computed from the clock
  expect(ageSeconds(value), label).toBeGreaterThanOrEqual(ageSeconds(before));
  expect(ageSeconds(value), label).toBeLessThanOrEqual(ageSeconds(after));
}
