// Least privilege: every Engine API endpoint the commands call passes the socket proxy as
// deploy/compose.yaml configures it, and the proxy allows no API section no command uses.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { createLogger } from '../../src/log.js';
import { createApp, type App } from '../../src/main.js';
import { busybox, cleanup, dockerHost, registry, skipReason, TEST_LABEL } from '../support/engine.js';
import { startRecordingProxy, type RecordingProxy } from '../support/stand-in-engine.js';
import { startSwarmEngine, type SwarmEngine } from '../support/swarm-engine.js';

/** The API sections of tecnativa/docker-socket-proxy: a request passes when its section's variable is 1. */
const SECTIONS = ['auth', 'build', 'commit', 'configs', 'containers', 'distribution', 'events', 'exec', 'grpc', 'images', 'info', 'networks', 'nodes', 'ping', 'plugins', 'secrets', 'services', 'session', 'swarm', 'system', 'tasks', 'version', 'volumes'];
/** What the proxy allows when its variable is not set. */
const PROXY_DEFAULTS: Record<string, string> = { EVENTS: '1', PING: '1', VERSION: '1' };

const sectionOf = (path: string): string | undefined => SECTIONS.find((s) => new RegExp(`^(/v[\\d.]+)?/${s}(/|$)`, 'i').test(decodeURIComponent(path)));

function proxySettings(): Record<string, string> {
  const compose = parse(readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'compose.yaml'), 'utf8')) as {
    services: Record<string, { image?: string; environment?: Record<string, unknown> }>;
  };
  const proxy = Object.values(compose.services).find((s) => s.image?.startsWith('tecnativa/docker-socket-proxy'));
  if (!proxy) throw new Error('deploy/compose.yaml has no docker-socket-proxy service');
  const env = Object.fromEntries(Object.entries(proxy.environment ?? {}).map(([k, v]) => [k, String(v)]));
  return { ...PROXY_DEFAULTS, ...env };
}

describe.skipIf(skipReason)('socket proxy settings in deploy/compose.yaml', () => {
  let proxy: RecordingProxy;
  // The Swarm commands go to a Swarm manager of their own, through a recorder of its own.
  let swarm: SwarmEngine;
  let swarmProxy: RecordingProxy;
  let app: App;
  const requests = () => [...proxy.requests, ...swarmProxy.requests];
  const outcomes: Outcome[] = [];
  const label = `${TEST_LABEL}=least-privilege`;

  beforeAll(async () => {
    await cleanup('least-privilege');
    proxy = await startRecordingProxy(dockerHost);
    swarm = await startSwarmEngine();
    swarmProxy = await startRecordingProxy(swarm.dockerHost);
    await swarm.createService('lp-svc', ['--label', 'com.docker.stack.namespace=lp', '--update-monitor', '1s', '--rollback-monitor', '1s'], ['sh', '-c', 'echo ready; sleep 600']);
    await swarm.docker('tag', swarm.busybox, 'least/busybox:2');
    const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-least-'));
    // A build context, so `build` goes through the proxy too.
    const context = join(dataDir, 'context');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), `FROM ${busybox}\nLABEL ${label}\nRUN true\n`);
    writeFileSync(join(dataDir, 'dockbot.yaml'), `builds:\n  contexts:\n    lp: ${context}\nengines:\n  swarm: { host: "${swarmProxy.dockerHost}" }\n`);
    app = createApp(loadConfig({ DOCKER_HOST: proxy.dockerHost, DOCKBOT_DATA_DIR: dataDir, DOCKBOT_CONFIG: join(dataDir, 'dockbot.yaml') }, dataDir), createLogger('silent', 'stderr'));
    // The long-running bot watches the engine's events for notifications.
    await app.notifications.startWatching();
    const requester = { platform: 'shell', userId: 'least', trustedRole: 'admin' as const };
    const say = async (text: string) => {
      outcomes.push(await app.dispatcher.handle({ id: `lp-${outcomes.length}`, text, requester, confirmed: true, flagsConfirm: true }));
    };
    // Every command that talks to an engine, the way a team uses them.
    for (const line of [
      'ps -a',
      'images',
      'version',
      'info',
      'system df',
      'engines',
      `run -d --name lp-one -l ${label} ${busybox} sleep 300`,
      `run --rm -l ${label} ${busybox} echo hello`,
      'logs lp-one',
      'inspect lp-one',
      `inspect ${busybox}`,
      'restart -t 1 lp-one',
      'stop -t 1 lp-one',
      'start lp-one',
      'rm -f lp-one',
      `tag ${busybox} least/privilege:1`,
      'image rm least/privilege:1',
      `container prune --filter label=${label}`,
      'image prune --filter label=least-privilege',
      ...(registry ? [`pull ${registry}/library/busybox:1`, `image rm ${registry}/library/busybox:1`] : []),
      'build -t least/built:1 lp',
      'image rm least/built:1',
      ...[
        'service ls',
        'service ps lp-svc',
        'service logs lp-svc',
        'service inspect lp-svc',
        'service scale lp-svc=2',
        'service update --image least/busybox:2 lp-svc',
        'service rollback lp-svc',
        'node ls',
        'stack ls',
        'stack ps lp',
      ].map((line) => `${line} --host swarm`),
    ]) {
      await say(line);
    }
    await app.notifications.stop();
  }, 120_000);

  afterAll(async () => {
    await cleanup('least-privilege');
    await proxy?.close();
    await swarmProxy?.close();
    await swarm?.stop();
  });

  it('the commands worked through the recorder', () => {
    expect(outcomes.filter((o) => !o.ok).map((o) => [o.line, o.error])).toEqual([]);
    expect(requests().length).toBeGreaterThan(outcomes.length);
    expect(swarmProxy.requests.some((r) => r.method === 'POST' && /\/services\/[a-z0-9]+\/update$/.test(r.path))).toBe(true);
  });

  it('every endpoint called is in a section the proxy allows, and writes only with POST=1', () => {
    const settings = proxySettings();
    const refused = requests().filter((r) => {
      const section = sectionOf(r.path);
      if (!section || settings[section.toUpperCase()] !== '1') return true;
      return r.method !== 'GET' && r.method !== 'HEAD' && settings.POST !== '1';
    });
    expect(refused).toEqual([]);
  });

  it('no section is switched on that no command uses', () => {
    const settings = proxySettings();
    const used = new Set(requests().map((r) => sectionOf(r.path)?.toUpperCase()));
    const on = SECTIONS.map((s) => s.toUpperCase()).filter((s) => settings[s] === '1');
    // PING is on in the proxy unless turned off; the bot needs it on (health checks).
    expect(on.filter((s) => !used.has(s) && s !== 'PING')).toEqual([]);
    expect(settings.POST).toBe(requests().some((r) => r.method !== 'GET' && r.method !== 'HEAD') ? '1' : '0');
    // The dangerous ones stay off.
    for (const off of ['EXEC', 'VOLUMES', 'SECRETS', 'COMMIT', 'AUTH', 'PLUGINS', 'SESSION', 'CONFIGS', 'SWARM', 'NETWORKS']) expect({ [off]: settings[off] ?? '0' }).toEqual({ [off]: '0' });
  });
});
