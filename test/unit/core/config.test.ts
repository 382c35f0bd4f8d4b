import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'dockbot-config-'));
const withFile = (yaml: string): string => {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return file;
};
const message = (fn: () => unknown): string => {
  try {
    fn();
    return 'no error';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe('loadConfig', () => {
  it('has safe defaults with no file and no variables', () => {
    const c = loadConfig({}, dir);
    expect(c.dockerHost).toBe('unix:///var/run/docker.sock');
    expect(c.roles).toEqual({ admin: [], operator: [], channels: {} });
    expect(c.port).toBe(3000);
    expect(c.confirmTtlMs).toBe(120_000);
    expect(c.file).toBeNull();
    expect(c.logLevel).toBeUndefined();
  });
  it('keeps state per user, never in the working directory, unless told', () => {
    expect(loadConfig({ XDG_STATE_HOME: '/var/state' }, dir).dataDir).toBe('/var/state/dockbot');
    expect(loadConfig({ HOME: '/home/ann' }, dir).dataDir).toBe('/home/ann/.local/state/dockbot');
    expect(loadConfig({ DOCKBOT_DATA_DIR: 'state' }, dir).dataDir).toBe(join(dir, 'state'));
  });
  it('reads roles from YAML', () => {
    const file = withFile('roles:\n  admin: ["slack:U01ADMIN"]\n  operator: ["discord-role:234567890123456789"]\n');
    const c = loadConfig({ DOCKBOT_CONFIG: file }, dir);
    expect(c.roles.admin).toEqual(['slack:U01ADMIN']);
    expect(c.roles.operator).toEqual(['discord-role:234567890123456789']);
  });
  it('names the key and what is allowed', () => {
    expect(message(() => loadConfig({ PORT: 'eighty' }, dir))).toMatch(/PORT/);
    expect(message(() => loadConfig({ LOG_LEVEL: 'loud' }, dir))).toMatch(/LOG_LEVEL.*fatal.*silent/s);
    expect(message(() => loadConfig({ DOCKBOT_CONFIG: withFile('roles:\n  admin: ["bob"]\n') }, dir))).toMatch(/roles\.admin\.0: an identity like/);
    expect(message(() => loadConfig({ DOCKBOT_CONFIG: withFile('rolez: {}\n') }, dir))).toMatch(/unknown key\(s\) rolez/);
    expect(message(() => loadConfig({ DOCKBOT_CONFIG: join(dir, 'missing.yaml') }, dir))).toMatch(/does not exist/);
    expect(message(() => loadConfig({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, dir))).toMatch(/DOCKER_HOST: .*unsupported scheme npipe:/);
    expect(message(() => loadConfig({ DOCKER_HOST: 'docker-host' }, dir))).toMatch(/DOCKER_HOST: .*not an address/);
  });
  it('never echoes a secret it rejects', () => {
    const secret = 'not-a-bot-token-s3cr3t';
    const text = message(() => loadConfig({ SLACK_BOT_TOKEN: secret }, dir));
    expect(text).toMatch(/SLACK_BOT_TOKEN: a bot token starting with xoxb-/);
    expect(text).not.toContain(secret);
  });
});
