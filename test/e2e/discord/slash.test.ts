// `/docker ...` through the real discord.js client against the loopback fake Discord and the
// private engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busybox, cleanup, docker, skipReason, TEST_LABEL } from '../../support/engine.js';
import { bodyOf, callback, edits, startHarness, textOf, type Harness } from './harness.js';

const LABEL = `${TEST_LABEL}=discord`;
const alice = { user: { id: '100000000000000001', username: 'alice' } };

describe.skipIf(skipReason)('Discord slash commands', () => {
  let h: Harness;
  beforeAll(async () => {
    await cleanup('discord');
    await docker('run', '-d', '--name', 'discord-web', '-l', LABEL, busybox, 'sleep', '600');
    await docker('create', '--name', 'discord-idle', '-l', LABEL, busybox, 'true');
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup('discord');
  });

  it('identifies with the Guilds intent only and gets READY', () => {
    const identify = h.discord.received.find((r) => r.op === 2)?.d as { intents: number; token: string };
    expect(identify.token).toBe(h.discord.token);
    expect(identify.intents).toBe(1); // GUILDS
    expect(h.bot.client.isReady()).toBe(true);
  });

  it('/docker ps defers, then edits @original with the running containers', async () => {
    const i = h.discord.slash('ps', [], alice);
    await h.discord.waitFor(() => edits(h.discord, i).length > 0);
    const cb = callback(h.discord, i);
    expect(cb?.body).toMatchObject({ type: 5 });
    const calls = h.discord.callsFor(i);
    expect(calls[0]).toBe(cb);
    const last = edits(h.discord, i).at(-1);
    expect(textOf(last)).toContain('discord-web');
    expect(textOf(last)).not.toContain('discord-idle');
    expect(bodyOf(last).allowed_mentions).toEqual({ parse: [] });
  });

  it('/docker cli line:"ps -a" lists the stopped ones too', async () => {
    const i = h.discord.slash('cli', [{ name: 'line', value: 'ps -a' }], alice);
    await h.discord.waitFor(() => edits(h.discord, i).length > 0);
    const text = textOf(edits(h.discord, i).at(-1));
    expect(text).toContain('discord-web');
    expect(text).toContain('discord-idle');
  });

  it('/swarm node ls reaches `node ls`: on an engine that is no Swarm manager, the coded error with its hint', async () => {
    const i = h.discord.slash('/swarm node ls', [], alice);
    // Errors go to the requester alone: a follow-up after the placeholder is removed.
    await h.discord.waitFor(() => h.discord.callsFor(i).some((c) => c.method === 'POST' && /^\/webhooks\/[^/]+\/[^/]+$/.test(c.path)));
    const text = h.discord.callsFor(i).map((c) => textOf(c)).join('\n');
    expect(text).toMatch(/Error \(not\\?_swarm\\?_manager\)/);
    expect(text).toContain('docker swarm init');
  });
});
