// `logs` separates stdout from stderr as the Docker CLI does, and honours --tail, --since, -t.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli } from '../support/private-engine.js';
import { busybox, cleanup, docker, dockbot, dockbotJson, dockerHost, skipReason, TEST_LABEL, waitForStatus } from '../support/engine.js';

const LABEL = `${TEST_LABEL}=logs`;
type Line = { stream: 'stdout' | 'stderr'; text: string; time?: string };
type LogsBody = { ok: boolean; command: string; data: { container: string; lines: Line[]; tail: number | 'all'; cut: boolean }; error?: { code: string; message: string } };

const cliLines = (output: string): string[] => output.split('\n').filter(Boolean);

describe.skipIf(skipReason)('logs against the Docker CLI', () => {
  beforeAll(async () => {
    await cleanup('logs');
    // Pauses keep the two streams apart in time, so their order in the log is certain.
    await docker('run', '--name', 'logs-app', '-l', LABEL, busybox, 'sh', '-c', 'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; sleep 0.2; echo err2 >&2');
    await docker('run', '-t', '--name', 'logs-tty', '-l', LABEL, busybox, 'sh', '-c', 'echo tty1; echo tty2 >&2');
    await docker('run', '--name', 'logs-long', '-l', LABEL, busybox, 'seq', '1', '200');
    await docker('run', '--name', 'logs-none', '-l', LABEL, '--log-driver', 'none', busybox, 'echo', 'lost');
    await docker('run', '--name', 'logs-1500', '-l', LABEL, busybox, 'seq', '1', '1500');
    // About 10 MB of log: 10000 lines of 1000 characters.
    await docker('run', '--name', 'logs-huge', '-l', LABEL, busybox, 'sh', '-c', 'line=$(printf "%0999d" 0); i=0; while [ $i -lt 10000 ]; do echo "$line"; i=$((i+1)); done');
    for (const name of ['logs-app', 'logs-tty', 'logs-long', 'logs-none', 'logs-1500', 'logs-huge']) await waitForStatus(name, 'exited');
  });
  afterAll(async () => {
    await cleanup('logs');
  });

  it('separates stdout and stderr, in order, like the CLI', async () => {
    const { code, body } = await dockbotJson<LogsBody>('logs logs-app');
    expect(code).toBe(0);
    expect(body.command).toBe('logs');
    expect(body.data.container).toBe('logs-app');
    expect(body.data.lines).toEqual([
      { stream: 'stdout', text: 'out1' },
      { stream: 'stderr', text: 'err1' },
      { stream: 'stdout', text: 'out2' },
      { stream: 'stderr', text: 'err2' },
    ]);
    const cli = await dockerCli(dockerHost, ['logs', 'logs-app']);
    expect(body.data.lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(cliLines(cli.stdout));
    expect(body.data.lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(cliLines(cli.stderr));
  });

  it('--tail N, -n N, --tail all and --tail 0 agree with the CLI', async () => {
    for (const tail of ['2', '1', 'all', '0']) {
      const { body } = await dockbotJson<LogsBody>(`logs --tail ${tail} logs-app`);
      const cli = await dockerCli(dockerHost, ['logs', '--tail', tail, 'logs-app']);
      expect(body.data.lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(cliLines(cli.stdout));
      expect(body.data.lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(cliLines(cli.stderr));
    }
    const { body } = await dockbotJson<LogsBody>('logs -n 2 logs-app');
    expect(body.data.lines.map((l) => l.text)).toEqual(['out2', 'err2']);
  });

  it('-t gives each line the engine’s timestamp, as the CLI prints it', async () => {
    const { body } = await dockbotJson<LogsBody>('logs -t logs-app');
    const cli = await dockerCli(dockerHost, ['logs', '-t', 'logs-app']);
    for (const line of body.data.lines) expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const stdout = body.data.lines.filter((l) => l.stream === 'stdout').map((l) => `${l.time} ${l.text}`);
    expect(stdout).toEqual(cliLines(cli.stdout));
  });

  it('--since and --until take durations, times and Unix timestamps', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const [flags, expected] of [
      ['--since 1h', 4],
      [`--since ${future}`, 0],
      ['--since 0', 4],
      [`--since ${Math.floor(Date.now() / 1000) + 3600}`, 0],
      ['--until 2000-01-01', 0],
    ] as const) {
      const { code, body } = await dockbotJson<LogsBody>(`logs ${flags} logs-app`);
      expect({ flags, code, lines: body.data.lines.length }).toEqual({ flags, code: 0, lines: expected });
    }
  });

  it('a TTY container’s output is one stream, without carriage returns', async () => {
    const { body } = await dockbotJson<LogsBody>('logs logs-tty');
    expect(body.data.lines).toEqual([
      { stream: 'stdout', text: 'tty1' },
      { stream: 'stdout', text: 'tty2' },
    ]);
  });

  it('the chat reply shows the end of a long log and says how much is left out', async () => {
    const { body } = await dockbotJson<LogsBody>('logs logs-long');
    expect(body.data.lines).toHaveLength(200);
    const shown = await dockbot(['exec', 'logs logs-long']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/… \d+ more lines above/);
    expect(shown.stdout.trim().split('\n').at(-1)).toBe('200');
    expect(shown.stdout).not.toMatch(/^1$/m);
  });

  it('without --tail, the last 1000 lines, and the reply says so; --tail all reads the whole log, as the CLI does', async () => {
    const { body } = await dockbotJson<LogsBody>('logs logs-1500');
    expect(body.data.tail).toBe(1000);
    expect(body.data.lines.map((l) => l.text)).toEqual(Array.from({ length: 1000 }, (_, i) => String(i + 501)));
    const shown = await dockbot(['exec', 'logs logs-1500']);
    expect(shown.stdout).toContain('the last 1000 lines: the default without --tail');

    const all = await dockbotJson<LogsBody>('logs --tail all logs-1500');
    const cli = await dockerCli(dockerHost, ['logs', 'logs-1500']);
    expect(all.body.data).toMatchObject({ tail: 'all', cut: false });
    expect(all.body.data.lines.map((l) => l.text)).toEqual(cliLines(cli.stdout));
    expect(all.body.data.lines).toHaveLength(1500);
    // A short log says nothing about the default.
    expect((await dockbot(['exec', 'logs logs-long'])).stdout).not.toContain('the default without --tail');
  });

  it('reads 8 MiB at most, even with --tail all, and says it cut', async () => {
    const { code, body } = await dockbotJson<LogsBody>('logs --tail all logs-huge');
    expect(code).toBe(0);
    expect(body.data.cut).toBe(true);
    const bytes = body.data.lines.reduce((sum, l) => sum + l.text.length + 1, 0);
    expect(bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(bytes).toBeGreaterThan(7 * 1024 * 1024);
    expect(body.data.lines.length).toBeLessThan(10_000);
    const shown = await dockbot(['exec', 'logs --tail all logs-huge']);
    expect(shown.stdout).toContain('cut: only the first 8MiB of the log were read');
    // Within the cap nothing is cut.
    expect((await dockbotJson<LogsBody>('logs --tail 100 logs-huge')).body.data).toMatchObject({ tail: 100, cut: false });
  });

  it('a missing container is not_found, exit code 1, one JSON line', async () => {
    const { code, body } = await dockbotJson<LogsBody>('logs logs-missing');
    expect(code).toBe(1);
    expect(body.ok).toBe(false);
    expect(body.error?.code).toBe('not_found');
    expect(body.error?.message).toContain('logs-missing');
  });

  it('a logging driver the engine cannot read back is explained, not an internal error', async () => {
    const { code, body } = await dockbotJson<LogsBody>('logs logs-none');
    expect(code).toBe(1);
    expect(body.error?.code).toBe('invalid_argument');
    expect(body.error?.message).toContain('none');
  });

  it('bad --tail and --since values are usage errors', async () => {
    for (const flags of ['--tail many', '--tail -3', '--since yesterday']) {
      const { code, body } = await dockbotJson<LogsBody>(`logs ${flags} logs-app`);
      expect({ flags, code, error: body.error?.code }).toEqual({ flags, code: 1, error: 'usage' });
    }
  });
});
