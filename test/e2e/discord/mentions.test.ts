// `@dockbot <text>` and DMs, switched on in dockbot.yaml: the privileged intent is asked for only
// then; a command line runs, anything else goes to the FAQ; the answer replies to the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../support/engine.js';
import { startHarness, type Harness } from './harness.js';

const GUILDS = 1 << 0;
const GUILD_MESSAGES = 1 << 9;
const DIRECT_MESSAGES = 1 << 12;
const MESSAGE_CONTENT = 1 << 15;
const alice = { user: { id: '100000000000000001', username: 'alice' } };

describe.skipIf(skipReason)('Discord mentions and DMs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('discord:\n  mentions: true\n');
  });
  afterAll(() => h?.stop());

  const repliesTo = (message: Record<string, unknown>) =>
    h.discord.calls.filter((c) => c.method === 'POST' && /^\/channels\/[^/]+\/messages$/.test(c.path) && (c.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === message.id);

  it('asks for the Message Content intent only when mentions are on', () => {
    const identify = h.discord.received.find((r) => r.op === 2)?.d as { intents: number };
    expect(identify.intents).toBe(GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT);
  });

  it('answers a question in a DM from the notes, as a reply', async () => {
    const m = h.discord.say('what does docker pull do?', { ...alice, guildId: null });
    await h.discord.waitFor(() => repliesTo(m).length > 0);
    const body = repliesTo(m)[0]?.body as { embeds: Array<{ description?: string; footer?: { text: string } }>; allowed_mentions: unknown };
    expect(JSON.stringify(body.embeds)).toMatch(/pull/i);
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('runs a command line after @dockbot in a DM', async () => {
    const m = h.discord.say(`<@${h.discord.botUser.id}> help ps`, { ...alice, guildId: null });
    await h.discord.waitFor(() => repliesTo(m).length > 0);
    expect(JSON.stringify(repliesTo(m)[0]?.body)).toContain('List containers');
  });

  it('ignores its own messages and other bots', async () => {
    const before = h.discord.calls.length;
    h.discord.say('ps -a', { user: { ...h.discord.botUser }, guildId: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.discord.calls.slice(before).filter((c) => c.path.includes('/channels/'))).toHaveLength(0);
  });
});
