// Git build contexts: only the URL forms the engine's legacy builder clones, never credentials,
// refs and subdirectories that git could read as options or that leave the repository.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { parseGitContext } from '../../../src/docker/git-context.js';

describe('parseGitContext', () => {
  it('takes https (.git), git:// and git@host: forms, with #ref and #ref:subdir', () => {
    expect(parseGitContext('https://git.example.com/team/site.git')).toEqual({ repository: 'https://git.example.com/team/site.git', remote: 'https://git.example.com/team/site.git' });
    expect(parseGitContext('git://127.0.0.1:9418/demo.git#v1.2:docker/app/')).toEqual({
      repository: 'git://127.0.0.1:9418/demo.git',
      ref: 'v1.2',
      subdir: 'docker/app',
      remote: 'git://127.0.0.1:9418/demo.git#v1.2:docker/app',
    });
    expect(parseGitContext('git@github.com:team/site.git#main').remote).toBe('git@github.com:team/site.git#main');
    expect(parseGitContext('https://git.example.com/site.git#feature/x').ref).toBe('feature/x');
  });

  it.each([
    ['http://git.example.com/site.git', /https:\/\/ rather than http/],
    ['ssh://git@git.example.com/site.git', /git@host:path/],
    ['ftp://git.example.com/site.git', /a git URL/],
    ['/srv/repo.git', /a git URL/],
    ['https://git.example.com/site', /ends in \.git/],
    ['https://user:s3cret@git.example.com/site.git', /without credentials/],
    ['https://token@git.example.com/site.git', /without credentials/],
    ['git://git.example.com/site.git?x=1', /query/],
    ['git://-oProxyCommand=x/site.git', /host name/],
    ['git@-oProxyCommand=x:site.git', /host name/],
    ['git@host:a/../etc.git', /without ".."/],
    ['https://git.example.com/site.git#--upload-pack=touch', /ref of letters/],
    ['https://git.example.com/site.git#main..x', /ref of letters/],
    ['https://git.example.com/site.git#', /a ref after "#"/],
    ['https://git.example.com/site.git#main:../up', /subdirectory/],
    ['https://git.example.com/site.git#main:/abs', /subdirectory/],
    ['https://git.example.com/site.git#main:a:b', /one ":"/],
    ['https://git.example.com/si te.git', /spaces/],
    [`https://git.example.com/${'a'.repeat(3000)}.git`, /at most 2048/],
  ])('refuses %s', (url, message) => {
    expect(() => parseGitContext(url)).toThrow(message);
  });
});

describe('builds.contexts in the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockbot-git-config-'));
  const load = (yaml: string) => {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return loadConfig({ DOCKER_HOST: 'unix:///tmp/x.sock', DOCKBOT_CONFIG: file }, dir);
  };

  it('a context is a directory or { git: URL }', () => {
    const c = load('builds:\n  contexts:\n    demo: /srv/build/demo\n    site: { git: "https://git.example.com/site.git#main:docker" }\n');
    expect(c.builds.contexts).toEqual({ demo: '/srv/build/demo', site: { git: 'https://git.example.com/site.git#main:docker' } });
  });

  it('a bad git URL stops start-up naming the key, and the message never repeats credentials', () => {
    let message = '';
    try {
      load('builds:\n  contexts:\n    site: { git: "https://bot:hunter2@git.example.com/site.git" }\n');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('builds.contexts.site.git');
    expect(message).toContain('without credentials');
    expect(message).not.toContain('hunter2');
    expect(() => load('builds:\n  contexts:\n    site: { git: "https://git.example.com/site.git", ref: main }\n')).toThrow(/unknown key/);
  });
});
