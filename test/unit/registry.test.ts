// The registry API v2 client against a tiny local HTTP server: tags, a missing repository,
// anonymous Bearer tokens, registries that want credentials, pagination and timeouts; and what
// a hostile registry may answer: redirects and pages elsewhere, realms in plain HTTP, huge or
// endless bodies, tags that are not tags.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAcceptableRealm, isTag, listTags, parseBearerChallenge, registryBaseUrl, suggestTags } from '../../src/docker/registry.js';

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

async function listWith(h: Handler, options: { timeoutMs?: number; maxBodyBytes?: number } = {}) {
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

/** A second server on another port: another origin, which must never be asked anything. */
async function elsewhere(): Promise<{ base: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const other = createServer((req, res) => {
    hits.push(req.url ?? '');
    sendJson(res, 200, { token: 'stolen', tags: ['from-elsewhere'] });
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(other.address() as { port: number }).port}`,
    hits,
    close: () => new Promise<void>((r) => other.close(() => r())),
  };
}

describe('listTags against a registry that is not to be trusted', () => {
  it('follows a redirect on the same origin only; one elsewhere is refused, not followed', async () => {
    const same = await listWith((req, res) => {
      if (req.url === '/v2/team/app/tags/list') res.writeHead(307, { location: '/v2/team/app/tags/list?moved=1' }).end();
      else if (req.url === '/v2/team/app/tags/list?moved=1') sendJson(res, 200, { tags: ['moved'] });
      else sendJson(res, 404, {});
    });
    expect(same).toEqual({ kind: 'found', tags: ['moved'] });

    const other = await elsewhere();
    try {
      const listing = await listWith((_req, res) => res.writeHead(302, { location: `${other.base}/v2/team/app/tags/list` }).end());
      expect(listing).toEqual({ kind: 'unavailable', reason: expect.stringContaining('another host') as string });
      expect(other.hits).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('stops after a few redirects', async () => {
    const listing = await listWith((req, res) => res.writeHead(302, { location: `${req.url ?? ''}x` }).end());
    expect(listing).toEqual({ kind: 'unavailable', reason: 'the registry redirected too many times' });
    expect(seen.length).toBe(4);
  });

  it('follows Link pages on the same origin only', async () => {
    const other = await elsewhere();
    try {
      const listing = await listWith((req, res) => {
        if (req.url === '/v2/team/app/tags/list') sendJson(res, 200, { tags: ['a'] }, { link: `<${other.base}/v2/team/app/tags/list?last=a>; rel="next"` });
        else sendJson(res, 404, {});
      });
      expect(listing).toEqual({ kind: 'found', tags: ['a'] });
      expect(other.hits).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('sends the token only to the registry: a page on another origin gets no request at all', async () => {
    const other = await elsewhere();
    try {
      const listing = await listWith((req, res, b) => {
        if (req.url?.startsWith('/token')) sendJson(res, 200, { token: 'anon-123' });
        else if (req.headers.authorization === 'Bearer anon-123') sendJson(res, 200, { tags: ['x'] }, { link: `<${other.base}/v2/team/app/tags/list?n=1>; rel="next"` });
        else sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${b}/token"` });
      });
      expect(listing).toEqual({ kind: 'found', tags: ['x'] });
      expect(other.hits).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('asks a token realm only over HTTPS, or plain HTTP on loopback for a loopback registry', async () => {
    const asked: string[] = [];
    const fakeFetch = (realm: string) =>
      (async (input: string | URL | Request) => {
        const url = String(input instanceof Request ? input.url : input);
        asked.push(url);
        if (url.startsWith('https://registry.example/v2/')) {
          return new Response('{}', { status: 401, headers: { 'www-authenticate': `Bearer realm="${realm}",service="registry.example"` } });
        }
        return new Response(JSON.stringify({ token: 't' }), { status: 200 });
      }) as typeof fetch;
    const remote = { domain: 'registry.example', path: 'team/app' };

    for (const realm of ['http://auth.example/token', `${base}/token`, 'http://localhost/token', 'http://[::1]:9/token', 'ftp://auth.example/token', 'https://user:pw@auth.example/token']) {
      asked.length = 0;
      expect({ realm, listing: await listTags(remote, { fetch: fakeFetch(realm) }) }).toEqual({ realm, listing: { kind: 'auth_required' } });
      expect(asked).toEqual(['https://registry.example/v2/team/app/tags/list']);
    }
    asked.length = 0;
    await listTags(remote, { fetch: fakeFetch('https://auth.example/token') });
    expect(asked[1]).toBe('https://auth.example/token?service=registry.example');

    expect(isAcceptableRealm(new URL('http://127.0.0.1:5000/token'), new URL('http://127.0.0.1:5001'))).toBe(true);
    expect(isAcceptableRealm(new URL('http://[::1]:5000/token'), new URL('http://localhost:5001'))).toBe(true);
    expect(isAcceptableRealm(new URL('http://127.0.0.1:5000/token'), new URL('https://registry.example'))).toBe(false);
    expect(isAcceptableRealm(new URL('http://10.0.0.5/token'), new URL('http://127.0.0.1:5001'))).toBe(false);
  });

  it('does not follow a token realm that redirects elsewhere', async () => {
    const other = await elsewhere();
    try {
      const listing = await listWith((req, res, b) => {
        if (req.url?.startsWith('/token')) res.writeHead(302, { location: `${other.base}/token` }).end();
        else sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${b}/token"` });
      });
      expect(listing).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('another host') as string });
      expect(other.hits).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses bodies over the cap, announced or not, tag lists and tokens alike', async () => {
    const huge = JSON.stringify({ tags: Array.from({ length: 120_000 }, (_, i) => `tag-${i}`) });
    expect(huge.length).toBeGreaterThan(1024 * 1024);
    const announced = await listWith((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(huge)) }).end(huge));
    expect(announced).toEqual({ kind: 'unavailable', reason: "the registry's answer is larger than 1024 KiB; not read" });
    const streamed = await listWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // No content-length: chunked, and the cap applies as the bytes come.
      for (let i = 0; i < huge.length; i += 64 * 1024) res.write(huge.slice(i, i + 64 * 1024));
      res.end();
    });
    expect(streamed).toEqual({ kind: 'unavailable', reason: "the registry's answer is larger than 1024 KiB; not read" });
    const token = await listWith(
      (req, res, b) => {
        if (req.url?.startsWith('/token')) sendJson(res, 200, { token: 'x'.repeat(4096) });
        else sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${b}/token"` });
      },
      { maxBodyBytes: 1024 },
    );
    expect(token).toEqual({ kind: 'unavailable', reason: "the registry's answer is larger than 1 KiB; not read" });
  });

  it('gives up on a body that never ends', async () => {
    const started = performance.now();
    const listing = await listWith(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"tags":["a"');
        const drip = setInterval(() => res.write(',"b"'), 20);
        res.on('close', () => clearInterval(drip));
      },
      { timeoutMs: 300 },
    );
    expect(listing).toEqual({ kind: 'unavailable', reason: 'the registry did not answer in time' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('keeps only tags by the grammar', async () => {
    const listing = await listWith((_req, res) =>
      sendJson(res, 200, { tags: ['1.0', 'ok_tag', '-rf', '.hidden', 'a b', 'x;rm -rf /', 'new\nline', 'x'.repeat(129), 'café', '', 42, null, { tag: 'obj' }] }),
    );
    expect(listing).toEqual({ kind: 'found', tags: ['1.0', 'ok_tag'] });
    expect(isTag('latest')).toBe(true);
    expect(isTag('x'.repeat(128))).toBe(true);
    expect(isTag('cmd:rm')).toBe(false);
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
