// Every command's name-taking arguments, fed hostile strings against a stand-in engine that
// records each request: none may answer `internal`, end the process, or send a path other
// than one of the Engine routes the command means, with user text only as a checked segment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { quote } from 'shlex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { loadConfig } from '../../src/config.js';
import { engineSegment } from '../../src/docker/engine-guard.js';
import { createApp, type App } from '../../src/main.js';
import { startStandInEngine, type StandInEngine } from '../support/stand-in-engine.js';

export const HOSTILE_NAMES = [
  '',
  '.',
  '..',
  '/',
  '../../version?',
  'NAME/logs?tail=1&',
  '%2e%2e',
  '%2e%2e%2fversion',
  'a?b',
  'a#b',
  'a&b=1',
  'a\u0000b',
  'a b',
  ' ',
  'x'.repeat(300),
  '🐳',
  '; rm -rf /',
  'a/../../info',
  'a\r\nHost: evil',
];

/** Engine routes a command may mean; `{}` is one checked name segment, `{ref}` an image reference. */
const ROUTES = [
  '/_ping',
  '/version',
  '/info',
  '/system/df',
  '/containers/json',
  '/containers/create',
  '/containers/prune',
  '/images/json',
  '/images/create',
  '/images/prune',
  '/containers/{}/json',
  '/containers/{}/logs',
  '/containers/{}/start',
  '/containers/{}/stop',
  '/containers/{}/restart',
  '/containers/{}/wait',
  '/containers/{}',
  '/images/{ref}/json',
  '/images/{ref}/history',
  '/images/{ref}/tag',
  '/images/{ref}',
  '/services',
  '/services/{}',
  '/services/{}/logs',
  '/tasks',
  '/nodes',
].map((r) => new RegExp(`^(/v[\\d.]+)?${r.replace('{}', '[A-Za-z0-9][A-Za-z0-9_.-]*').replace('{ref}', '[a-z0-9][a-z0-9._/:@-]*')}$`));

const QUERY_KEYS = new Set(['all', 'filters', 'size', 'limit', 'digests', 'tail', 'stdout', 'stderr', 'timestamps', 'since', 'until', 'follow', 'name', 'force', 'v', 'link', 'noprune', 'fromImage', 'tag', 'repo', 't', 'condition', 'shared-size', 'status']);

const admin = { platform: 'shell', userId: 'tester', trustedRole: 'admin' as const };

let engine: StandInEngine;
let app: App;

beforeAll(async () => {
  engine = await startStandInEngine();
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-names-'));
  const config = loadConfig({ DOCKER_HOST: engine.dockerHost, DOCKBOT_DATA_DIR: dataDir, }, dataDir);
  app = createApp(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  await engine?.close();
});

/** The lines to try: each positional that names an object, and each name-taking flag. */
function linesFor(hostile: string): string[] {
  const q = quote(hostile);
  const lines: string[] = [];
  for (const command of commands) {
    if (command.freeText) continue;
    const dry = command.mutating ? ' --dry-run' : '';
    for (const [i, p] of (command.positionals ?? []).entries()) {
      if (command.name === 'help' || (!p.complete && command.name !== 'inspect' && command.name !== 'tag')) continue;
      if (command.name === 'tag') lines.push(i === 0 ? `tag ${q} ok:1` : `tag busybox ${q}`);
      else if (i === 0) lines.push(`${command.name}${dry} ${q}`);
    }
  }
  // Swarm: services by name or id, stacks as a label filter value.
  lines.push(`service ps ${q}`, `service logs ${q}`, `service inspect ${q}`, `service rollback --dry-run ${q}`, `service update --dry-run --image busybox ${q}`, `service scale --dry-run ${quote(`${hostile}=2`)}`, `stack ps ${q}`);
  lines.push(`inspect --type container ${q}`, `inspect --type image ${q}`, `run --dry-run --name ${q} busybox`, `run --dry-run --network ${q} busybox`, `rm -f ${q}`, `stop ok ${q}`);
  return lines;
}

describe('names from users reach the Engine API only checked and escaped', () => {
  it('refuses each hostile string with a coded answer and sends no request naming it', async () => {
    const seen: string[] = [];
    for (const hostile of HOSTILE_NAMES) {
      for (const line of linesFor(hostile)) {
        const before = engine.requests.length;
        const outcome = await app.dispatcher.handle({ id: `names-${seen.length}`, text: line, requester: admin, confirmed: false });
        seen.push(line);
        expect(outcome.error?.code, `${line}: ${outcome.error?.message}`).not.toBe('internal');
        // `images REPOSITORY` is a filter, not a path: an empty one lists everything, as the CLI does.
        if (!line.startsWith('images ')) expect(outcome.ok, line).toBe(false);
        for (const r of engine.requests.slice(before)) {
          expect(ROUTES.some((route) => route.test(r.path)), `${line} sent ${r.method} ${r.url}`).toBe(true);
          // The query is the command's own: none of the user's `&key=` pairs (user text only inside a value).
          const keys = [...new URLSearchParams(r.url.split('?')[1] ?? '').keys()];
          expect(keys.filter((k) => !QUERY_KEYS.has(k)), `${line} sent ${r.url}`).toEqual([]);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(HOSTILE_NAMES.length * 10);
  });

  it('names the kind of object and the grammar in the refusal', async () => {
    const outcome = await app.dispatcher.handle({ id: 'names-logs', text: "logs 'NAME/logs?tail=1&'", requester: admin });
    expect(outcome.error).toMatchObject({ code: 'invalid_argument' });
    expect(outcome.error?.message).toContain('is not a valid container name');
    expect(outcome.error?.hint).toMatch(/letter or digit/);
    const image = await app.dispatcher.handle({ id: 'names-image', text: "image rm '../../version?'", requester: admin });
    expect(image.error?.code).toBe('invalid_reference');
  });

  it('lets valid names through as the path segment the command means', async () => {
    const before = engine.requests.length;
    const service = await app.dispatcher.handle({ id: 'names-valid-service', text: 'service inspect shop_web-1', requester: admin });
    expect(service.error?.code).not.toBe('internal');
    expect(engine.requests.at(-1)?.path).toMatch(/\/services\/shop_web-1$/);
    const outcome = await app.dispatcher.handle({ id: 'names-valid', text: 'logs /web_1.blue-2', requester: admin });
    expect(outcome.error?.code).toBe('not_found');
    expect(engine.requests.slice(before).map((r) => r.path)).toContainEqual(expect.stringMatching(/\/containers\/web_1\.blue-2\/json$/));
    for (const line of ['inspect --type image 127.0.0.1:5000/team/app:v1', 'inspect 127.0.0.1:5000/team/app:v1']) {
      // Without --type, a reference that cannot be a container name is tried as an image.
      const image = await app.dispatcher.handle({ id: 'names-valid-image', text: line, requester: admin });
      expect(image.error?.code, line).toBe('not_found');
      expect(engine.requests.at(-1)?.path).toMatch(/\/images\/127\.0\.0\.1:5000\/team\/app:v1\/json$/);
    }
  });

  it('escapes a segment even where the grammar would let an odd character through', () => {
    expect(engineSegment('container', '/web')).toBe('web');
    expect(() => engineSegment('container', 'a/b')).toThrow(/not a valid container name/);
    expect(() => engineSegment('exec', 'zz')).toThrow(/not a valid exec name/);
    expect(() => engineSegment('volume', 'x'.repeat(256))).toThrow(/longer than 255/);
  });
});
