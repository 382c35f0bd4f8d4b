// The terminal adapter as a person uses it: a REPL on stdin/stdout, and one-shot exec.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busybox, cleanup, docker, dockbot, dockerHost, engine, skipReason, TEST_LABEL } from '../support/engine.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dockbot.js');

function repl(lines: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'dockbot-repl-')), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    for (const line of lines) child.stdin.write(line + '\n');
    child.stdin.end(); // Ctrl-D
  });
}

describe.skipIf(skipReason)('terminal adapter', () => {
  beforeAll(async () => {
    await docker('run', '-d', '--name', 'shell-running', '-l', `${TEST_LABEL}=shell`, busybox, 'sleep', '600');
    await docker('create', '--name', 'shell-created', '-l', `${TEST_LABEL}=shell`, busybox, 'true');
  });
  afterAll(() => cleanup('shell'));

  it('answers commands, survives errors, and exits on end of input', async () => {
    const { code, stdout, stderr } = await repl(['/docker ps -a', 'pss', 'ps --bogus', 'logs no-such-container', 'ps "unterminated', 'help ps', 'version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES|No containers\./);
    expect(stdout).toContain('did you mean `ps`');
    expect(stdout).toContain('unknown flag: --bogus');
    expect(stdout).toMatch(/no such container: no-such-container/i);
    expect(stdout).toMatch(/Error \(usage\)[\s\S]*quot/);
    expect(stdout).toContain('Usage: ps [OPTIONS]');
    expect(stdout).toMatch(/Engine|Server/);
    expect(stdout + stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  });

  it('reports an engine that is not there, naming the address, and keeps running', async () => {
    const missing = 'unix:///tmp/dockbot-no-engine-here.sock';
    const { code, stdout } = await repl(['ps', 'help'], { DOCKER_HOST: missing });
    expect(code).toBe(0);
    expect(stdout).toContain(`cannot reach the Docker engine at ${missing}`);
    expect(stdout).toContain('dockbot commands');
  });

  it.each(['ps -a', 'images', 'system df'])('exec "%s" prints the table the Docker CLI prints', async (line) => {
    const before = await docker(...line.split(' '));
    const ours = await dockbot(['exec', line]);
    const after = await docker(...line.split(' '));
    expect(ours.code).toBe(0);
    // Our first line is the reply's title ("3 containers"); the table follows.
    expect([before, after]).toContain(ours.stdout.split('\n').slice(1).join('\n'));
  });

  it('exec --json prints one object and exits 1 on errors', async () => {
    const missing = await dockbot(['exec', '--json', 'inspect nothing-by-this-name']);
    expect(missing.code).toBe(1);
    const body = JSON.parse(missing.stdout) as { ok: boolean; command: string; error: { code: string; message: string } };
    expect(body).toMatchObject({ ok: false, command: 'inspect', error: { code: 'not_found' } });
    expect(body.error.message).toContain('nothing-by-this-name');

    const down = await dockbot(['exec', '--json', 'ps'], { DOCKER_HOST: 'unix:///tmp/dockbot-no-engine-here.sock' });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ ok: false, command: 'ps', error: { code: 'engine_unreachable' } });
  });

  it('an invalid configuration stops start-up naming the key, without a stack trace', async () => {
    const r = await dockbot(['exec', 'ps'], { LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LOG_LEVEL');
    expect(r.stdout).toBe('');
    const badHost = await dockbot(['exec', 'ps'], { DOCKER_HOST: 'docker-host' });
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toContain('DOCKER_HOST');
    expect(badHost.stderr).not.toMatch(/\n\s+at /);
    // With --json the answer is still exactly one JSON object.
    const json = await dockbot(['exec', '--json', 'ps'], { LOG_LEVEL: 'loud' });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, command: null, error: { code: 'config' } });
  });

  it('a build runs in the background: the prompt comes back at once, progress and the result print above it, `build cancel` stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-repl-build-'));
    const context = mkdtempSync(join(tmpdir(), 'dockbot-repl-context-'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${busybox}\nLABEL ${TEST_LABEL}=shell\nRUN echo building slowly && sleep 60\n`);
    writeFileSync(join(dir, 'dockbot.yaml'), `builds:\n  contexts:\n    slow: ${context}\n`);
    const child = spawn(process.execPath, [bin], {
      env: { ...process.env, DOCKER_HOST: dockerHost, DOCKBOT_DATA_DIR: join(dir, 'data'), DOCKBOT_CONFIG: join(dir, 'dockbot.yaml') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let cancelLine = '';
    const seen = async (pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(stdout);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      child.stdin.write('build -t dockbot-test/repl-slow:1 slow\n');
      child.stdin.write('version\n');
      // The next command is answered while the build runs.
      await seen(/Server|Engine/);
      const cancel = await seen(/type `(build cancel b[0-9a-f]{8})` \(Cancel\)/);
      await seen(/building slowly/);
      expect(stdout).not.toMatch(/Build of .* cancelled|Built /);
      cancelLine = cancel[1] as string;
      child.stdin.write(`${cancelLine}\n`);
      await seen(/Build of dockbot-test\/repl-slow:1 cancelled/);
      expect(stdout).toMatch(/Cancelling the build of dockbot-test\/repl-slow:1/);
      // Progress and the result came after the prompt had come back.
      expect(stdout.indexOf('Building dockbot-test/repl-slow:1')).toBeGreaterThan(-1);
      expect(stdout.lastIndexOf('Server')).toBeLessThan(stdout.indexOf('cancelled'));
      child.stdin.end();
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    await expect(engine().getImage('dockbot-test/repl-slow:1').inspect()).rejects.toMatchObject({ statusCode: 404 });
    // Both lines are in the history (as audited; a background command's when it ends).
    const history = readFileSync(join(dir, 'data', 'history'), 'utf8').split('\n');
    expect(history).toEqual(expect.arrayContaining(['build -t dockbot-test/repl-slow:1 slow', cancelLine]));
  }, 90_000);

  it('the terminal keeps no secret in its history, and the history is private', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dockbot-history-'));
    await repl(['run --dry-run -e PASSWORD=hunter2 ' + busybox + ' true'], { DOCKBOT_DATA_DIR: dataDir });
    const history = readFileSync(join(dataDir, 'history'), 'utf8');
    expect(history).toContain('PASSWORD=[redacted]');
    expect(history).not.toContain('hunter2');
    expect(statSync(join(dataDir, 'history')).mode & 0o077).toBe(0);
  });
});
