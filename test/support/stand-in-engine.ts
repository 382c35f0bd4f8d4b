// A stand-in Docker Engine on a unix socket: it records every request exactly as it arrived
// (method, raw path and query) and answers with a scripted behaviour, so tests can prove what
// reaches the Engine API and how the bot copes with an engine that misbehaves.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  /** As sent: path and query, undecoded. */
  url: string;
  /** The path part, undecoded. */
  path: string;
}

/** What to do with one request; return false to fall through to the engine-like default. */
export type Behaviour = (req: IncomingMessage, res: ServerResponse) => boolean | void;

export interface StandInEngine {
  /** DOCKER_HOST for it: unix:///tmp/.../docker.sock */
  dockerHost: string;
  requests: RecordedRequest[];
  /** Replaces the behaviour (the default answers like an empty engine). */
  behave(behaviour: Behaviour | undefined): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Api-Version': '1.43' });
  res.end(text);
};

/** An engine with no containers and no images: lists are empty, objects are not found. */
function emptyEngine(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const route = path.replace(/^\/v[\d.]+/, '');
  if (route === '/_ping') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
  if (route === '/version') return json(res, 200, { Version: '24.0.0-standin', ApiVersion: '1.43', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64', KernelVersion: '6', GoVersion: 'go1', GitCommit: 'standin' });
  if (route === '/info') return json(res, 200, { ID: 'standin', Containers: 0, ContainersRunning: 0, ContainersPaused: 0, ContainersStopped: 0, Images: 0, ServerVersion: '24.0.0-standin', Name: 'standin', OperatingSystem: 'stand-in', NCPU: 1, MemTotal: 1, Driver: 'overlay2' });
  if (route === '/containers/json' || route === '/images/json' || route === '/networks') return json(res, 200, []);
  if (route === '/system/df') return json(res, 200, { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] });
  if (route === '/containers/prune') return json(res, 200, { ContainersDeleted: [], SpaceReclaimed: 0 });
  if (route === '/images/prune') return json(res, 200, { ImagesDeleted: [], SpaceReclaimed: 0 });
  const container = /^\/containers\/([^/]+)\//.exec(route);
  if (container) return json(res, 404, { message: `No such container: ${decodeURIComponent(container[1] ?? '')}` });
  const image = /^\/images\/(.+)\/(json|history|tag)$/.exec(route) ?? /^\/images\/(.+)$/.exec(route);
  if (image) return json(res, 404, { message: `No such image: ${decodeURIComponent(image[1] ?? '')}` });
  if (route === '/images/create') return json(res, 404, { message: 'pull access denied: stand-in engine has no registry' });
  return json(res, 404, { message: `page not found: ${route}` });
}

export async function startStandInEngine(): Promise<StandInEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-standin-'));
  const socket = join(dir, 'docker.sock');
  const requests: RecordedRequest[] = [];
  let behaviour: Behaviour | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push({ method: req.method ?? '', url, path: url.split('?')[0] ?? '' });
    req.resume();
    if (behaviour?.(req, res) === true) return;
    emptyEngine(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    dockerHost: `unix://${socket}`,
    requests,
    behave: (b) => void (behaviour = b),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RecordingProxy {
  /** DOCKER_HOST for it: unix:///tmp/.../docker.sock */
  dockerHost: string;
  /** Every request that passed, as sent (method and undecoded path), in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/;

/**
 * A pass-through in front of a real engine's unix socket that records every request line: which
 * Engine API endpoints the bot calls, as a socket proxy in front of it would see them.
 * Connections are piped byte for byte (streams and attach work as they do without it).
 */
export async function startRecordingProxy(targetDockerHost: string): Promise<RecordingProxy> {
  const { createServer: createNetServer, connect } = await import('node:net');
  const target = new URL(targetDockerHost).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-recorder-'));
  const socket = join(dir, 'docker.sock');
  const requests: RecordedRequest[] = [];
  const open = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(target);
    open.add(client).add(upstream);
    let head = '';
    let attached = false;
    client.on('data', (chunk: Buffer) => {
      // Requests on this connection start where the previous one ended; a hijacked one carries raw stdin after.
      if (!attached) {
        head += chunk.toString('latin1');
        const line = REQUEST_LINE.exec(head);
        if (line) {
          const url = line[2] as string;
          requests.push({ method: line[1] as string, url, path: url.split('?')[0] ?? '' });
          if (/\r\nUpgrade:/i.test(head) || /\/(attach|exec\/[^/]+\/start)(\?|$)/.test(url)) attached = true;
          head = '';
        } else if (head.length > 65_536) head = head.slice(-1024);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    dockerHost: `unix://${socket}`,
    requests,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
