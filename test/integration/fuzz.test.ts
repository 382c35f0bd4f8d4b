// Generated command lines (from the option specs) through the dispatcher against the private
// engine, as an operator and as a viewer in a chat channel: every line gets a coded answer, none
// is `internal`, none takes longer than the engine deadline, and nothing on the engine changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import type { App } from '../../src/main.js';
import { busybox, cleanup, docker, skipReason, TEST_LABEL, testApp } from '../support/engine.js';
import { lineGenerator, runFuzz } from '../support/fuzz.js';

const LINES = 3000;
const FILE = 'fuzz';
const operator = { platform: 'slack', userId: 'UFUZZOPS', channelId: 'CFUZZ' };
const viewer = { platform: 'slack', userId: 'UFUZZVIEW', channelId: 'CFUZZ' };
/** Every container and image id, sorted (images created in the same second list in any order). */
const ids = async (...args: string[]): Promise<string> => (await docker(...args)).split('\n').filter(Boolean).sort().join(',');
const engineState = async (): Promise<string> => `${await ids('ps', '-aq', '--no-trunc')}|${await ids('images', '-aq', '--no-trunc')}`;

describe.skipIf(skipReason)('fuzzed command lines', () => {
  let app: App;
  let before: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown): void => void unhandled.push(err);

  beforeAll(async () => {
    await cleanup(FILE);
    // Containers the lines name: previews of stop, restart and rm have something to show.
    await docker('run', '-d', '--name', 'fuzz-web', '-l', `${TEST_LABEL}=${FILE}`, busybox, 'sleep', '600');
    await docker('create', '--name', 'fuzz-idle', '-l', `${TEST_LABEL}=${FILE}`, busybox, 'true');
    ({ app } = await testApp(`roles:\n  operator: ["slack:${operator.userId}"]\nengine:\n  timeoutSeconds: 30\n`));
    before = await engineState();
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await cleanup(FILE);
  });

  it(`${LINES} seeded lines: 0 crashes, 0 internal, 0 over the deadline, nothing changed`, async () => {
    const stats = await runFuzz(app.dispatcher, lineGenerator(commands, 7), LINES, [operator, viewer], 30_000);
    expect(stats.failures, JSON.stringify(stats.failures, null, 1)).toEqual([]);
    expect(stats.crashes).toBe(0);
    expect(stats.codes.internal ?? 0).toBe(0);
    expect(stats.overDeadline).toBe(0);
    expect(unhandled).toEqual([]);
    // The lines reach far: answers of several kinds, successes among them, as both roles.
    expect(Object.keys(stats.codes).length).toBeGreaterThan(4);
    expect(stats.codes.ok ?? 0).toBeGreaterThan(LINES / 50);
    expect(stats.codes.forbidden ?? 0).toBeGreaterThan(0);
    expect(stats.codes.confirmation_required ?? 0).toBeGreaterThan(0);
    expect(await engineState()).toBe(before);
  }, 300_000);
});
