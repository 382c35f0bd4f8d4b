// The one HTTP server on PORT. Features add routes (Slack events, webhooks, health, metrics);
// a request for anything else gets 404, and a handler that throws gets 500 without ending the process.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export class HttpServer {
  private readonly routes = new Map<string, { methods: Set<string>; handler: RouteHandler }>();
  private server: Server | undefined;

  constructor(private readonly log: Logger) {}

  /** Serve `path` (exact match, query ignored) for the given methods. One owner per path. */
  route(methods: string[], path: string, handler: RouteHandler | RequestListener): void {
    if (this.routes.has(path)) throw new Error(`HTTP route ${path} is already taken`);
    this.routes.set(path, { methods: new Set(methods.map((m) => m.toUpperCase())), handler: handler as RouteHandler });
  }

  /** Start listening (port 0: any free port). Resolves with the port bound. */
  async listen(port: number, host?: string): Promise<number> {
    const server = createServer((req, res) => void this.dispatch(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const route = this.routes.get(path);
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (!route.methods.has(req.method ?? '')) {
      return void res.writeHead(405, { 'content-type': 'text/plain', allow: [...route.methods].join(', ') }).end('method not allowed\n');
    }
    try {
      await route.handler(req, res);
    } catch (err) {
      this.log.error({ err, path }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    }
  }
}
