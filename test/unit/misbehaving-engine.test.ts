// An engine that redirects, closes mid-body, sends invalid JSON or never answers: the request in
// flight gets a coded answer within the deadline, and the bot keeps serving other requests.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { EngineCallError, failCurrentEngineCall, guardModem } from '../../src/docker/engine-guard.js';
import { mapEngineError } from '../../src/docker/errors.js';
import { createApp, type App } from '../../src/main.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { startStandInEngine, type StandInEngine } from '../support/stand-in-engine.js';

const TIMEOUT_SECONDS = 0.5;
const admin = { platform: 'shell', userId: 'tester', trustedRole: 'admin' as const };
/** Read commands that each make a different kind of Engine call. */
const LINES = ['ps -a', 'version', 'inspect web', 'logs web', 'images'];

let engine: StandInEngine;
let app: App;
let seq = 0;

beforeAll(async () => {
  engine = await startStandInEngine();
  const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-misbehave-'));
  const file = join(dataDir, 'dockbot.yaml');
  (await import('node:fs')).writeFileSync(file, `engine:\n  timeoutSeconds: ${TIMEOUT_SECONDS}\n`);
  app = createApp(loadConfig({ DOCKER_HOST: engine.dockerHost, DOCKBOT_DATA_DIR: dataDir, DOCKBOT_CONFIG: file }, dataDir), pino({ level: 'silent' }));
});

beforeEach(() => engine.behave(undefined));
afterAll(async () => engine?.close());

const send = (text: string): Promise<Outcome> => app.dispatcher.handle({ id: `mis-${++seq}`, text, requester: admin });

/** Every line answers with a code (never hangs past the deadline), then a healthy engine is served again. */
async function expectCodedAnswers(codes: readonly string[]): Promise<Outcome[]> {
  const started = performance.now();
  const outcomes = await Promise.all(LINES.map(send));
  for (const [i, o] of outcomes.entries()) {
    expect(o.ok, LINES[i]).toBe(false);
    expect(codes, `${LINES[i]}: ${o.error?.code} ${o.error?.message}`).toContain(o.error?.code);
    if (o.error?.code === 'internal') expect(o.error.message).toContain(o.requestId);
  }
  expect(performance.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000 + 3000);
  engine.behave(undefined);
  expect((await send('version')).ok).toBe(true);
  return outcomes;
}

describe('an engine that misbehaves', () => {
  it('redirects: engine_error, the redirect is not followed', async () => {
    engine.behave((req, res) => {
      if (req.url?.includes('_ping')) return false;
      res.writeHead(307, { Location: 'http://127.0.0.1:1/elsewhere', 'Content-Type': 'application/json' }).end('{"message":"moved"}');
      return true;
    });
    const before = engine.requests.length;
    const outcomes = await expectCodedAnswers(['engine_error']);
    expect(outcomes.map((o) => o.error?.code)).toContain('engine_error');
    expect(engine.requests.slice(before).some((r) => r.path.includes('elsewhere'))).toBe(false);
  });

  it('closes the connection mid-body: engine_error well before the deadline', async () => {
    engine.behave((req, res) => {
      if (req.url?.includes('_ping')) return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
      res.write('[{"Id":"0123');
      setTimeout(() => res.socket?.destroy(), 20);
      return true;
    });
    const started = performance.now();
    const outcomes = await expectCodedAnswers(['engine_error']);
    expect(outcomes.some((o) => /closed the connection|connection reset/.test(o.error?.message ?? ''))).toBe(true);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000 * 2 + 1000);
  });

  it('sends invalid JSON: engine_error naming it, never a crash', async () => {
    engine.behave((req, res) => {
      if (req.url?.includes('_ping')) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"Id": "abc", "Name": ');
      return true;
    });
    const outcomes = await expectCodedAnswers(['engine_error']);
    expect(outcomes.every((o) => o.error?.message.includes('invalid JSON'))).toBe(true);
  });

  it('never answers: each call ends at its deadline while other requests are served', async () => {
    engine.behave((req) => !req.url?.includes('/version') && !req.url?.includes('_ping'));
    const hanging = Promise.all(['ps', 'inspect web', 'logs web'].map(send));
    // Served meanwhile: the version call is answered at once.
    const other = await send('version');
    expect(other.ok).toBe(true);
    const outcomes = await hanging;
    for (const o of outcomes) {
      expect(o.error?.code).toBe('engine_error');
      expect(o.error?.message).toMatch(/did not answer within 0.5 s/);
    }
  });

  it('a library error nobody listened for ends only the engine call it happened in', async () => {
    let answered: unknown;
    const modem = {
      dial: (_options: unknown, _callback: (err: unknown) => void) => {
        // A library that emits 'error' with no listener, later, in the call's own async context.
        setTimeout(() => {
          const emitter = new EventEmitter();
          try {
            emitter.emit('error', new Error('getaddrinfo ENOTFOUND containers'));
          } catch (err) {
            // What the process guard (keepServing) does with an uncaught exception.
            expect(failCurrentEngineCall(err)).toBe(true);
          }
        }, 5);
      },
    };
    guardModem(modem as never, { timeoutMs: 5000 });
    await new Promise<void>((resolve) =>
      (modem.dial as (o: unknown, cb: (err: unknown) => void) => void)({ path: '/containers/web/json', method: 'GET' }, (err) => {
        answered = err;
        resolve();
      }),
    );
    expect(answered).toBeInstanceOf(EngineCallError);
    expect(mapEngineError(answered, 'unix:///x.sock')?.code).toBe('engine_error');
    expect(failCurrentEngineCall(new Error('outside any call'))).toBe(false);
  });
});
