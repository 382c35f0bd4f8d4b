// A small client for the registry HTTP API v2: enough to tell a user who asked for a missing
// tag whether the repository exists and which tags it does have. Anonymous only: dockbot
// holds no registry credentials, so a registry that wants them is reported as such.
import { distance } from 'fastest-levenshtein';
import { isIP } from 'node:net';
import { canonicalRegistryDomain, DEFAULT_DOMAIN } from './reference.js';

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
  fetch?: typeof fetch;
}

const DOCKER_HUB_API = 'https://registry-1.docker.io';

/** Registries on loopback are spoken to in plain HTTP, as the engine does; every other one in HTTPS. */
export function registryBaseUrl(domain: string): string {
  if (canonicalRegistryDomain(domain) === DEFAULT_DOMAIN) return DOCKER_HUB_API;
  return `${isLoopback(domain) ? 'http' : 'https'}://${domain}`;
}

function isLoopback(domain: string): boolean {
  const host = hostOf(domain);
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
  const base = options.baseUrl ?? registryBaseUrl(repository.domain);
  let url: string | undefined = `${base}/v2/${repository.path}/tags/list`;
  let token: string | undefined;
  const tags: string[] = [];
  try {
    for (let page = 0; url && page < (options.maxPages ?? 5); page++) {
      let response: Response = await doFetch(url, { signal, headers: authorization(token) });
      if (response.status === 401 && token === undefined) {
        token = await anonymousToken(response.headers.get('www-authenticate'), doFetch, signal);
        if (token === undefined) return { kind: 'auth_required' };
        response = await doFetch(url, { signal, headers: authorization(token) });
      }
      if (response.status === 401 || response.status === 403) return { kind: 'auth_required' };
      if (response.status === 404) return { kind: 'no_repository' };
      if (!response.ok) return { kind: 'unavailable', reason: `the registry answered HTTP ${response.status}` };
      const body = (await response.json()) as { tags?: unknown };
      if (body.tags !== null && body.tags !== undefined && !Array.isArray(body.tags)) {
        return { kind: 'unavailable', reason: 'the registry answered something that is not a tag list' };
      }
      tags.push(...(body.tags ?? []).filter((t): t is string => typeof t === 'string'));
      url = nextPage(response.headers.get('link'), url);
    }
  } catch (err) {
    return { kind: 'unavailable', reason: describeFetchError(err) };
  }
  return { kind: 'found', tags };
}

const authorization = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** The token server's anonymous token for a `Bearer realm=...,service=...,scope=...` challenge. */
async function anonymousToken(challenge: string | null, doFetch: typeof fetch, signal: AbortSignal): Promise<string | undefined> {
  const params = parseBearerChallenge(challenge);
  if (!params?.realm) return undefined;
  let realm: URL;
  try {
    realm = new URL(params.realm);
  } catch {
    return undefined;
  }
  for (const key of ['service', 'scope'] as const) {
    const value = params[key];
    if (value) realm.searchParams.set(key, value);
  }
  const response = await doFetch(realm, { signal });
  if (!response.ok) return undefined;
  const body = (await response.json()) as { token?: unknown; access_token?: unknown };
  const token = body.token ?? body.access_token;
  return typeof token === 'string' && token ? token : undefined;
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

/** RFC 5988 `Link: </v2/x/tags/list?last=y&n=100>; rel="next"`, relative to the current page. */
function nextPage(link: string | null, current: string): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link) : null;
  return match ? new URL(match[1] as string, current).toString() : undefined;
}

function describeFetchError(err: unknown): string {
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
