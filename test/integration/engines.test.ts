// Two private engines at once (plus one that never answers): `--host` picks the engine, each
// answers with its own containers, one that is down fails alone and is named, per-engine grants hold.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Requester } from '../../src/core/command.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { createLogger } from '../../src/log.js';
import { createApp, type App } from '../../src/main.js';
import { busybox, cleanup, docker, dockbot, dockerHost, skipReason, TEST_LABEL } from '../support/engine.js';
import { dockerCli, startPrivateEngine, type PrivateEngine } from '../support/private-engine.js';
import { startStandInEngine, type StandInEngine } from '../support/stand-in-engine.js';

const LABEL = `${TEST_LABEL}=engines`;
const slackUser = (userId: string): Requester => ({ platform: 'slack', userId });

interface ExecBody {
  ok: boolean;
  command: string;
  engine?: string;
  data: Array<{ Names: string }> | Array<{ name: string; state: string; version: string | null }>;
  error?: { code: string; message: string; hint?: string };
}

describe.skipIf(skipReason)('several engines', () => {
  let second: PrivateEngine;
  let silent: StandInEngine;
  let dir: string;
  let env: Record<string, string>;
  let app: App;

  const ask = (text: string, requester: Requester = slackUser('UOPS')): Promise<Outcome> =>
    app.dispatcher.handle({ id: `t-${Math.random().toString(16).slice(2)}`, text, requester });

  const exec = async (text: string): Promise<{ code: number; body: ExecBody }> => {
    const r = await dockbot(['exec', '--json', text], env);
    return { code: r.code, body: JSON.parse(r.stdout.trim()) as ExecBody };
  };

  beforeAll(async () => {
    second = await startPrivateEngine({ registry: false });
    silent = await startStandInEngine();
    // Accepts the connection and never answers: an engine that hangs.
    silent.behave(() => true);
    dir = mkdtempSync(join(tmpdir(), 'dockbot-engines-'));
    const config = join(dir, 'dockbot.yaml');
    writeFileSync(
      config,
      [
        'roles:',
        '  operator: ["slack:UOPS"]',
        'engines:',
        `  second: { host: "${second.dockerHost}", roles: { operator: ["slack:USECOND"] } }`,
        `  silent: { host: "${silent.dockerHost}", timeoutSeconds: 3 }`,
        '',
      ].join('\n'),
    );
    env = { DOCKBOT_CONFIG: config, DOCKBOT_DATA_DIR: join(dir, 'data') };
    await cleanup('engines');
    await docker('run', '-d', '--name', 'engines-first', '-l', LABEL, busybox, 'sleep', '600');
    await dockerCli(second.dockerHost, ['run', '-d', '--name', 'engines-second', '-l', LABEL, second.busybox, 'sleep', '600']);
    app = createApp(loadConfig({ DOCKER_HOST: dockerHost, ...env }, dir), createLogger('silent', 'stderr'));
  }, 180_000);

  afterAll(async () => {
    await cleanup('engines');
    await second?.stop();
    await silent?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ps --host answers from that engine only, and says which one answered', async () => {
    const first = await exec('ps --host default');
    const other = await exec('ps --host second');
    expect(first.body).toMatchObject({ ok: true, engine: 'default' });
    expect(other.body).toMatchObject({ ok: true, engine: 'second' });
    const names = (b: ExecBody) => (b.data as Array<{ Names: string }>).map((r) => r.Names);
    expect(names(first.body)).toContain('engines-first');
    expect(names(first.body)).not.toContain('engines-second');
    expect(names(other.body)).toEqual(['engines-second']);
    // Without --host: the default engine.
    expect((await exec('ps')).body).toMatchObject({ ok: true, engine: 'default' });
    // The audit trail names the engine of each request.
    const audit = readFileSync(join(dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.slice(-3).map((a) => [a.engineName, a.engine])).toEqual([
      ['default', dockerHost],
      ['second', second.dockerHost],
      ['default', dockerHost],
    ]);
  });

  it('a reply names the engine when there are several', async () => {
    const outcome = await ask('ps --host second');
    expect(outcome.reply.blocks).toContainEqual({ type: 'context', text: 'engine: second' });
  });

  it('help of an engine command shows --host; engine-free commands have none', async () => {
    expect(JSON.stringify((await ask('ps --help')).reply)).toContain('--host');
    expect((await ask('topics --host second')).error?.code).toBe('usage');
  });

  it('an engine name that is not configured is a usage error listing the names', async () => {
    const { code, body } = await exec('ps --host nowhere');
    expect(code).toBe(1);
    expect(body.error?.code).toBe('usage');
    expect(body.error?.hint).toContain('default, second, silent');
  });

  it('an engine that hangs delays only its own requests; it fails with its deadline and its name', async () => {
    const order: string[] = [];
    const hanging = ask('ps --host silent').then((o) => (order.push('silent'), o));
    const good = ask('ps --host default').then((o) => (order.push('default'), o));
    const other = ask('ps --host second').then((o) => (order.push('second'), o));
    const [h, g, s] = await Promise.all([hanging, good, other]);
    expect(g.ok).toBe(true);
    expect(s.ok).toBe(true);
    expect(order.slice(0, 2).sort()).toEqual(['default', 'second']);
    expect(order[2]).toBe('silent');
    expect(h.error?.code).toBe('engine_error');
    expect(h.error?.message).toMatch(/^engine "silent": the engine did not answer within 3 s/);
    expect(h.engine).toBe('silent');
  });

  it('engines lists every engine with its state and version', async () => {
    const { body } = await exec('engines');
    expect(body.ok).toBe(true);
    const rows = body.data as Array<{ name: string; state: string; version: string | null; default: boolean }>;
    const version = (await docker('version', '--format', '{{.Server.Version}}')).trim();
    expect(rows.map((r) => [r.name, r.state, r.default])).toEqual([
      ['default', 'up', true],
      ['second', 'up', false],
      ['silent', 'engine_error', false],
    ]);
    expect(rows[0]?.version).toBe(version);
  });

  it('an engine entry with roles replaces the top-level operators there', async () => {
    // UOPS: operator at the top level, not on "second" (its own grants name USECOND only).
    expect((await ask('stop --dry-run engines-first')).ok).toBe(true);
    const denied = await ask('stop --dry-run engines-second --host second');
    expect(denied.error?.code).toBe('forbidden');
    expect(denied.error?.hint).toContain('engines.second.roles.operator');
    // USECOND: operator on "second" only.
    expect((await ask('stop --dry-run engines-second --host second', slackUser('USECOND'))).ok).toBe(true);
    expect((await ask('stop --dry-run engines-first', slackUser('USECOND'))).error?.code).toBe('forbidden');
    // Reads stay open to everyone everywhere.
    expect((await ask('ps --host second', slackUser('UNOBODY'))).ok).toBe(true);
  });

  it('the terminal session switches engines with `use NAME`', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'dockbot.js')], {
      env: { ...process.env, DOCKER_HOST: dockerHost, LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.stdin.end(['ps', 'use second', 'ps', 'use nowhere', 'ps --host default', 'use', ''].join('\n'));
    await exited;
    const [beforeUse, afterUse, overridden, rest] = stdout.split(/Commands now go to engine second|no engine is named "nowhere"/);
    expect(beforeUse).toContain('engines-first');
    expect(beforeUse).not.toContain('engines-second');
    expect(afterUse).toContain('engines-second');
    expect(afterUse).not.toContain('engines-first');
    // --host overrides the session's engine for one command; the session keeps its own.
    expect(overridden).toContain('engines-first');
    expect(overridden).toMatch(/Commands go to engine second\./);
    expect(overridden).toContain('docker@second> ');
    expect(rest).toBeUndefined();
  });

  it('a stopped engine is engine_unreachable, named; the others keep answering', async () => {
    await second.stop();
    const down = await exec('ps --host second');
    expect(down.code).toBe(1);
    expect(down.body.error?.code).toBe('engine_unreachable');
    expect(down.body.error?.message).toContain('engine "second"');
    expect(down.body.error?.message).toContain(second.dockerHost);
    const up = await exec('ps --host default');
    expect(up.body.ok).toBe(true);
    const listed = await exec('engines');
    expect((listed.body.data as Array<{ name: string; state: string }>).find((r) => r.name === 'second')?.state).toBe('engine_unreachable');
  });
});
