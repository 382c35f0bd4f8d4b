// Roles, confirmation buttons, autocomplete, live pull progress, rate limits and gateway
// reconnects, through the real discord.js client against the fake Discord and the private engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushManyLayerImage, throttledRegistry, type ThrottledRegistry } from '../../../bench/pull.js';
import { busybox, cleanup, docker, dockerHost, registry, skipReason, TEST_LABEL } from '../../support/engine.js';
import { bodyOf, buttonsOf, callback, edits, startHarness, textOf, type Harness } from './harness.js';

const LABEL_VALUE = 'discord-it';
const LABEL = `${TEST_LABEL}=${LABEL_VALUE}`;
const OPS_ROLE = '700000000000000001';
const viewer = { user: { id: '100000000000000001', username: 'vera' }, roles: ['700000000000000099'] };
const operator = { user: { id: '100000000000000002', username: 'otto' }, roles: [OPS_ROLE] };
const stranger = { user: { id: '100000000000000003', username: 'sam' }, roles: [OPS_ROLE] };
const ROLES = `roles:\n  operator: ["discord-role:${OPS_ROLE}"]\n`;

const names = async (all = true): Promise<string[]> =>
  (await docker('ps', ...(all ? ['-a'] : []), '--filter', `label=${LABEL}`, '--format', '{{.Names}}')).split('\n').filter(Boolean).sort();

/** Follow-ups (new messages) of one interaction. */
const followUps = (h: Harness, i: Record<string, unknown>) => h.discord.callsFor(i).filter((c) => c.method === 'POST' && /^\/webhooks\/[^/]+\/[^/]+$/.test(c.path));

