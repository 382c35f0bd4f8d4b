// Values exactly as the Docker CLI prints them (go-units sizes and durations, port groups),
// so `exec --json` output and tables agree with `docker ... --format '{{json .}}'`.
import { isIP } from 'node:net';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** go-units HumanSizeWithPrecision: decimal units, %.Ng. */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${goFormatG(size, precision)}${DECIMAL_UNITS[unit]}`;
}

/** Go's %.Ng: shortest form, exponent notation ("1e+03") once rounding reaches 10^N. */
function goFormatG(value: number, precision: number): string {
  const fixed = value.toPrecision(precision);
  if (!fixed.includes('e')) return String(Number(fixed));
  const [mantissa = '', exponent = ''] = fixed.split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
  return `${String(Number(mantissa))}e${sign}${digits}`;
}

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

export const ago = (unixSeconds: number, now = Date.now()): string => `${humanDuration(now - unixSeconds * 1000)} ago`;

const pad = (n: number, width = 2): string => String(Math.trunc(Math.abs(n))).padStart(width, '0');

// Built on first use (~40 ms of ICU loading that a plain `ps` never needs) and memoised per UTC
// offset: Intl formatting costs more than the rest of a row.
let zoneFormat: Intl.DateTimeFormat | undefined;
const zoneByOffset = new Map<number, string>();

function zoneAbbreviation(d: Date, offsetMin: number): string {
  let abbreviation = zoneByOffset.get(offsetMin);
  if (abbreviation === undefined) {
    zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
    const zone = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
    abbreviation = zone === 'GMT' || zone === 'UTC' ? 'UTC' : zone;
    zoneByOffset.set(offsetMin, abbreviation);
  }
  return abbreviation;
}

/** Go's time.Time.String() in the local zone without fractions: "2026-11-27 20:23:34 +0000 UTC". */
export function goTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abbreviation = zoneAbbreviation(d, offsetMin);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(offsetMin / 60)}${pad(offsetMin % 60)} ${abbreviation}`
  );
}

/** The CLI's ellipsis: keep width-1 characters and add "…". */
export function ellipsis(value: string, width: number): string {
  const chars = [...value];
  if (chars.length <= width) return value;
  return chars.slice(0, width - 1).join('') + '…';
}

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** A container's own name from an engine list entry: not a name a legacy link gives it (`/web/db`), no leading `/`. */
export const containerName = (c: { Id: string; Names: readonly string[] }): string =>
  (c.Names.find((n) => n.lastIndexOf('/') === 0) ?? c.Names[0] ?? c.Id).replace(/^\//, '');

export interface EnginePort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

// Go compares strings bytewise, not by locale.
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const joinHostPort = (host: string, port: string): string => (isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`);

function formGroup(key: string, first: number, last: number): string {
  const slash = key.lastIndexOf('/');
  const ip = slash >= 0 ? key.slice(0, slash) : '';
  const type = slash >= 0 ? key.slice(slash + 1) : key;
  let group = first === last ? String(first) : `${first}-${last}`;
  if (ip) group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${type}`;
}

/** docker/cli DisplayablePorts: consecutive ports grouped into ranges. */
export function displayablePorts(ports: readonly EnginePort[]): string {
  const sorted = [...ports].sort(
    (a, b) =>
      a.PrivatePort - b.PrivatePort ||
      byteOrder(a.IP ?? '', b.IP ?? '') ||
      (a.PublicPort ?? 0) - (b.PublicPort ?? 0) ||
      byteOrder(a.Type, b.Type),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const port of sorted) {
    const current = port.PrivatePort;
    let key = port.Type;
    if (port.IP) {
      if ((port.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(port.IP, String(port.PublicPort ?? 0))}->${port.PrivatePort}/${port.Type}`);
        continue;
      }
      key = `${port.IP}/${port.Type}`;
    }
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: current, last: current });
    } else if (current === group.last + 1) {
      group.last = current;
    } else {
      result.push(formGroup(key, group.first, group.last));
      // Re-inserting keeps Go's order: keys in the order they were first created.
      group.first = current;
      group.last = current;
    }
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}

/** Labels as the CLI joins them ("k=v,k2=v2"), sorted so output is stable. */
export const joinLabels = (labels: Record<string, string> | undefined | null): string =>
  Object.entries(labels ?? {})
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** go-units BytesSize: binary units, %.4g (`docker info`'s Total Memory). */
export function bytesSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < BINARY_UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${goFormatG(size, 4)}${BINARY_UNITS[unit]}`;
}

/**
 * `docker system df`'s RECLAIMABLE: go-units HumanSize, with the share of the total as an
 * integer percentage (Go's integer division truncates) when there is a total at all.
 */
export function reclaimableSize(reclaimable: number, total: number): string {
  const size = humanSize(reclaimable, 4);
  return total > 0 ? `${size} (${Math.trunc((reclaimable * 100) / total)}%)` : size;
}
