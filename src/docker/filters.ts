// `--filter key=value` flags, as the Engine API's filters map.
import { UserError } from '../core/errors.js';
import { engineTimestamp, timestampMs } from './timestamp.js';

export type EngineFilters = Record<string, string[]>;

export function parseFilters(values: readonly string[], allowed: readonly string[]): EngineFilters {
  const filters: EngineFilters = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    const key = eq > 0 ? raw.slice(0, eq).trim().toLowerCase() : '';
    if (!key) {
      throw new UserError('usage', `bad filter "${raw}": expected key=value`, { hint: `filters: ${allowed.join(', ')}` });
    }
    if (!allowed.includes(key)) {
      throw new UserError('usage', `unknown filter "${key}"`, { hint: `filters: ${allowed.join(', ')}` });
    }
    (filters[key] ??= []).push(raw.slice(eq + 1));
  }
  return filters;
}

/** The filters `docker container prune` and `docker image prune` accept. */
export const PRUNE_FILTERS: readonly string[] = ['until', 'label', 'label!'];

/** A prune's `--filter` values: until (at most once, and a time), label, label!. */
export function parsePruneFilters(values: readonly string[]): EngineFilters {
  const filters = parseFilters(values, PRUNE_FILTERS);
  if ((filters.until?.length ?? 0) > 1) throw new UserError('usage', 'more than one until filter specified', { hint: 'give one --filter until=...' });
  for (const until of filters.until ?? []) parseUntil(until);
  return filters;
}

/**
 * `until=` as the engine reads it (Docker's GetTimestamp): a Go duration before now (`24h`,
 * `1h30m`), Unix seconds (`1700000000`, `1700000000.5`), or an RFC 3339 date/time; a date or
 * time without a zone is local time. Returns Unix milliseconds.
 */
export function parseUntil(value: string, now = Date.now()): number {
  const timestamp = engineTimestamp(value.trim(), now);
  if (timestamp === undefined) {
    throw new UserError('usage', `invalid until filter "${value}"`, {
      hint: 'use a duration (24h, 90m), Unix seconds, or a date/time such as 2024-01-31 or 2024-01-31T12:00:00Z',
    });
  }
  return timestampMs(timestamp);
}

/** The engine's label and label! filters (moby's MatchKVList): every `label` must match, and not every `label!`. */
export function matchesLabels(filters: EngineFilters, labels: Record<string, string>): boolean {
  const matchAll = (conditions: readonly string[]): boolean =>
    conditions.every((condition) => {
      const eq = condition.indexOf('=');
      if (eq < 0) return Object.hasOwn(labels, condition);
      return labels[condition.slice(0, eq)] === condition.slice(eq + 1);
    });
  if (filters.label?.length && !matchAll(filters.label)) return false;
  if (filters['label!']?.length && matchAll(filters['label!'])) return false;
  return true;
}

/** What prune filters look at: the engine's `Created` (Unix seconds) and labels, of a container or an image. */
export interface PruneSubject {
  Created: number;
  Labels?: Record<string, string> | null;
}

/** Whether the prune filters (parsed by parsePruneFilters) leave an object in: created before until, labels matching. */
export function pruneFilter(filters: EngineFilters, now = Date.now()): (subject: PruneSubject) => boolean {
  const until = filters.until?.[0] === undefined ? undefined : parseUntil(filters.until[0], now);
  return (subject) => (until === undefined || subject.Created * 1000 <= until) && matchesLabels(filters, subject.Labels ?? {});
}
