// One engine connection. DOCKER_HOST is parsed here, once, so errors can name the address tried.
import Dockerode from 'dockerode';

export class DockerHost {
  readonly engine: Dockerode;

  constructor(
    /** The address as the user would write it (unix:///var/run/docker.sock, tcp://10.0.0.5:2375). */
    readonly address: string,
    engine?: Dockerode,
  ) {
    this.engine = engine ?? new Dockerode(connectionOptions(address));
  }
}

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

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
