// Times as the Docker CLI and the engine read them (api/types/time GetTimestamp): `logs --since/--until`
// and the `until=` filter of the prunes.

// Go's time.ParseDuration: a sequence of decimal numbers with units, optionally signed.
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
// The layouts Docker accepts: a date, optionally a time to the hour, minute, second or
// fraction, optionally a zone (Z or ±hh:mm); without a zone the local one.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;
const UNIX_TIMESTAMP = /^\d+(?:\.\d+)?$/;

function goDurationMs(value: string): number {
  const sign = value.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(DURATION_PART)) total += Number(amount) * (DURATION_UNIT_MS[unit as string] ?? 0);
  return sign * total;
}

/**
 * A time as the Docker CLI reads it (api/types/time GetTimestamp): a Go duration before `now`
 * (10m, 1h30m), an RFC3339-like date or time, or a Unix timestamp; the result is the Engine's
 * `seconds[.nanoseconds]` form. Undefined when the value is none of these.
 */
export function engineTimestamp(value: string, now = Date.now()): string | undefined {
  if (value !== '0' && GO_DURATION.test(value)) return String(Math.trunc((now - goDurationMs(value)) / 1000));
  const match = TIMESTAMP.exec(value);
  if (match) {
    const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
    const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
    const [y, mo, d, h, mi, s] = fields;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
    let ms: number;
    if (zone === undefined) {
      ms = new Date(y, mo - 1, d, h, mi, s).getTime();
    } else {
      const offsetMin = /^[zZ]$/.test(zone) ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
      ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000;
    }
    if (Number.isNaN(ms)) return undefined;
    return `${Math.floor(ms / 1000)}.${fraction.padEnd(9, '0')}`;
  }
  return UNIX_TIMESTAMP.test(value) ? value : undefined;
}

/** The Engine's `seconds[.nanoseconds]` as Unix milliseconds (the fraction kept to the millisecond and below). */
export function timestampMs(timestamp: string): number {
  const [seconds = '0', fraction = ''] = timestamp.split('.');
  return Number(seconds) * 1000 + Number(fraction.padEnd(9, '0')) / 1e6;
}
