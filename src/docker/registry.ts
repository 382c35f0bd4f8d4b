// A small client for the registry HTTP API v2: enough to tell a user who asked for a missing
// tag whether the repository exists and which tags it does have. Anonymous only: dockbot
// holds no registry credentials, so a registry that wants them is reported as such.
//
// The host comes from an image name anyone may type, so what it answers is not trusted:
// redirects and `Link` pages are followed only on the registry's own origin, a token realm
// must be HTTPS (plain HTTP only on loopback, for a loopback registry), every body is capped
// in size and every listing in time, and tags that break the tag grammar are dropped.
import { distance } from 'fastest-levenshtein';
import { isIP } from 'node:net';
import { canonicalRegistryDomain, DEFAULT_DOMAIN, parseRepositoryName, withTag } from './reference.js';

/** What the registry said about a repository's tags. */
export type TagListing =
  | { kind: 'found'; tags: string[] }
  /** The registry answered that it has no repository of that name. */
  | { kind: 'no_repository' }
  /** The registry wants credentials (or, like Docker Hub, says so for repositories that do not exist). */
  | { kind: 'auth_required' }
  /** No answer we could use: network error, timeout, or something that is not a registry. */
  | { kind: 'unavailable'; reason: string };

export interface RegistryClientOptions {
  /** Replaces the URL derived from the domain (tests). */
  baseUrl?: string;
  /** Budget for every request of one listing together. */
  timeoutMs?: number;
  /** Upper bound on `Link: rel="next"` pages followed. */
  maxPages?: number;
  /** Upper bound on the bytes of one response body (default 1 MiB). */
  maxBodyBytes?: number;
  fetch?: typeof fetch;
}

/** Default cap of one response body. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Same-origin redirects followed for one request, at most. */
const MAX_REDIRECTS = 3;

/** A registry answer that is not used, with the reason (caught in listTags). */
class Refused extends Error {
  override readonly name = 'Refused';
}

const DOCKER_HUB_API = 'https://registry-1.docker.io';

/** Registries on loopback are spoken to in plain HTTP, as the engine does; every other one in HTTPS. */
export function registryBaseUrl(domain: string): string {
  if (canonicalRegistryDomain(domain) === DEFAULT_DOMAIN) return DOCKER_HUB_API;
  return `${isLoopback(domain) ? 'http' : 'https'}://${domain}`;
}

function isLoopback(domain: string): boolean {
  return isLoopbackHost(hostOf(domain));
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` -> host without brackets or port. */
function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const colon = domain.lastIndexOf(':');
  return colon < 0 ? domain : domain.slice(0, colon);
}

/**
 * Lists the tags of `domain/path` (GET /v2/<path>/tags/list), answering a Bearer challenge with
 * an anonymous token as `docker pull` does. Never throws: failures are a `TagListing`.
 */
export async function listTags(repository: { domain: string; path: string }, options: RegistryClientOptions = {}): Promise<TagListing> {
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5000);
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const base = options.baseUrl ?? registryBaseUrl(repository.domain);
  let url: string | undefined;
  let origin: string;
  try {
    // The path goes into the URL: only a repository name by the grammar (no `..`, `?`, `#`).
    parseRepositoryName(repository.path);
    url = new URL(`${base}/v2/${repository.path}/tags/list`).toString();
    origin = new URL(url).origin;
  } catch {
    return { kind: 'unavailable', reason: 'not a repository name a registry can be asked about' };
  }
  const get = (target: string, headers: Record<string, string>): Promise<Response> => fetchOnOrigin(doFetch, target, origin, { signal, headers });
  let token: string | undefined;
  const tags: string[] = [];
  try {
    for (let page = 0; url && page < (options.maxPages ?? 5); page++) {
      let response: Response = await get(url, authorization(token));
      if (response.status === 401 && token === undefined) {
        await response.body?.cancel().catch(() => undefined);
        token = await anonymousToken(response.headers.get('www-authenticate'), { doFetch, signal, maxBody, registryOrigin: origin });
        if (token === undefined) return { kind: 'auth_required' };
        response = await get(url, authorization(token));
      }
      if (response.status === 401 || response.status === 403) return { kind: 'auth_required' };
      if (response.status === 404) return { kind: 'no_repository' };
      if (!response.ok) return { kind: 'unavailable', reason: `the registry answered HTTP ${response.status}` };
      const body = (await readJson(response, maxBody)) as { tags?: unknown } | null;
      if (body === null || typeof body !== 'object' || (body.tags !== null && body.tags !== undefined && !Array.isArray(body.tags))) {
        return { kind: 'unavailable', reason: 'the registry answered something that is not a tag list' };
      }
      tags.push(...((body.tags ?? []) as unknown[]).filter(isTag));
      url = nextPage(response.headers.get('link'), url, origin);
    }
  } catch (err) {
    return { kind: 'unavailable', reason: describeFetchError(err) };
  }
  return { kind: 'found', tags };
}

