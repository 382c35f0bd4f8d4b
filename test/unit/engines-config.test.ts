// The `engines:` section: names, addresses, TLS files, the default engine and per-engine grants.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { EngineRegistry } from '../../src/docker/engines.js';
import { connectionOptions } from '../../src/docker/host.js';

const dir = mkdtempSync(join(tmpdir(), 'dockbot-engines-config-'));
const withFile = (yaml: string): Record<string, string> => {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return { DOCKBOT_CONFIG: file };
};
const failure = (fn: () => unknown): string => {
  try {
    fn();
    return 'no error';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};
const pem = join(dir, 'x.pem');
writeFileSync(pem, 'not a real certificate');

describe('engines configuration', () => {
  it('without engines: DOCKER_HOST is the one engine, "default"', () => {
    const c = loadConfig({ DOCKER_HOST: 'unix:///tmp/a.sock' }, dir);
    expect(c.engines.map((e) => [e.name, e.host])).toEqual([['default', 'unix:///tmp/a.sock']]);
    expect(c.defaultEngine).toBe('default');
  });

  it('lists DOCKER_HOST first, then the YAML engines; default: true chooses the default', () => {
    const env = withFile(
      `engines:\n  staging: { host: "ssh://deploy@staging.example" }\n  prod: { host: "tcp://10.0.0.5:2376", tls: { ca: ${pem}, cert: ${pem}, key: ${pem} } }\n  build: { host: "unix:///var/run/docker.sock", default: true, timeoutSeconds: 5 }\n`,
    );
    const c = loadConfig({ DOCKER_HOST: 'unix:///tmp/a.sock', ...env }, dir);
    expect(c.engines.map((e) => e.name)).toEqual(['default', 'staging', 'prod', 'build']);
    expect(c.defaultEngine).toBe('build');
    expect(c.engines.find((e) => e.name === 'build')?.timeoutMs).toBe(5000);
    expect(c.engines.find((e) => e.name === 'staging')?.timeoutMs).toBe(30_000);
    expect(c.engines.find((e) => e.name === 'prod')?.tls).toEqual({ ca: pem, cert: pem, key: pem });
  });

  it('with engines and no DOCKER_HOST there is no "default" engine; the first one is used', () => {
    const c = loadConfig(withFile('engines:\n  staging: { host: "tcp://10.0.0.1:2375" }\n'), dir);
    expect(c.engines.map((e) => e.name)).toEqual(['staging']);
    expect(c.defaultEngine).toBe('staging');
  });

  it('refuses bad names, bad addresses, missing TLS files, two defaults and the reserved name', () => {
    expect(failure(() => loadConfig(withFile('engines:\n  Bad Name: { host: "tcp://h:1" }\n'), dir))).toMatch(/engines.Bad Name: an engine name/);
    expect(failure(() => loadConfig(withFile('engines:\n  a: { host: "ftp://h" }\n'), dir))).toMatch(/engines.a.host: host "ftp:\/\/h" has an unsupported scheme/);
    expect(failure(() => loadConfig(withFile('engines:\n  a: { host: "tcp://h:1", tls: { ca: /nope/ca.pem, cert: /nope/c, key: /nope/k } }\n'), dir))).toMatch(/engines.a.tls.ca: no such file/);
    expect(failure(() => loadConfig(withFile('engines:\n  a: { host: "tcp://h:1", default: true }\n  b: { host: "tcp://h:2", default: true }\n'), dir))).toMatch(/only one engine can be the default/);
    expect(failure(() => loadConfig(withFile('engines:\n  default: { host: "tcp://h:1" }\n'), dir))).toMatch(/"default" is the engine DOCKER_HOST names/);
    expect(failure(() => loadConfig(withFile('engines:\n  a: { host: "tcp://h:1", colour: red }\n'), dir))).toMatch(/unknown key\(s\) colour/);
  });

  it('a tcp:// engine with TLS is spoken to over https, on 2376 unless the address says otherwise', () => {
    expect(connectionOptions('tcp://10.0.0.5', true)).toEqual({ protocol: 'https', host: '10.0.0.5', port: 2376 });
    expect(connectionOptions('tcp://10.0.0.5:3000', true)).toEqual({ protocol: 'https', host: '10.0.0.5', port: 3000 });
    expect(connectionOptions('tcp://10.0.0.5')).toEqual({ protocol: 'http', host: '10.0.0.5', port: 2375 });
  });

  it('per-engine roles: operators of the entry replace the top level there; admins stay admins', () => {
    const env = withFile(
      'roles:\n  admin: ["slack:UADMIN"]\n  operator: ["slack:UOPS"]\nengines:\n  prod: { host: "tcp://h:1", roles: { operator: [] } }\n  staging: { host: "tcp://h:2", roles: { operator: ["slack:UDEV"] } }\n  plain: { host: "tcp://h:3" }\n',
    );
    const registry = EngineRegistry.fromConfig(loadConfig({ DOCKER_HOST: 'unix:///tmp/a.sock', ...env }, dir));
    const role = (engine: string, userId: string) => registry.roles(engine).roleOf({ platform: 'slack', userId });
    expect([role('default', 'UOPS'), role('plain', 'UOPS'), role('prod', 'UOPS'), role('staging', 'UOPS')]).toEqual(['operator', 'operator', 'viewer', 'viewer']);
    expect([role('default', 'UDEV'), role('staging', 'UDEV')]).toEqual(['viewer', 'operator']);
    expect([role('prod', 'UADMIN'), role('staging', 'UADMIN')]).toEqual(['admin', 'admin']);
    expect(() => registry.get('nowhere')).toThrow(/no engine is named "nowhere"/);
  });
});
