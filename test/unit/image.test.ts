// The Dockerfile's promises that hold without building it, and the image's health check script
// against a local stand-in for /healthz. test/integration/image.test.ts builds and runs the image.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/private-engine.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('the Dockerfile', () => {
  it('takes its base from ARG NODE_IMAGE in every stage, with a default', () => {
    expect(instructions[0]).toMatch(/^ARG NODE_IMAGE=\S+$/);
    const stages = instructions.filter((l) => l.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM \$\{NODE_IMAGE\}( AS \w+)?$/);
  });

  it('builds with npm run build and ends as a user other than root, with a HEALTHCHECK', () => {
    expect(instructions.some((l) => l.startsWith('RUN ') && l.includes('npm run build'))).toBe(true);
    const lastStage = Math.max(...instructions.map((l, i) => (l.startsWith('FROM ') ? i : -1)));
    const runtime = instructions.slice(lastStage);
    const user = runtime.filter((l) => l.startsWith('USER ')).at(-1) ?? '';
    expect(user).toMatch(/^USER \S+$/);
    expect(['root', '0']).not.toContain(user.slice(5).split(':')[0]);
    expect(runtime.filter((l) => l.startsWith('HEALTHCHECK '))).toHaveLength(1);
  });
});

describe('the image health check (bin/healthcheck.js)', () => {
  let server: Server;
  let port = 0;
  let answer = { status: 200, body: '{"ok":true}' };
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/healthz') return void res.writeHead(404).end();
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const check = async (env: Record<string, string>): Promise<{ code: number; stdout: string }> => {
    // Only what the container would have: no chat settings from the developer's shell.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_|^PORT$/.test(k)));
    try {
      const { stdout } = await run(process.execPath, [join(repo, 'bin', 'healthcheck.js')], { env: { ...base, ...env }, timeout: 20_000 });
      return { code: 0, stdout };
    } catch (err) {
      const e = err as { code?: number; stdout?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '' };
    }
  };

  it('passes without chat settings: the terminal and one-shot commands serve no HTTP', async () => {
    const r = await check({ PORT: String(await freePort()) });
    expect(r).toEqual({ code: 0, stdout: expect.stringContaining('no chat settings') });
  });

  it('in a chat mode, is healthy only on a 200 from /healthz and shows its body', async () => {
    answer = { status: 200, body: '{"ok":true,"checks":[]}' };
    expect(await check({ PORT: String(port), SLACK_BOT_TOKEN: 'xoxb-x' })).toEqual({ code: 0, stdout: '200 {"ok":true,"checks":[]}' });
    answer = { status: 503, body: '{"ok":false,"checks":[{"name":"discord","ok":false,"reason":"gateway down"}]}' };
    const sick = await check({ PORT: String(port), DISCORD_TOKEN_FILE: '/run/secrets/discord' });
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain('gateway down');
  });

  it('in a chat mode, is unhealthy when nothing listens on PORT', async () => {
    const closed = await freePort();
    const r = await check({ PORT: String(closed), SLACK_APP_TOKEN: 'xapp-x' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`GET http://127.0.0.1:${closed}/healthz: connect ECONNREFUSED`);
  });
});
