// `dockbot start` with DISCORD_TOKEN: the built binary connects, answers /docker, and stops
// cleanly on SIGTERM; a refused token ends it with a clear message.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerHost, skipReason } from '../../support/engine.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { freePort } from '../../support/private-engine.js';
import { edits } from './harness.js';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'dockbot.js');

async function startBot(env: Record<string, string>) {
  // The HTTP server (/healthz, /metrics, webhooks) starts with the chat adapters: a free port of its own.
  const port = String(await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-start-'));
  const { DOCKBOT_CONFIG: _none, ...inherited } = process.env;
  // In an empty directory: no dockbot.yaml, so the defaults hold.
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: dir,
    env: { ...inherited, DOCKER_HOST: dockerHost, LOG_LEVEL: 'warn', DOCKBOT_DATA_DIR: dir, PORT: port, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe.skipIf(skipReason)('dockbot start with Discord', () => {
  let discord: FakeDiscord;
  beforeAll(async () => {
    discord = await new FakeDiscord().start();
  });
  afterAll(() => discord.stop());

  it('connects, answers /docker ps, and exits 0 on SIGTERM', async () => {
    const env = { DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
    const bot = await startBot(env);
    try {
      await discord.waitForOp(2, 1, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      const i = discord.slash('ps', [], { user: { id: '100000000000000001', username: 'alice' } });
      await discord.waitFor(() => edits(discord, i).length > 0, 20_000);
      expect(JSON.stringify(edits(discord, i)[0]?.body)).toMatch(/"title":"\d+ containers?"/);
      // Never registers commands on start.
      expect(discord.calls.filter((c) => c.path.includes('/commands'))).toHaveLength(0);
    } finally {
      bot.child.kill('SIGTERM');
    }
    expect(await bot.exited).toBe(0);
  });

  it('exits 1 and says so when Discord refuses the token', async () => {
    const bot = await startBot({ DISCORD_TOKEN: 'wrong', DISCORD_API_URL: discord.apiUrl });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('dockbot: Discord: DISCORD_TOKEN was refused');
    expect(bot.stderr()).not.toContain('wrong');
    expect(bot.stderr()).not.toMatch(/\n\s+at /);
  });
});
