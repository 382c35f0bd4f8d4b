// The build webhook and Docker Hub's push webhook, mounted on a plain node:http server as the
// shared server mounts them: signatures, replays, size limits, and what reaches the channel.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plainText } from '../../../src/core/reply.js';
import type { Route } from '../../../src/metrics.js';
import { Notifier } from '../../../src/notify/notifier.js';
import { MAX_WEBHOOK_BODY, signBody, webhookRoutes } from '../../../src/notify/webhooks.js';
import { DeliveryLog } from '../../../src/store/deliveries.js';
import { RecordingTarget } from '../../support/notify.js';

const SECRET = 'a-webhook-secret-of-some-length';

function serve(routes: Route[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const route = routes.find((r) => r.path === path && r.methods.includes(req.method ?? ''));
    if (!route) return void res.writeHead(404).end();
    void Promise.resolve(route.handler(req, res)).catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('webhooks', () => {
  let team: RecordingTarget;
  let dataDir: string;
  let server: Server;
  let url: string;

  const make = (secret: string | undefined) => {
    const notifier = new Notifier({ channels: ['slack:CBUILDS'], cooldownMs: 60_000, log: pino({ level: 'silent' }) });
    notifier.register(team);
    return webhookRoutes({ secret, deliveries: new DeliveryLog(join(dataDir, 'deliveries.jsonl')), notify: (n) => notifier.notify(n), log: pino({ level: 'silent' }) });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dockbot-hooks-'));
    team = new RecordingTarget();
    ({ server, url } = await serve(make(SECRET)));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => void team.posted.splice(0));

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const report = (extra: object = {}) => JSON.stringify({ id: 'ci-41', status: 'failed', image: 'demo:v1', source: 'ci', durationSeconds: 12, log: 'step 1\nstep 2\nerror: <!channel> broke', ...extra });

  it('posts a signed build report to the team channel', async () => {
    const body = report();
    const res = await post('/hooks/build', body, { 'x-dockbot-signature': signBody(SECRET, body) });
    expect(res.status).toBe(202);
    expect(team.posted).toHaveLength(1);
    const shown = plainText(team.posted[0]!.reply);
    expect(shown).toMatch(/^Build failed: demo:v1/);
    expect(shown).toContain('error: <!channel> broke'); // a value: the renderer escapes it
    expect(team.posted[0]!.channel).toBe('CBUILDS');
  });

  it('a bad or missing signature is 401 and nothing is posted', async () => {
    const body = report({ id: 'ci-bad' });
    for (const headers of [{} as Record<string, string>, { 'x-dockbot-signature': signBody('another-secret-entirely', body) }, { 'x-dockbot-signature': 'sha256=' + '0'.repeat(64) }, { 'x-dockbot-signature': 'sha256=zz' }]) {
      expect((await post('/hooks/build', body, headers)).status).toBe(401);
    }
    // A body changed after signing fails too.
    expect((await post('/hooks/build', report({ id: 'ci-bad', status: 'succeeded' }), { 'x-dockbot-signature': signBody(SECRET, body) })).status).toBe(401);
    expect(team.posted).toEqual([]);
  });

  it('a replayed delivery is posted once, also after a restart', async () => {
    const body = report({ id: 'ci-replay', status: 'succeeded' });
    const signed = { 'x-dockbot-signature': signBody(SECRET, body) };
    expect((await post('/hooks/build', body, signed)).status).toBe(202);
    expect(await (await post('/hooks/build', body, signed)).json()).toEqual({ ok: true, duplicate: true });
    const again = await serve(make(SECRET));
    try {
      const res = await fetch(`${again.url}/hooks/build`, { method: 'POST', body, headers: signed });
      expect(await res.json()).toEqual({ ok: true, duplicate: true });
    } finally {
      await new Promise<void>((r) => again.server.close(() => r()));
    }
    expect(team.posted).toHaveLength(1);
  });

  it('a body over the limit is 413; a signed body that is not a report is 400', async () => {
    const big = JSON.stringify({ id: 'x', status: 'failed', image: 'a', source: 'b', log: 'x'.repeat(MAX_WEBHOOK_BODY) });
    expect((await post('/hooks/build', big, { 'x-dockbot-signature': signBody(SECRET, big) })).status).toBe(413);
    const odd = JSON.stringify({ id: 'x', status: 'exploded', image: 'a', source: 'b' });
    expect((await post('/hooks/build', odd, { 'x-dockbot-signature': signBody(SECRET, odd) })).status).toBe(400);
    expect(team.posted).toEqual([]);
  });

  it("takes Docker Hub's push webhook on the secret path only", async () => {
    const hub = JSON.stringify({ callback_url: 'https://registry.hub.docker.com/u/acme/web/hook/abc/', push_data: { pushed_at: 1700000000, pusher: 'ann', tag: 'v2' }, repository: { repo_name: 'acme/web', repo_url: 'https://hub.docker.com/r/acme/web' } });
    expect((await post('/hooks/dockerhub/wrong-secret-value', hub)).status).toBe(404);
    expect((await post(`/hooks/dockerhub/${SECRET}`, hub)).status).toBe(202);
    expect((await post(`/hooks/dockerhub/${SECRET}`, hub)).status).toBe(200); // the same delivery again
    expect(team.posted).toHaveLength(1);
    expect(plainText(team.posted[0]!.reply)).toMatch(/acme\/web:v2[\s\S]*Docker Hub \(pushed by ann\)/);
  });

  it('without DOCKBOT_WEBHOOK_SECRET the hook is off (503) and there is no Docker Hub path', async () => {
    const off = make(undefined);
    expect(off.map((r) => r.path)).toEqual(['/hooks/build']);
    const s = await serve(off);
    try {
      const body = report({ id: 'nosecret' });
      expect((await fetch(`${s.url}/hooks/build`, { method: 'POST', body })).status).toBe(503);
    } finally {
      await new Promise<void>((r) => s.server.close(() => r()));
    }
    expect(team.posted).toEqual([]);
  });
});
