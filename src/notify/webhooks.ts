// Builds reported from elsewhere (CI, Docker Hub) reach the team channels through two routes
// of the shared HTTP server:
// - `POST /hooks/build`: JSON {id, status, image, source, url?, durationSeconds?, log?} signed
//   with `X-Dockbot-Signature: sha256=<hex HMAC-SHA256 of the raw body with DOCKBOT_WEBHOOK_SECRET>`;
// - `POST /hooks/dockerhub/<DOCKBOT_WEBHOOK_SECRET>`: Docker Hub's push webhook (it cannot sign).
// A bad or missing signature is 401 and nothing is posted; a repeated delivery id is posted
// once; a body over the limit is 413.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Route } from '../metrics.js';
import type { DeliveryLog } from '../store/deliveries.js';
import { buildNotice } from './build-notices.js';
import type { Notification } from './notifier.js';

export const MAX_WEBHOOK_BODY = 64 * 1024;
export const SIGNATURE_HEADER = 'x-dockbot-signature';

const text = (max: number) => z.string().min(1).max(max);
const buildHook = z
  .object({
    id: text(200),
    status: z.enum(['started', 'succeeded', 'failed']),
    image: text(300),
    source: text(200),
    url: z.string().url().max(2000).refine((u) => /^https?:\/\//.test(u), 'an http(s) URL').optional(),
    durationSeconds: z.number().nonnegative().max(7 * 24 * 3600).optional(),
    log: z.string().max(MAX_WEBHOOK_BODY).optional(),
  })
  .strict();

const dockerHubHook = z.object({
  callback_url: z.string().max(2000).optional(),
  push_data: z.object({ pushed_at: z.number().optional(), pusher: z.string().max(200).optional(), tag: z.string().max(200).optional() }).passthrough(),
  repository: z.object({ repo_name: text(300), repo_url: z.string().max(2000).optional() }).passthrough(),
});

export interface WebhookDeps {
  secret: string | undefined;
  deliveries: DeliveryLog;
  notify: (n: Notification) => Promise<unknown>;
  log: Logger;
}

/** The signature a sender puts in X-Dockbot-Signature for `body`. */
export const signBody = (secret: string, body: string | Buffer): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function verify(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sameSecret(secret: string, given: string): boolean {
  const a = createHmac('sha256', 'path').update(secret).digest();
  const b = createHmac('sha256', 'path').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The raw body, or null after answering 413 when it is over the limit. */
async function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_WEBHOOK_BODY) {
    answer(res, 413, { error: `body over ${MAX_WEBHOOK_BODY} bytes` });
    req.resume();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BODY) {
      answer(res, 413, { error: `body over ${MAX_WEBHOOK_BODY} bytes` });
      req.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const answer = (res: ServerResponse, status: number, body: object): void => {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');
};

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

const logExcerpt = (log: string | undefined): string[] | undefined => (log ? log.split('\n').filter((l) => l.trim()).slice(-10) : undefined);

export const DOCKER_HUB_PREFIX = '/hooks/dockerhub/';

/** The routes to mount on the shared HTTP server. Without a secret the hooks answer 503: nothing unsigned is ever posted. */
export function webhookRoutes(deps: WebhookDeps): Route[] {
  const build: Route = {
    methods: ['POST'],
    path: '/hooks/build',
    async handler(req, res) {
      if (!deps.secret) return answer(res, 503, { error: 'DOCKBOT_WEBHOOK_SECRET is not set: webhooks are off' });
      const body = await readBody(req, res);
      if (!body) return;
      if (!verify(deps.secret, body, req.headers[SIGNATURE_HEADER])) return answer(res, 401, { error: 'bad or missing X-Dockbot-Signature' });
      const parsed = buildHook.safeParse(parseJson(body));
      if (!parsed.success) return answer(res, 400, { error: 'not a build report', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) });
      const hook = parsed.data;
      // The id names a delivery of one status: "started" and "succeeded" of one build are two.
      if (!deps.deliveries.claim(`build:${hook.id}:${hook.status}`)) return answer(res, 200, { ok: true, duplicate: true });
      await deps.notify(
        buildNotice({
          id: hook.id,
          status: hook.status,
          image: hook.image,
          source: hook.source,
          ...(hook.url ? { url: hook.url } : {}),
          ...(hook.durationSeconds === undefined ? {} : { durationSeconds: hook.durationSeconds }),
          ...(hook.log ? { excerpt: logExcerpt(hook.log) } : {}),
        }),
      );
      answer(res, 202, { ok: true });
    },
  };
  if (!deps.secret) return [build];
  const secret = deps.secret;
  const dockerHub: Route = {
    methods: ['POST'],
    path: `${DOCKER_HUB_PREFIX}${secret}`,
    async handler(req, res) {
      const given = (req.url ?? '').split('?')[0]!.slice(DOCKER_HUB_PREFIX.length);
      if (!sameSecret(secret, given)) return answer(res, 401, { error: 'unknown hook' });
      const body = await readBody(req, res);
      if (!body) return;
      const parsed = dockerHubHook.safeParse(parseJson(body));
      if (!parsed.success) return answer(res, 400, { error: 'not a Docker Hub push webhook' });
      const hook = parsed.data;
      const tag = hook.push_data.tag ?? 'latest';
      const image = `${hook.repository.repo_name}:${tag}`;
      const delivery = `dockerhub:${hook.callback_url ?? `${image}@${hook.push_data.pushed_at ?? ''}`}`;
      if (!deps.deliveries.claim(delivery)) return answer(res, 200, { ok: true, duplicate: true });
      await deps.notify(
        buildNotice({
          id: delivery,
          status: 'succeeded',
          image,
          source: `Docker Hub${hook.push_data.pusher ? ` (pushed by ${hook.push_data.pusher})` : ''}`,
          ...(hook.repository.repo_url && /^https:\/\//.test(hook.repository.repo_url) ? { url: hook.repository.repo_url } : {}),
        }),
      );
      answer(res, 202, { ok: true });
    },
  };
  return [build, dockerHub];
}
