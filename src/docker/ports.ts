// `run -p` port specs, parsed as the Docker CLI parses them (docker/go-connections nat):
//
//   [ip:][hostPort:]containerPort[/proto]
//
// Ports and host ports may be ranges (`8000-8010:80-90`); a host range with a single container
// port lets the engine pick a free port in it. IPv6 host IPs go in brackets (`[::1]:80:80`); the
// legacy unbracketed form (`::1:80:80`) works too. The result maps onto the Engine API's create
// body: `ExposedPorts` and `HostConfig.PortBindings`.
import { isIP } from 'node:net';
import { UserError } from '../core/errors.js';

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** Engine API key of a container port: `80/tcp`. */
export type PortKey = `${number}/${PortProtocol}`;

/** As the Engine API spells it; empty strings mean "any address" and "a port the engine picks". */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

export interface PortMapping {
  port: PortKey;
  containerPort: number;
  protocol: PortProtocol;
  binding: PortBinding;
}

export interface PublishedPorts {
  /** `ExposedPorts` of the create body. */
  exposedPorts: Record<PortKey, Record<string, never>>;
  /** `HostConfig.PortBindings` of the create body. */
  portBindings: Record<PortKey, PortBinding[]>;
  /** Every mapping in the order given. */
  mappings: PortMapping[];
}

export interface PortRange {
  start: number;
  end: number;
}

const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'sctp'];
const SPEC_HINT = 'a port spec is [ip:][hostPort:]containerPort[/proto], e.g. 8080:80, 127.0.0.1:8080:80/tcp or [::1]:5353:53/udp';

/** Parses every spec and merges them per container port, as `docker run -p … -p …` does. */
export function parsePortSpecs(specs: readonly string[]): PublishedPorts {
  const exposedPorts: Record<PortKey, Record<string, never>> = {};
  const portBindings: Record<PortKey, PortBinding[]> = {};
  const mappings: PortMapping[] = [];
  for (const spec of specs) {
    for (const mapping of parsePortSpec(spec)) {
      exposedPorts[mapping.port] = {};
      (portBindings[mapping.port] ??= []).push(mapping.binding);
      mappings.push(mapping);
    }
  }
  return { exposedPorts, portBindings, mappings };
}

/** One spec, one mapping per container port (a range gives several). */
export function parsePortSpec(spec: string): PortMapping[] {
  const { hostIp: rawIp, hostPort, containerPart } = splitSpec(spec);
  const { protocol: rawProtocol, port: containerPort } = splitProtoPort(containerPart);
  if (containerPort === '') throw specError(spec, 'no port specified: the container port is missing');

  const protocol = rawProtocol.toLowerCase();
  if (!isProtocol(protocol)) {
    throw specError(spec, `invalid proto "${rawProtocol}": use tcp, udp or sctp`);
  }
  const hostIp = parseHostIp(rawIp, spec);

  const container = tryPortRange(containerPort);
  if ('problem' in container) throw specError(spec, `invalid containerPort "${containerPort}": ${container.problem}`);

  let host: PortRange | undefined;
  if (hostPort !== '') {
    const parsed = tryPortRange(hostPort);
    if ('problem' in parsed) throw specError(spec, `invalid hostPort "${hostPort}": ${parsed.problem}`);
    host = parsed;
    const containerCount = container.end - container.start;
    const hostCount = host.end - host.start;
    // A host range is allowed for a single container port: the engine picks a free port in it.
    if (containerCount !== hostCount && container.start !== container.end) {
      throw specError(
        spec,
        `invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort} ` +
          `(the container range has ${containerCount + 1} ports, the host range ${hostCount + 1})`,
      );
    }
  }

  const count = container.end - container.start + 1;
  const mappings: PortMapping[] = [];
  for (let offset = 0; offset < count; offset++) {
    let boundHostPort = '';
    if (host) {
      boundHostPort = String(host.start + offset);
      if (count === 1 && host.start !== host.end) boundHostPort += `-${host.end}`;
    }
    const containerPortNumber = container.start + offset;
    mappings.push({
      port: `${containerPortNumber}/${protocol}`,
      containerPort: containerPortNumber,
      protocol,
      binding: { HostIp: hostIp, HostPort: boundHostPort },
    });
  }
  return mappings;
}

/** `8000-9000` or `80`; both ends 0-65535, end not below start. */
export function parsePortRange(text: string): PortRange {
  const parsed = tryPortRange(text);
  if ('problem' in parsed) throw new UserError('invalid_argument', `invalid port range "${text}": ${parsed.problem}`, { hint: SPEC_HINT });
  return parsed;
}

/** A single port number 0-65535. */
export function parsePortNumber(text: string): number {
  const parsed = tryPortNumber(text);
  if (typeof parsed !== 'number') throw new UserError('invalid_argument', `invalid port "${text}": ${parsed.problem}`, { hint: SPEC_HINT });
  return parsed;
}

/** Splits `80/udp` into port and protocol; a missing protocol is tcp. Nothing is validated. */
export function splitProtoPort(text: string): { protocol: string; port: string } {
  const slash = text.indexOf('/');
  const port = slash < 0 ? text : text.slice(0, slash);
  const protocol = slash < 0 ? '' : text.slice(slash + 1);
  if (port === '') return { protocol: '', port: '' };
  return { protocol: protocol === '' ? 'tcp' : protocol, port };
}

/** The key of a port or range, as `--expose` uses it: `80/tcp`, `8000-8010/udp`. */
export function portKey(protocol: string, portOrRange: string): string {
  const { start, end } = parsePortRange(portOrRange);
  return start === end ? `${start}/${protocol}` : `${start}-${end}/${protocol}`;
}

