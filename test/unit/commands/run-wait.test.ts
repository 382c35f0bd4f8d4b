// A foreground `run` has its wait in place before it starts the container, as the Docker CLI
// does: against a fake engine that registers waits slowly and whose container exits at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../commands/run.js';
import { DRY_RUN, HELP, parseCommandArgs, tokenize } from '../../../src/core/args.js';
import type { CommandContext } from '../../../src/core/command.js';
import { DEFAULT_RUN_POLICY, type RunPolicyConfig } from '../../../src/config.js';
import { DockerHost } from '../../../src/docker/host.js';

const ID = 'f'.repeat(64);
const POLICY: RunPolicyConfig = { ...DEFAULT_RUN_POLICY, foregroundTimeoutSeconds: 2 };

function frame(payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header.writeUInt8(1, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

let server: Server | undefined;
let dir: string | undefined;
afterEach(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An engine whose wait is registered (headers sent) only after `waitDelayMs`; the container exits as it starts. */
async function fakeEngine(waitDelayMs: number): Promise<{ address: string; events: string[] }> {
  dir = mkdtempSync(join(tmpdir(), 'dockbot-wait-'));
  const socket = join(dir, 'engine.sock');
  const events: string[] = [];
  let attached: ServerResponse | undefined;
  let waiting: ServerResponse | undefined;
  let exited = false;
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://engine').pathname;
    req.resume();
    if (path === '/containers/create') {
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ Id: ID, Warnings: [] }));
    } else if (path.endsWith('/attach')) {
      attached = res;
      res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
      res.flushHeaders();
    } else if (path.endsWith('/wait')) {
      setTimeout(() => {
        // A wait registered after the exit never sees it ("next-exit").
        events.push('wait registered');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        if (!exited) waiting = res;
      }, waitDelayMs);
    } else if (path.endsWith('/start')) {
      events.push('start');
      res.writeHead(204).end();
      exited = true;
      attached?.end(frame('hi\n'));
      waiting?.end(JSON.stringify({ StatusCode: 0 }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no fake for ${path}` }));
    }
  });
  await new Promise<void>((resolve) => server?.listen(socket, resolve));
  return { address: `unix://${socket}`, events };
}

function context(address: string, line: string): CommandContext {
  return {
    args: parseCommandArgs(tokenize(line), { ...run, options: [...run.options, DRY_RUN, HELP] }),
    request: { id: 'wait-1', text: `run ${line}`, requester: { platform: 'shell', userId: 'test' } },
    role: 'admin',
    services: { config: { policy: POLICY }, docker: new DockerHost(address) } as unknown as CommandContext['services'],
    log: pino({ level: 'silent' }),
    progress: () => undefined,
    commands: [],
  };
}

describe('foreground run', () => {
  it('starts the container only once the engine has registered the wait', async () => {
    const { address, events } = await fakeEngine(300);
    const out = await run.run(context(address, '--name quick busybox true'));
    expect(events).toEqual(['wait registered', 'start']);
    expect(out).toMatchObject({ ok: true, data: { name: 'quick', exitCode: 0, output: ['hi'] } });
  });
});
