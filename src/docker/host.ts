// One engine connection. DOCKER_HOST is parsed here, once, so errors can name the address tried.
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';

const requireCommonJs = createRequire(import.meta.url);

export class DockerHost {
  /** The address as the user would write it (unix:///var/run/docker.sock, tcp://10.0.0.5:2375), password removed. */
  readonly address: string;
  private readonly options: Dockerode.DockerOptions;
  private client: Dockerode | undefined;

  constructor(address: string, engine?: Dockerode) {
    this.options = connectionOptions(address); // a bad DOCKER_HOST fails at start-up, not on first use
    this.address = withoutPassword(address);
    this.client = engine;
  }

  /** dockerode (with gRPC and ssh2) takes ~0.3 s to load: only commands that talk to the engine pay for it. */
  get engine(): Dockerode {
    if (!this.client) {
      const DockerodeClass = requireCommonJs('dockerode') as typeof Dockerode;
      this.client = new DockerodeClass(this.options);
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

export function connectionOptions(address: string): Dockerode.DockerOptions {
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