describe.skipIf(skipReason)('Discord interactions', () => {
  let h: Harness;
  beforeAll(async () => {
    await cleanup(LABEL_VALUE);
    await docker('run', '-d', '--name', 'dit-web', '-l', LABEL, busybox, 'sleep', '600');
    await docker('run', '-d', '--name', 'dit-worker', '-l', LABEL, busybox, 'sleep', '600');
    h = await startHarness(ROLES);
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup(LABEL_VALUE);
  });

  it('autocompletes container names on logs, filtered by what was typed, well within 3 s', async () => {
    const started = performance.now();
    const i = h.discord.slash('logs', [{ name: 'container', value: 'dit-w', focused: true }], viewer, 4);
    await h.discord.waitFor(() => callback(h.discord, i) !== undefined);
    expect(callback(h.discord, i)!.at - started).toBeLessThan(3000);
    const body = callback(h.discord, i)?.body as { type: number; data: { choices: Array<{ name: string; value: string }> } };
    expect(body.type).toBe(8);
    expect(body.data.choices.map((c) => c.value).sort()).toEqual(['dit-web', 'dit-worker']);

    const narrow = h.discord.slash('logs', [{ name: 'container', value: 'work', focused: true }], viewer, 4);
    await h.discord.waitFor(() => callback(h.discord, narrow) !== undefined);
    expect((callback(h.discord, narrow)?.body as { data: { choices: Array<{ value: string }> } }).data.choices.map((c) => c.value)).toEqual(['dit-worker']);
  });

  it('refuses a viewer\'s prune, to the viewer alone, and removes nothing', async () => {
    await docker('create', '--name', 'dit-stopped-0', '-l', LABEL, busybox, 'true');
    const i = h.discord.slash('container prune', [{ name: 'filter', value: `label=${LABEL}` }], viewer);
    await h.discord.waitFor(() => followUps(h, i).length > 0);
    const answer = followUps(h, i)[0];
    expect(bodyOf(answer).flags).toBe(64);
    expect(textOf(answer)).toContain('forbidden');
    expect(textOf(answer)).toMatch(/needs the operator role; you are a viewer/);
    // The public placeholder was removed.
    expect(h.discord.callsFor(i).some((c) => c.method === 'DELETE' && c.path.endsWith('/messages/%40original'))).toBe(true);
    expect(await names()).toContain('dit-stopped-0');
  });

  it('previews an operator\'s prune; Confirm by another user is refused; by the requester it prunes exactly what it showed', async () => {
    await docker('create', '--name', 'dit-stopped-1', '-l', LABEL, busybox, 'true');
    const i = h.discord.slash('container prune', [{ name: 'filter', value: `label=${LABEL}` }], operator);
    await h.discord.waitFor(() => followUps(h, i).length > 0);
    const preview = followUps(h, i)[0];
    expect(bodyOf(preview).flags).toBe(64);
    const previewText = textOf(preview);
    expect(previewText).toContain('dit-stopped-0');
    expect(previewText).toContain('dit-stopped-1');
    const buttons = buttonsOf(preview);
    expect(buttons.map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    const confirmId = buttons[0]!.custom_id;
    expect(confirmId.length).toBeLessThanOrEqual(64);

    // A container stopped after the preview is not part of what was confirmed.
    await docker('create', '--name', 'dit-stopped-late', '-l', LABEL, busybox, 'true');

    const bySomeoneElse = h.discord.press(confirmId, stranger, true);
    await h.discord.waitFor(() => followUps(h, bySomeoneElse).length > 0);
    const refusal = followUps(h, bySomeoneElse)[0];
    expect(bodyOf(refusal).flags).toBe(64);
    expect(textOf(refusal)).toContain('Error (forbidden)');
    expect(textOf(refusal)).toContain('only otto or an admin can answer this confirmation');
    expect(edits(h.discord, bySomeoneElse)).toHaveLength(0);
    expect(await names()).toEqual(expect.arrayContaining(['dit-stopped-0', 'dit-stopped-1', 'dit-stopped-late']));

    const byRequester = h.discord.press(confirmId, operator, true);
    await h.discord.waitFor(() => edits(h.discord, byRequester).length > 0 && followUps(h, byRequester).length > 0);
    expect(callback(h.discord, byRequester)?.body).toMatchObject({ type: 6 });
    // The preview message now shows the result, without buttons; the channel sees it too.
    const result = edits(h.discord, byRequester).at(-1);
    expect(buttonsOf(result)).toEqual([]);
    expect(textOf(result)).toContain('dit-stopped-0');
    expect(bodyOf(followUps(h, byRequester)[0]).flags ?? 0).toBe(0);
    expect(await names()).toEqual(['dit-stopped-late', 'dit-web', 'dit-worker']);
  });

  it('honours a REST 429 with retry_after before editing the reply', async () => {
    h.discord.faults.push({
      method: 'PATCH',
      path: /\/messages\/%40original$/,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 1.2, global: false },
      headers: { 'retry-after': '1.2', 'x-ratelimit-scope': 'user', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '1.2', 'x-ratelimit-bucket': 'fake' },
    });
    const i = h.discord.slash('ps', [], viewer);
    await h.discord.waitFor(() => edits(h.discord, i).length >= 2);
    const [limited, retried] = edits(h.discord, i);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1150);
    expect(textOf(retried)).toContain('dit-web');
  });

  it('goes on as a channel message when the interaction token no longer works', async () => {
    h.discord.faults.push({ method: 'PATCH', path: /\/messages\/%40original$/, status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
    const i = h.discord.slash('ps', [], { ...viewer, channelId: '300000000000000042' });
    const posted = () => h.discord.calls.filter((c) => c.method === 'POST' && c.path === '/channels/300000000000000042/messages');
    await h.discord.waitFor(() => posted().length > 0);
    expect(textOf(posted()[0])).toContain('dit-web');
    expect(bodyOf(posted()[0]).allowed_mentions).toEqual({ parse: [] });
    expect(posted()[0]?.authorization).toBe(`Bot ${h.discord.token}`);
    expect(edits(h.discord, i)).toHaveLength(1);
  });

  it('loses no interaction across a gateway op 7 reconnect and a dropped connection', async () => {
    const identifies = h.discord.received.filter((r) => r.op === 2).length;
    const before = h.discord.received.filter((r) => r.op === 6).length;
    // One acknowledged and in progress when Discord asks for the reconnect.
    const inFlight = h.discord.slash('ps', [], viewer);
    await h.discord.waitFor(() => callback(h.discord, inFlight) !== undefined);
    h.discord.requestReconnect();
    // One sent while the client is away: Discord replays it on RESUME.
    const whileAway = h.discord.slash('cli', [{ name: 'line', value: 'ps -a' }], viewer);
    await h.discord.waitForOp(6, before + 1);
    await h.discord.waitFor(() => edits(h.discord, inFlight).length > 0 && edits(h.discord, whileAway).length > 0);
    expect(textOf(edits(h.discord, whileAway).at(-1))).toContain('dit-stopped-late');

    h.discord.dropConnection();
    const afterDrop = h.discord.slash('ps', [], viewer);
    await h.discord.waitForOp(6, before + 2);
    await h.discord.waitFor(() => edits(h.discord, afterDrop).length > 0);
    expect(textOf(edits(h.discord, afterDrop).at(-1))).toContain('dit-web');
    // Resumed both times: no new session.
    expect(h.discord.received.filter((r) => r.op === 2).length).toBe(identifies);
    // Each answered once.
    for (const i of [inFlight, whileAway, afterDrop]) expect(h.discord.callsFor(i).filter((c) => c.path.endsWith('/callback'))).toHaveLength(1);
  });

  describe.skipIf(!registry)('pull', () => {
    let proxy: ThrottledRegistry;
    const image = `dockbot-test/discord-pull:1`;
    beforeAll(async () => {
      await pushManyLayerImage(dockerHost, busybox, `${registry}/${image}`, 4, 384 * 1024, LABEL);
      proxy = await throttledRegistry(registry as string, 256 * 1024);
    });
    afterAll(async () => {
      await proxy?.close();
      await docker('rmi', `${proxy.address}/${image}`).catch(() => undefined);
    });

    it('edits the reply with progress no faster than once a second and ends with the final state', async () => {
      const ref = `${proxy.address}/${image}`;
      const i = h.discord.slash('pull', [{ name: 'name', value: ref }], operator);
      // The final state's title says "Pulled"; live states say "Pulling".
      await h.discord.waitFor(() => /^Pulled /.test(bodyOf(edits(h.discord, i).at(-1)).embeds?.[0]?.title ?? ''), 60_000);
      const patches = edits(h.discord, i);
      expect(patches.length).toBeGreaterThanOrEqual(3);
      for (let k = 1; k < patches.length; k++) expect(patches[k]!.at - patches[k - 1]!.at).toBeGreaterThanOrEqual(950);
      expect(textOf(patches[0])).toMatch(/Pulling from|Downloading|Waiting|Pulling fs layer/);
      expect(patches.slice(0, -1).every((p) => bodyOf(p).embeds?.[0]?.title?.startsWith('Pulling '))).toBe(true);
      const last = textOf(patches.at(-1));
      expect(last).toContain('Pull complete');
      expect(last).toContain('100%');
      expect(last).toMatch(/discord-pull:1/);
      expect(await docker('image', 'inspect', '--format', '{{.Id}}', ref)).toMatch(/sha256:/);
    });
  });
});
