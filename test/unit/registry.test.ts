// The registry API v2 client against a tiny local HTTP server: tags, a missing repository,
// anonymous Bearer tokens, registries that want credentials, pagination and timeouts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTags, parseBearerChallenge, registryBaseUrl, suggestTags } from '../../src/docker/registry.js';

type Handler = (req: IncomingMessage, res: ServerResponse, base: string) => void;

let server: Server;
let base = '';
let handler: Handler = (_req, res) => void res.writeHead(500).end();
const seen: Array<{ url: string; authorization?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    handler(req, res, base);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const repo = { domain: 'registry.example', path: 'team/app' };
const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

async function listWith(h: Handler, options: { timeoutMs?: number } = {}) {
  handler = h;
  seen.length = 0;
  return listTags(repo, { baseUrl: base, ...options });
}

describe('listTags', () => {
  it('lists the tags of a repository', async () => {
    const listing = await listWith((req, res) => {
      if (req.url === '/v2/team/app/tags/list') sendJson(res, 200, { name: 'team/app', tags: ['1', '2', 'latest'] });
      else sendJson(res, 404, {});
    });
    expect(listing).toEqual({ kind: 'found', tags: ['1', '2', 'latest'] });
  });

  it('reports a repository the registry does not know', async () => {
    const listing = await listWith((_req, res) =>
      sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name: 'team/app' } }] }),
    );
    expect(listing).toEqual({ kind: 'no_repository' });
  });

  it('answers a Bearer challenge with an anonymous token, as docker pull does', async () => {
    const listing = await listWith((req, res, b) => {
      if (req.url?.startsWith('/token')) {
        const query = new URL(req.url, b).searchParams;
        if (query.get('service') === 'registry.example' && query.get('scope') === 'repository:team/app:pull') sendJson(res, 200, { token: 'anon-123' });
        else sendJson(res, 400, {});
      } else if (req.headers.authorization === 'Bearer anon-123') {
        sendJson(res, 200, { name: 'team/app', tags: ['stable'] });
      } else {
        sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, {
          'www-authenticate': `Bearer realm="${b}/token",service="registry.example",scope="repository:team/app:pull"`,
        });
      }
    });
    expect(listing).toEqual({ kind: 'found', tags: ['stable'] });
    expect(seen.map((s) => s.url.split('?')[0])).toEqual(['/v2/team/app/tags/list', '/token', '/v2/team/app/tags/list']);
  });

  it('says credentials are needed when the anonymous token is not enough (Docker Hub answers so for missing repositories too)', async () => {
    const listing = await listWith((req, res, b) => {
      if (req.url?.startsWith('/token')) sendJson(res, 200, { access_token: 'anon' });
      else sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'www-authenticate': `Bearer realm="${b}/token",service="x"` });
    });
    expect(listing).toEqual({ kind: 'auth_required' });
  });

  it('says credentials are needed for Basic authentication and for a refused token', async () => {
    expect(await listWith((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': 'Basic realm="registry"' }))).toEqual({ kind: 'auth_required' });
    expect(
      await listWith((req, res, b) => {
        if (req.url?.startsWith('/token')) sendJson(res, 401, {});
        else sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${b}/token"` });
      }),
    ).toEqual({ kind: 'auth_required' });
    expect(await listWith((_req, res) => sendJson(res, 403, {}))).toEqual({ kind: 'auth_required' });
  });

  it('follows Link pages', async () => {
    const listing = await listWith((req, res) => {
      if (req.url === '/v2/team/app/tags/list') sendJson(res, 200, { tags: ['a', 'b'] }, { link: '</v2/team/app/tags/list?last=b&n=2>; rel="next"' });
      else if (req.url === '/v2/team/app/tags/list?last=b&n=2') sendJson(res, 200, { tags: ['c'] });
      else sendJson(res, 404, {});
    });
    expect(listing).toEqual({ kind: 'found', tags: ['a', 'b', 'c'] });
  });

  it('treats a repository with no tags (null) as found and empty', async () => {
    expect(await listWith((_req, res) => sendJson(res, 200, { name: 'team/app', tags: null }))).toEqual({ kind: 'found', tags: [] });
  });

  it('reports what went wrong when there is no usable answer', async () => {
    const slow = await listWith((_req, res) => setTimeout(() => sendJson(res, 200, { tags: [] }), 500), { timeoutMs: 100 });
    expect(slow).toEqual({ kind: 'unavailable', reason: 'the registry did not answer in time' });
    const broken = await listWith((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    expect(broken).toMatchObject({ kind: 'unavailable', reason: 'the registry answered something that is not JSON' });
    const failing = await listWith((_req, res) => sendJson(res, 503, {}));
    expect(failing).toEqual({ kind: 'unavailable', reason: 'the registry answered HTTP 503' });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await listTags(repo, { baseUrl: `http://127.0.0.1:${port}` });
    expect(refused).toEqual({ kind: 'unavailable', reason: 'cannot reach the registry (ECONNREFUSED)' });
  });
});

describe('registryBaseUrl', () => {
  it.each([
    ['docker.io', 'https://registry-1.docker.io'],
    ['index.docker.io', 'https://registry-1.docker.io'],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['127.1.2.3', 'http://127.1.2.3'],
    ['localhost:5000', 'http://localhost:5000'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['ghcr.io', 'https://ghcr.io'],
    ['registry.example:8443', 'https://registry.example:8443'],
    ['10.0.0.5:5000', 'https://10.0.0.5:5000'],
  ])('%s -> %s', (domain, url) => {
    expect(registryBaseUrl(domain)).toBe(url);
  });
});

describe('parseBearerChallenge', () => {
  it('reads realm, service and scope', () => {
    expect(parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/x:pull"')).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/x:pull',
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(null)).toBeUndefined();
  });
});

describe('suggestTags', () => {
  it('puts the closest spellings first, then latest, then the registry order', () => {
    expect(suggestTags(['1.35', '1.36', '1.36.1', 'latest', 'musl', 'glibc'], '1.37', 3)).toEqual(['1.35', '1.36', '1.36.1']);
    expect(suggestTags(['a', 'b', 'latest'], undefined, 2)).toEqual(['latest', 'a']);
  });
});