/** The mapping written back as a spec: `127.0.0.1:8080:80/tcp`, `[::1]::53/udp`. */
export function formatPortMapping(mapping: PortMapping): string {
  return joinHostPort(mapping.binding.HostIp, `${mapping.binding.HostPort}:${mapping.port}`);
}

/** `ip:port` of a binding, or '' while it has no host port. */
export function formatPortBinding(binding: PortBinding): string {
  return binding.HostPort === '' ? '' : joinHostPort(binding.HostIp, binding.HostPort);
}

/**
 * For people: `8080->80/tcp, 127.0.0.1:random->53/udp`, with consecutive ranges shown as one
 * (`8000-8010->80-90/tcp`), as `docker ps` shows published ports.
 */
export function describePorts(ports: PublishedPorts | readonly PortMapping[]): string {
  const mappings = 'mappings' in ports ? ports.mappings : ports;
  if (mappings.length === 0) return 'no published ports';
  const runs: Array<{ first: PortMapping; last: PortMapping }> = [];
  for (const mapping of mappings) {
    const run = runs.at(-1);
    if (run && continuesRun(run.last, mapping)) run.last = mapping;
    else runs.push({ first: mapping, last: mapping });
  }
  return runs.map(({ first, last }) => describeRun(first, last)).join(', ');
}

function describeRun(first: PortMapping, last: PortMapping): string {
  const containerPorts = first === last ? `${first.containerPort}` : `${first.containerPort}-${last.containerPort}`;
  const { HostIp: ip, HostPort: firstHostPort } = first.binding;
  let hostPorts: string;
  if (firstHostPort === '') hostPorts = 'random';
  else if (firstHostPort.includes('-')) hostPorts = `free port in ${firstHostPort}`;
  else hostPorts = first === last ? firstHostPort : `${firstHostPort}-${last.binding.HostPort}`;
  const host = ip === '' ? hostPorts : `${ip.includes(':') ? `[${ip}]` : ip}:${hostPorts}`;
  return `${host}->${containerPorts}/${first.protocol}`;
}

// Whether `next` extends a range of consecutive ports with the same address and protocol.
function continuesRun(previous: PortMapping, next: PortMapping): boolean {
  if (previous.protocol !== next.protocol || previous.binding.HostIp !== next.binding.HostIp) return false;
  if (next.containerPort !== previous.containerPort + 1) return false;
  const previousHost = previous.binding.HostPort;
  const nextHost = next.binding.HostPort;
  if (previousHost === '' || nextHost === '') return previousHost === nextHost;
  if (previousHost.includes('-') || nextHost.includes('-')) return false;
  return Number(nextHost) === Number(previousHost) + 1;
}

// The last two ':'-separated parts are the ports; whatever comes before is the IP, which may
// contain ':' itself (IPv6).
function splitSpec(spec: string): { hostIp: string; hostPort: string; containerPart: string } {
  const parts = spec.split(':');
  if (parts.length === 1) return { hostIp: '', hostPort: '', containerPart: parts[0] ?? '' };
  return {
    hostIp: parts.slice(0, -2).join(':'),
    hostPort: parts.at(-2) ?? '',
    containerPart: parts.at(-1) ?? '',
  };
}

function parseHostIp(rawIp: string, spec: string): string {
  let ip = rawIp;
  if (ip.startsWith('[')) {
    const bracketed = /^\[([^[\]]*)\]$/.exec(ip);
    if (!bracketed) throw specError(spec, `invalid IP address "${rawIp}": an IPv6 address goes in brackets, like [::1]`);
    ip = bracketed[1] ?? '';
  }
  // Zone identifiers (fe80::1%eth0) are no IP address to the engine.
  if (ip !== '' && (isIP(ip) === 0 || ip.includes('%'))) {
    throw specError(spec, `invalid IP address "${ip}": the host IP must be an IPv4 or IPv6 address, not a host name`);
  }
  return ip;
}

function tryPortRange(text: string): PortRange | { problem: string } {
  if (text === '') return { problem: 'empty string specified for ports' };
  const dash = text.indexOf('-');
  const startText = dash < 0 ? text : text.slice(0, dash);
  const endText = dash < 0 ? text : text.slice(dash + 1);
  const start = tryPortNumber(startText);
  if (typeof start !== 'number') return { problem: dash < 0 ? start.problem : `invalid start port "${startText}": ${start.problem}` };
  if (dash < 0 || startText === endText) return { start, end: start };
  const end = tryPortNumber(endText);
  if (typeof end !== 'number') return { problem: `invalid end port "${endText}": ${end.problem}` };
  if (end < start) return { problem: `invalid range specified for port: ${text} (the end is below the start)` };
  return { start, end };
}

// Decimal with an optional sign, as strconv.ParseInt reads it; leading zeros are fine.
function tryPortNumber(text: string): number | { problem: string } {
  if (text === '') return { problem: 'value is empty' };
  if (!/^[+-]?[0-9]+$/.test(text)) return { problem: 'invalid syntax: not a number' };
  const value = Number(text);
  if (value < 0 || value > 65535) return { problem: 'value out of range (0–65535)' };
  return value;
}

function isProtocol(text: string): text is PortProtocol {
  return PROTOCOLS.includes(text);
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function specError(spec: string, problem: string): UserError {
  return new UserError('invalid_argument', `invalid port spec "${spec}": ${problem}`, { hint: SPEC_HINT, data: { spec } });
}
