// One engine connection. DOCKER_HOST is parsed here, once, so errors can name the address tried.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import { guardedEngine } from './engine-guard.js';
import { deferHeavyTransports } from './lazy-transport.js';

const requireCommonJs = createRequire(import.meta.url);

/** Reads and quick writes: how long one Engine API call may take before it fails (engine.timeoutSeconds). */
export const DEFAULT_ENGINE_TIMEOUT_MS = 30_000;

export interface DockerHostOptions {
  /** Deadline of one Engine API call until its answer starts (streams) or ends (everything else). */
  timeoutMs?: number;
  /** The engine's name in `--host NAME`, replies and the audit trail (DOCKER_HOST: "default"). */
  name?: string;
  /** Client certificate files for a tcp:// engine that wants TLS (read on first use). */
  tls?: { ca: string; cert: string; key: string };
}

export class DockerHost {
  /** The address as the user would write it (unix:///var/run/docker.sock, tcp://10.0.0.5:2375), password removed. */
  readonly address: string;
  private readonly options: Dockerode.DockerOptions;
  private client: Dockerode | undefined;
  private readonly timeoutMs: number;
  readonly name: string;
  private readonly tls: DockerHostOptions['tls'];

  /** `engine` replaces the connection (unit tests hand in a fake). */
  constructor(address: string, engine?: Dockerode, options: DockerHostOptions = {}) {
    this.options = connectionOptions(address, options.tls !== undefined); // a bad DOCKER_HOST fails at start-up, not on first use
    this.address = withoutPassword(address);
    this.client = engine;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS;
    this.name = options.name ?? 'default';
    this.tls = options.tls;
  }

  /** The engine is on this host (a unix socket): paths it is given mean the same files as ours. */
  get isLocal(): boolean {
    return this.options.socketPath !== undefined;
  }

  /**
   * The Engine API. Containers, images, networks and volumes are handed out only through
   * accessors that check names against Docker's grammar and escape them (engine-guard.ts).
   * dockerode loads on first use (only commands that talk to the engine pay for it), without
   * gRPC and ssh2 until a build or an ssh:// engine needs them (lazy-transport.ts).
   */
  get engine(): Dockerode {
    if (!this.client) {
      deferHeavyTransports(); // gRPC and ssh2 load when a build or an ssh:// engine first needs them
      const DockerodeClass = requireCommonJs('dockerode') as typeof Dockerode;
      const tls = this.tls ? { ca: readFileSync(this.tls.ca), cert: readFileSync(this.tls.cert), key: readFileSync(this.tls.key) } : {};
      this.client = guardedEngine(DockerodeClass, { ...this.options, ...tls }, { timeoutMs: this.timeoutMs });
    }
    return this.client;
  }
}

/** Addresses appear in replies and the audit trail: never with a password in them. */
export function withoutPassword(address: string): string {
  try {
    const url = new URL(address);
    if (!url.password) return address;
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return address;
  }
}

/** `tls`: a tcp:// address is spoken to over https (the engine's TLS port, 2376, by default). */
export function connectionOptions(address: string, tls = false): Dockerode.DockerOptions {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`DOCKER_HOST "${address}" is not an address: use unix:///path/docker.sock or tcp://HOST:PORT`);
  }
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'tcp:':
      if (tls) return { protocol: 'https', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 2376) };
      return { protocol: 'http', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 2375) };
    case 'http:':
      return { protocol: 'http', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 2375) };
    case 'https:':
      return { protocol: 'https', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 2376) };
    case 'ssh:':
      return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), ...(url.username ? { username: url.username } : {}) };
    default:
      throw new Error(`DOCKER_HOST "${address}" has an unsupported scheme ${url.protocol} (use unix://, tcp://, https:// or ssh://)`);
  }
}
