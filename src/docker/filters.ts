// `--filter key=value` flags, as the Engine API's filters map.
import { UserError } from '../core/errors.js';

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