const TAG_PROBE = parseRepositoryName('probe');

/** A tag by the grammar of distribution/reference: safe to show and to put into a command. */
export function isTag(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    withTag(TAG_PROBE, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * GET that follows redirects only while they stay on `origin` (the registry's own scheme, host
 * and port); a redirect elsewhere is refused rather than followed.
 */
async function fetchOnOrigin(doFetch: typeof fetch, url: string, origin: string, init: { signal: AbortSignal; headers?: Record<string, string> }): Promise<Response> {
  let target = url;
  for (let hop = 0; ; hop++) {
    if (new URL(target).origin !== origin) throw new Refused(`the registry pointed to another host (${new URL(target).host}); not followed`);
    const response = await doFetch(target, { ...init, redirect: 'manual' });
    if (response.status < 300 || response.status > 399 || response.status === 304) return response;
    const location = response.headers.get('location');
    await response.body?.cancel().catch(() => undefined);
    if (!location) throw new Refused(`the registry answered HTTP ${response.status} without a location`);
    if (hop >= MAX_REDIRECTS) throw new Refused('the registry redirected too many times');
    target = new URL(location, target).toString();
  }
}

/** The body as JSON, read up to `maxBytes`: a bigger answer is refused, not buffered. */
async function readJson(response: Response, maxBytes: number): Promise<unknown> {
  const tooBig = (): Refused => new Refused(`the registry's answer is larger than ${Math.round(maxBytes / 1024)} KiB; not read`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) throw new SyntaxError('the answer has no body');
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

const authorization = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

interface TokenRequest {
  doFetch: typeof fetch;
  signal: AbortSignal;
  maxBody: number;
  /** Origin of the registry that sent the challenge. */
  registryOrigin: string;
}

/**
 * The token server's anonymous token for a `Bearer realm=...,service=...,scope=...` challenge.
 * The realm must be HTTPS; plain HTTP only on loopback when the registry itself is on loopback
 * (a remote registry must not point dockbot at services on its own host).
 */
async function anonymousToken(challenge: string | null, request: TokenRequest): Promise<string | undefined> {
  const params = parseBearerChallenge(challenge);
  if (!params?.realm) return undefined;
  let realm: URL;
  try {
    realm = new URL(params.realm);
  } catch {
    return undefined;
  }
  if (!isAcceptableRealm(realm, new URL(request.registryOrigin))) return undefined;
  for (const key of ['service', 'scope'] as const) {
    const value = params[key];
    if (value) realm.searchParams.set(key, value);
  }
  const response = await fetchOnOrigin(request.doFetch, realm.toString(), realm.origin, { signal: request.signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const body = (await readJson(response, request.maxBody)) as { token?: unknown; access_token?: unknown } | null;
  const token = body?.token ?? body?.access_token;
  return typeof token === 'string' && token ? token : undefined;
}

/** HTTPS anywhere without credentials in the URL; HTTP only on loopback, and only for a loopback registry. */
export function isAcceptableRealm(realm: URL, registry: URL): boolean {
  if (realm.username || realm.password) return false;
  if (realm.protocol === 'https:') return true;
  const host = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');
  return realm.protocol === 'http:' && isLoopbackHost(host(realm)) && isLoopbackHost(host(registry));
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="..."`. */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.slice(header.indexOf(' ') + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    params[(match[1] as string).toLowerCase()] = match[2] as string;
  }
  return params;
}

/**
 * RFC 5988 `Link: </v2/x/tags/list?last=y&n=100>; rel="next"`, relative to the current page.
 * A next page on another origin ends the listing: it is not followed.
 */
function nextPage(link: string | null, current: string, origin: string): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link) : null;
  if (!match) return undefined;
  try {
    const next = new URL(match[1] as string, current);
    return next.origin === origin ? next.toString() : undefined;
  } catch {
    return undefined;
  }
}

function describeFetchError(err: unknown): string {
  if (err instanceof Refused) return err.message;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'the registry did not answer in time';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `cannot reach the registry (${cause.code})`;
  if (cause?.message) return `cannot reach the registry (${cause.message})`;
  if (err instanceof SyntaxError) return 'the registry answered something that is not JSON';
  return `cannot reach the registry (${err instanceof Error ? err.message : String(err)})`;
}

/**
 * A few of the registry's tags worth showing someone who asked for `wanted`: the closest
 * spellings first, `latest` next, then the registry's order.
 */
export function suggestTags(tags: readonly string[], wanted: string | undefined, limit = 8): string[] {
  const ranked = tags.map((tag, index) => ({
    tag,
    index,
    score: wanted === undefined ? 0 : distance(tag.toLowerCase(), wanted.toLowerCase()) / Math.max(tag.length, wanted.length, 1),
  }));
  ranked.sort((a, b) => a.score - b.score || Number(b.tag === 'latest') - Number(a.tag === 'latest') || a.index - b.index);
  return ranked.slice(0, limit).map((r) => r.tag);
}
