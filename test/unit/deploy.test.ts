// deploy/compose.yaml and deploy/stack.yaml: valid for Compose (`docker-compose config`, Debian's
// package), tokens as secrets, one replica of the bot, placement constraints.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { isCi } from '../support/ci.js';
import { which } from '../support/private-engine.js';

const run = promisify(execFile);
const deploy = join(import.meta.dirname, '..', '..', 'deploy');
const compose = await which('docker-compose');
if (!compose && isCi()) throw new Error('docker-compose is not installed (test/support/prereqs.sh installs it)');

/** A copy of deploy/ with the files a deployment provides (.env), so the check sees only our files. */
function deployCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dockbot-deploy-')), 'deploy');
  mkdirSync(dir);
  for (const f of ['compose.yaml', 'stack.yaml', 'dockbot.yaml']) copyFileSync(join(deploy, f), join(dir, f));
  writeFileSync(join(dir, '.env'), 'SLACK_BOT_TOKEN=xoxb-example\n');
  return dir;
}

interface Service {
  image?: string;
  environment?: Record<string, unknown>;
  secrets?: string[];
  deploy?: { replicas?: number; mode?: string; placement?: { constraints?: string[] } };
}

describe.skipIf(!compose)('docker-compose accepts the deploy files', () => {
  it.each(['compose.yaml', 'stack.yaml'])('%s', async (file) => {
    const dir = deployCopy();
    const { stdout } = await run(compose as string, ['-f', join(dir, file), 'config'], { cwd: dir });
    expect(parse(stdout)).toHaveProperty('services.dockbot');
  });
});

describe('deploy/stack.yaml', () => {
  const stack = parse(readFileSync(join(deploy, 'stack.yaml'), 'utf8')) as { services: Record<string, Service>; secrets: Record<string, { external?: boolean }> };
  const bot = stack.services.dockbot as Service;

  it('runs one replica of the bot, and says why', () => {
    expect(bot.deploy?.replicas).toBe(1);
    expect(readFileSync(join(deploy, 'stack.yaml'), 'utf8')).toMatch(/One replica: a second one would/);
  });

  it('gives tokens as Swarm secrets through *_FILE variables, never as values', () => {
    const env = bot.environment ?? {};
    const files = Object.entries(env).filter(([k]) => k.endsWith('_FILE'));
    expect(files.length).toBeGreaterThan(0);
    for (const [, path] of files) expect(bot.secrets).toContain(String(path).replace('/run/secrets/', ''));
    for (const name of bot.secrets ?? []) expect(stack.secrets[name]?.external).toBe(true);
    expect(Object.keys(env).filter((k) => /TOKEN$|SECRET$/.test(k))).toEqual([]);
  });

  it('places the proxy on managers and the bot on its labelled node', () => {
    expect(stack.services['socket-proxy']?.deploy?.placement?.constraints).toEqual(['node.role == manager']);
    expect(bot.deploy?.placement?.constraints).toEqual(['node.labels.dockbot == true']);
  });

  it('the proxy allows the same API sections as compose.yaml', () => {
    const composeFile = parse(readFileSync(join(deploy, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };
    expect(stack.services['socket-proxy']?.environment).toEqual(composeFile.services['socket-proxy']?.environment);
  });

  it('a *_FILE variable is read as the token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-secret-'));
    writeFileSync(join(dir, 'token'), 'xoxb-from-a-secret\n');
    expect(loadConfig({ SLACK_BOT_TOKEN_FILE: join(dir, 'token') }, dir).slack.botToken).toBe('xoxb-from-a-secret');
    expect(() => loadConfig({ DISCORD_TOKEN_FILE: join(dir, 'missing') }, dir)).toThrow(/DISCORD_TOKEN_FILE: cannot read .*missing \(ENOENT\)/);
  });
});
