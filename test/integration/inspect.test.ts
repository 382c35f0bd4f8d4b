// `inspect` summarises what `docker inspect` reports, and never shows an environment value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busybox, cleanup, docker, dockbot, dockbotJson, engine, skipReason, TEST_LABEL } from '../support/engine.js';
import { freePort } from '../support/private-engine.js';

const LABEL = `${TEST_LABEL}=inspect`;
const IMAGE = 'dockbot-inspect/app:1';
const SECRETS = ['hunter2', 'sekrit-image-value', 'running-token'];

type Body<D> = { ok: boolean; command: string; data: D; error?: { code: string; message: string } };
interface Summary {
  type: string;
  id: string;
  name?: string;
  env: string[];
  ports?: string[];
  mounts?: Array<{ type: string; source: string; destination: string; readOnly: boolean }>;
  restartPolicy?: string;
  state?: { status: string; running: boolean };
  labels: Record<string, string>;
  tags?: string[];
  layers?: number;
  size?: number;
  exposedPorts?: string[];
  cmd?: string[];
}

async function cliInspect<T>(...args: string[]): Promise<T> {
  return JSON.parse(await docker('inspect', '--format', '{{json .}}', ...args)) as T;
}

const envKeys = (env: string[]): string[] => env.map((e) => e.split('=')[0] as string);

describe.skipIf(skipReason)('inspect against the Docker CLI', () => {
  let context = '';
  let hostPort = 0;

  beforeAll(async () => {
    await cleanup('inspect');
    context = mkdtempSync(join(tmpdir(), 'dockbot-inspect-'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${busybox}\nENV API_KEY=sekrit-image-value\nEXPOSE 8080\nCMD ["sh"]\n`);
    await docker('build', '-q', '--label', LABEL, '-t', IMAGE, context);
    hostPort = await freePort();
    await docker(
      'create', '--name', 'inspect-app', '-l', LABEL, '-l', 'team=blue',
      '-e', 'SECRET=hunter2', '-e', 'PLAIN=visible-too',
      '-p', `127.0.0.1:${hostPort}:80`, '-v', 'inspect-data:/data', '--restart', 'on-failure:3',
      IMAGE, 'sh', '-c', 'echo "$SECRET"',
    );
    await docker('run', '-d', '--name', 'inspect-running', '-l', LABEL, '-e', 'TOKEN=running-token', busybox, 'sleep', '600');
  });

  afterAll(async () => {
    await cleanup('inspect');
    await docker('volume', 'rm', '-f', 'inspect-data');
    await engine().getImage(IMAGE).remove({ force: true }).catch(() => undefined);
    if (context) rmSync(context, { recursive: true, force: true });
  });

  it('a container: its configuration, with env names but no values', async () => {
    const { code, body } = await dockbotJson<Body<Summary>>('inspect inspect-app');
    expect(code).toBe(0);
    expect(body.command).toBe('inspect');
    const cli = await cliInspect<{ Id: string; Config: { Env: string[]; Labels: Record<string, string> }; State: { Status: string } }>('inspect-app');
    expect(body.data).toMatchObject({
      type: 'container',
      id: cli.Id,
      name: 'inspect-app',
      ports: [`127.0.0.1:${hostPort}->80/tcp`, '8080/tcp'],
      mounts: [{ type: 'volume', source: 'inspect-data', destination: '/data', readOnly: false }],
      restartPolicy: 'on-failure:3',
      state: { status: cli.State.Status, running: false },
      labels: cli.Config.Labels,
    });
    expect(envKeys(body.data.env)).toEqual(envKeys(cli.Config.Env));
    for (const entry of body.data.env) expect(entry).toMatch(/^[^=]+=\[redacted\]$/);
  });

  it('no env value reaches the JSON or the chat reply', async () => {
    for (const name of ['inspect-app', 'inspect-running', IMAGE]) {
      const json = await dockbot(['exec', '--json', `inspect ${name}`]);
      const text = await dockbot(['exec', `inspect ${name}`]);
      expect(json.code).toBe(0);
      expect(text.code).toBe(0);
      for (const secret of SECRETS) {
        expect(json.stdout).not.toContain(secret);
        expect(text.stdout).not.toContain(secret);
      }
      expect(text.stdout).toContain('=[redacted]');
    }
  });

  it('a running container shows its state', async () => {
    const { body } = await dockbotJson<Body<Summary>>('inspect --type container inspect-running');
    expect(body.data.state).toMatchObject({ status: 'running', running: true });
    expect(body.data.env).toContain('TOKEN=[redacted]');
  });

  it('an image: tags, layers, size, ports and cmd as the CLI reports them', async () => {
    const { code, body } = await dockbotJson<Body<Summary>>(`inspect ${IMAGE}`);
    expect(code).toBe(0);
    const cli = await cliInspect<{ Id: string; RepoTags: string[]; Size: number; RootFS: { Layers: string[] }; Config: { Env: string[]; Cmd: string[] } }>(
      '--type', 'image', IMAGE,
    );
    expect(body.data).toMatchObject({
      type: 'image',
      id: cli.Id,
      tags: cli.RepoTags,
      size: cli.Size,
      layers: cli.RootFS.Layers.length,
      exposedPorts: ['8080/tcp'],
      cmd: cli.Config.Cmd,
    });
    expect(envKeys(body.data.env)).toEqual(envKeys(cli.Config.Env));
    expect(body.data.env).toContain('API_KEY=[redacted]');
  });

  it('--type narrows the lookup: a container is no image and the reverse', async () => {
    const asImage = await dockbotJson<Body<null>>('inspect --type image inspect-app');
    expect(asImage.code).toBe(1);
    expect(asImage.body.error?.code).toBe('not_found');
    const asContainer = await dockbotJson<Body<null>>(`inspect --type container ${IMAGE}`);
    expect(asContainer.body.error?.code).toBe('not_found');
    const badType = await dockbotJson<Body<null>>('inspect --type volume inspect-app');
    expect(badType.body.error?.code).toBe('usage');
  });

  it('a missing object is not_found naming it, exit code 1, one JSON line', async () => {
    for (const name of ['inspect-missing', 'Inspect-Missing']) {
      const { code, body } = await dockbotJson<Body<null>>(`inspect ${name}`);
      expect(code).toBe(1);
      expect(body.ok).toBe(false);
      expect(body.error).toMatchObject({ code: 'not_found' });
      expect(body.error?.message).toContain(name);
    }
  });
});
