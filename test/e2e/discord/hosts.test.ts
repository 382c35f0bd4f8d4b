// `host` on Discord, through the real discord.js client against the fake Discord: the option
// autocompletes the configured engines (filtered by what was typed, at most 25), and a value
// sent by a client is checked like a typed `--host`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busybox, cleanup, docker, skipReason, TEST_LABEL } from '../../support/engine.js';
import { callback, edits, startHarness, textOf, type Harness } from './harness.js';

const member = { user: { id: '100000000000000001', username: 'alice' } };
// 30 engines: more than Discord shows; none of them needs to answer for names to complete.
const EXTRA = Array.from({ length: 28 }, (_, i) => `pool-${String(i).padStart(2, '0')}`);
const YAML = [
  'engines:',
  '  staging: { host: "unix:///tmp/dockbot-no-engine-here.sock", timeoutSeconds: 2 }',
  ...EXTRA.map((name) => `  ${name}: { host: "unix:///tmp/dockbot-no-engine-${name}.sock" }`),
  '  eu-staging: { host: "unix:///tmp/dockbot-no-engine-eu.sock" }',
  '',
].join('\n');

type Choices = { type: number; data: { choices: Array<{ name: string; value: string }> } };

describe.skipIf(skipReason)('Discord host option', () => {
  let h: Harness;
  beforeAll(async () => {
    await cleanup('discord-hosts');
    await docker('create', '--name', 'dhost-web', '-l', `${TEST_LABEL}=discord-hosts`, busybox, 'true');
    h = await startHarness(YAML);
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup('discord-hosts');
  });

  const complete = async (path: string, typed: string): Promise<string[]> => {
    const started = performance.now();
    const i = h.discord.slash(path, [{ name: 'host', value: typed, focused: true }], member, 4);
    await h.discord.waitFor(() => callback(h.discord, i) !== undefined);
    expect(callback(h.discord, i)!.at - started).toBeLessThan(3000);
    const body = callback(h.discord, i)?.body as Choices;
    expect(body.type).toBe(8);
    for (const c of body.data.choices) expect(c.name).toBe(c.value);
    return body.data.choices.map((c) => c.value);
  };

  it('autocompletes the configured engines, those starting with what was typed first', async () => {
    expect(await complete('ps', 'stag')).toEqual(['staging', 'eu-staging']);
    expect(await complete('container prune', 'pool-2')).toEqual(EXTRA.filter((n) => n.startsWith('pool-2')));
    expect(await complete('images', 'nothing-like-it')).toEqual([]);
    // Everything, within Discord's 25.
    const all = await complete('logs', '');
    expect(all).toHaveLength(25);
    expect(all).toContain('default');
  });

  it('container names complete from the engine host: names', async () => {
    const containers = async (host: string): Promise<string[]> => {
      const i = h.discord.slash('logs', [{ name: 'host', value: host }, { name: 'container', value: 'dhost', focused: true }], member, 4);
      await h.discord.waitFor(() => callback(h.discord, i) !== undefined);
      return (callback(h.discord, i)?.body as Choices).data.choices.map((c) => c.value);
    };
    expect(await containers('default')).toEqual(['dhost-web']);
    // That engine does not answer: nothing to offer, and no answer from another engine.
    expect(await containers('staging')).toEqual([]);
  });

  it('a chosen engine is used; a name that is not configured is refused like a typed --host', async () => {
    // Errors go to the requester alone: a follow-up after the placeholder is removed.
    const answered = (i: Record<string, unknown>) => h.discord.callsFor(i).some((c) => c.method === 'POST' && /^\/webhooks\/[^/]+\/[^/]+$/.test(c.path));
    const down = h.discord.slash('ps', [{ name: 'host', value: 'staging' }], member);
    await h.discord.waitFor(() => answered(down));
    const shown = h.discord.callsFor(down).map(textOf).join('\n');
    expect(shown).toMatch(/Error \(engine\\?_unreachable\)/);
    expect(shown).toMatch(/engine "staging"/);

    const unknown = h.discord.slash('ps', [{ name: 'host', value: 'no-such-engine' }], member);
    await h.discord.waitFor(() => answered(unknown));
    const refused = h.discord.callsFor(unknown).map(textOf).join('\n');
    expect(refused).toMatch(/Error \(usage\)/);
    expect(refused).toMatch(/no engine is named "no-such-engine"/);

    const ok = h.discord.slash('ps', [{ name: 'host', value: 'default' }], member);
    await h.discord.waitFor(() => edits(h.discord, ok).length > 0);
    expect(textOf(edits(h.discord, ok).at(-1))).toMatch(/engine: default/);
  });
});
