// The strings that once took the process down or reached other Engine endpoints, typed into
// `dockbot exec` and the REPL against the private engine: each gets a coded answer, the REPL
// lives on to answer the next line, and nothing reaches the engine's other endpoints.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockbotJson, dockerHost, skipReason } from '../support/engine.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dockbot.js');

/** From the issue: each ended the process, answered `internal`, or reached another endpoint. */
const LINES = [
  "inspect ''",
  'logs .',
  'rm /',
  'start ..',
  "inspect '../../version?'",
  "rm 'a b'",
  'logs 🐳',
  "container rm '; rm -rf /'",
  "logs 'NAME/logs?tail=1&'",
  "logs '%2e%2e'",
  "logs 'a#b'",
];

describe.skipIf(skipReason)('hostile names against the private engine', () => {
  it.each(LINES)('exec %s: a coded answer, not internal', async (line) => {
    const { code, body } = await dockbotJson<{ ok: boolean; error: { code: string; message: string } }>(line);
    expect(code).toBe(1);
    expect(body.ok).toBe(false);
    expect(['invalid_argument', 'invalid_reference', 'not_found', 'usage']).toContain(body.error.code);
    expect(body.error.message).not.toMatch(/must choose at least one stream|unescaped characters|ENOTFOUND/);
  });

  it('the REPL answers every one of them and then the next command', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin], {
        env: { ...process.env, DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'dockbot-hostile-')) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
      for (const line of [...LINES, 'version']) child.stdin.write(line + '\n');
      child.stdin.end();
    });
    expect(code).toBe(0);
    expect((stdout.match(/Error \((invalid_argument|invalid_reference|not_found|usage)\)/g) ?? []).length).toBe(LINES.length);
    expect(stdout).toMatch(/Engine|Server/);
    expect(stdout + stderr).not.toMatch(/internal|Unhandled|ENOTFOUND/);
  });
});
