// `dockbot exec --json "ps ..."` must report what `docker ps --format '{{json .}}'` reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClockBetween } from '../support/clock.js';
import { busybox, cleanup, docker, dockbotJson, dockerJsonLines, skipReason, TEST_LABEL, waitForStatus } from '../support/engine.js';

const LABEL = `${TEST_LABEL}=ps`;
type Row = Record<string, unknown>;

/** Fields the engine computes from the clock ("2 seconds ago") may tick between two calls. */
const CLOCK_FIELDS = ['RunningFor', 'Status'];

function normalise(row: Row, withSize: boolean): Row {
  const copy: Row = { ...row };
  if (typeof copy.Labels === 'string') copy.Labels = copy.Labels.split(',').sort().join(',');
  if (!withSize) delete copy.Size;
  return copy;
}

/** Ours must equal the CLI's output taken just before or just after it, field by field. */
async function expectSameAsCli(text: string, cliArgs: string[], withSize = false): Promise<Row[]> {
  const before = (await dockerJsonLines<Row>(...cliArgs)).map((r) => normalise(r, withSize));
  const { code, body } = await dockbotJson<{ ok: boolean; command: string; data: Row[] }>(text);
  const after = (await dockerJsonLines<Row>(...cliArgs)).map((r) => normalise(r, withSize));
  expect(code).toBe(0);
  expect(body.ok).toBe(true);
  expect(body.command).toBe('ps');
  const ours = body.data.map((r) => normalise(r, withSize));
  expect(ours.map((r) => r.ID)).toEqual(before.map((r) => r.ID));
  ours.forEach((row, i) => {
    const b = before[i] as Row;
    const a = after[i] as Row;
    expect(Object.keys(row).sort()).toEqual(Object.keys(b).sort());
    for (const [field, value] of Object.entries(row)) {
      if (CLOCK_FIELDS.includes(field)) expectClockBetween(String(value), String(b[field]), String(a[field]));
      else expect({ field, value }).toEqual({ field, value: b[field] });
    }
  });
  return ours;
}

describe.skipIf(skipReason)('ps against the Docker CLI', () => {
  beforeAll(async () => {
    await cleanup('ps');
    await docker('run', '-d', '--name', 'ps-running', '-l', LABEL, '-l', 'team=blue', busybox, 'sleep', '600');
    await docker('run', '--name', 'ps-exit0', '-l', LABEL, busybox, 'true');
    await docker('run', '--name', 'ps-exit1', '-l', LABEL, busybox, 'sh', '-c', 'exit 1').catch(() => undefined);
    await docker('create', '--name', 'ps-created', '-l', LABEL, '-p', '127.0.0.1:8080:80', '-v', 'ps-data:/data', busybox, 'echo', 'a long command line that the CLI truncates');
    await waitForStatus('ps-exit0', 'exited');
    await waitForStatus('ps-exit1', 'exited');
  });
  afterAll(async () => {
    await cleanup('ps');
    await docker('volume', 'rm', '-f', 'ps-data');
  });

  it('ps lists the running containers', async () => {
    const rows = await expectSameAsCli('/docker ps', ['ps']);
    expect(rows.map((r) => r.Names)).toContain('ps-running');
    expect(rows.map((r) => r.Names)).not.toContain('ps-exit0');
  });

  it('ps -a lists running, exited 0, exited 1 and created containers', async () => {
    const rows = await expectSameAsCli('ps -a', ['ps', '-a']);
    const states = Object.fromEntries(rows.map((r) => [r.Names, r.State]));
    expect(states).toMatchObject({ 'ps-running': 'running', 'ps-exit0': 'exited', 'ps-exit1': 'exited', 'ps-created': 'created' });
    expect(rows.find((r) => r.Names === 'ps-exit1')?.Status).toMatch(/^Exited \(1\)/);
  });

  it.each([
    ['name', 'name=ps-exit'],
    ['status', 'status=exited'],
    ['label', 'label=team=blue'],
    ['ancestor', `ancestor=${'BUSYBOX'}`],
    ['id', 'id=ID'],
  ])('ps -a --filter %s', async (_kind, filter) => {
    let value = filter.replace('BUSYBOX', busybox);
    if (value === 'id=ID') value = `id=${(await docker('ps', '-aq', '--filter', 'name=ps-created')).trim()}`;
    const rows = await expectSameAsCli(`ps -a --filter "${value}"`, ['ps', '-a', '--filter', value]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('ps -n, --no-trunc and -s agree with the CLI', async () => {
    await expectSameAsCli('ps -n 2', ['ps', '-n', '2']);
    const full = await expectSameAsCli('ps -a --no-trunc', ['ps', '-a', '--no-trunc']);
    expect(String(full[0]?.ID)).toHaveLength(64);
    await expectSameAsCli('ps -a -s', ['ps', '-a', '-s'], true);
  });

  it('ps -q prints only ids', async () => {
    const cli = (await docker('ps', '-aq')).trim().split('\n');
    const { body } = await dockbotJson<{ data: string[] }>('ps -aq');
    expect(body.data).toEqual(cli);
  });

  it('a bad flag or filter is a usage error with a hint, not a crash', async () => {
    const unknownFlag = await dockbotJson<{ ok: boolean; error: { code: string; message: string } }>('ps --bogus');
    expect(unknownFlag.code).toBe(1);
    expect(unknownFlag.body.error.code).toBe('usage');
    expect(unknownFlag.body.error.message).toContain('--bogus');
    const badFilter = await dockbotJson<{ ok: boolean; error: { code: string } }>('ps --filter nonsense');
    expect(badFilter.body.error.code).toBe('usage');
  });
});
