// `dockbot register-commands`: the built binary against the fake Discord. It sends the schema
// derived from the specs, a second run changes nothing, and a bad token is a clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, takesHost } from '../../../commands/index.js';
import { buildSlashSchema } from '../../../src/adapters/discord/schema.js';
import { dockbot } from '../../support/engine.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';

describe('register-commands', () => {
  let discord: FakeDiscord;
  let env: Record<string, string>;
  beforeAll(async () => {
    discord = await new FakeDiscord().start();
    env = { DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
  });
  afterAll(() => discord.stop());

  const writes = () => discord.calls.filter((c) => c.method === 'PUT');

  it('registers /docker in a guild as derived from the specs, and prints what changed', async () => {
    const r = await dockbot(['register-commands', '--guild', '555000000000000001'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('registered /docker and /swarm (guild 555000000000000001)');
    expect(r.stdout).toContain('+ /docker');
    expect(r.stdout).toContain('+ /swarm');
    const put = writes().at(-1);
    expect(put?.path).toBe(`/applications/${discord.applicationId}/guilds/555000000000000001/commands`);
    expect(put?.authorization).toBe(`Bot ${discord.token}`);
    expect(put?.body).toEqual(buildSlashSchema(commands, { takesHost }).commands);
    await expect(JSON.stringify(put?.body, null, 2) + '\n').toMatchFileSnapshot('__snapshots__/docker-command.json');
  });

  it('a second run compares, writes nothing and says so', async () => {
    const before = writes().length;
    const r = await dockbot(['register-commands', '--guild', '555000000000000001'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('/docker and /swarm are up to date (guild 555000000000000001); nothing changed');
    expect(writes().length).toBe(before);
  });

  it('names each subcommand that changed', async () => {
    const [stored, ...others] = discord.commands.get('555000000000000001')!;
    const options = stored!.options as Array<{ name: string; description: string }>;
    options.find((o) => o.name === 'ps')!.description = 'an older description';
    discord.commands.set('555000000000000001', [stored!, ...others, { name: 'deploy', description: 'not ours', type: 1, options: [] }]);
    const r = await dockbot(['register-commands', '--guild', '555000000000000001'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^[+~-] /.test(l)).sort()).toEqual(['- /deploy', '~ /docker ps']);
  });

  it('registers globally without --guild', async () => {
    const r = await dockbot(['register-commands'], env);
    expect(r.code).toBe(0);
    expect(writes().at(-1)?.path).toBe(`/applications/${discord.applicationId}/commands`);
    expect(r.stdout).toContain('(global)');
  });

  it('exits non-zero with a clear message on a bad token, writing nothing', async () => {
    const before = writes().length;
    const r = await dockbot(['register-commands', '--guild', '555000000000000001'], { ...env, DISCORD_TOKEN: 'not-the-token' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('dockbot: Discord refused DISCORD_TOKEN (401 Unauthorized): use the bot token from the Developer Portal, Bot page');
    expect(r.stderr).not.toContain('not-the-token');
    expect(writes().length).toBe(before);
  });

  it('says what is missing without a token or application id, and refuses a bad guild id', async () => {
    const none = await dockbot(['register-commands'], { DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: discord.applicationId });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/DISCORD_TOKEN|DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
    const bad = await dockbot(['register-commands', '--guild', 'abc'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('usage: dockbot register-commands [--guild ID]');
  });
});
