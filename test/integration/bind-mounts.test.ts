// The symlink escape on a real engine: an operator who may write an allowlisted directory links
// `/` into it and asks to mount the link. Refused before anything is created, for `run` and for
// `start` of a container made with the Docker CLI; allowlisted mounts are read-only by default.
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Requester } from '../../src/core/command.js';
import type { App } from '../../src/main.js';
import { busybox, cleanup, docker, skipReason, TEST_LABEL, testApp } from '../support/engine.js';

const FILE = 'bind-mounts';
const LABEL = `${TEST_LABEL}=${FILE}`;
const shell: Requester = { platform: 'shell', userId: 'bind-test', trustedRole: 'admin' };
let seq = 0;
const handle = (app: App, text: string) => app.dispatcher.handle({ id: `bind-${++seq}`, text, requester: shell, confirmed: true });
const allContainers = async (): Promise<string[]> => (await docker('ps', '-aq', '--no-trunc')).split('\n').filter(Boolean).sort();

describe.skipIf(skipReason)('bind mounts on the private engine', () => {
  let app: App;
  let shared: string;
  let readOnly: string;

  beforeAll(async () => {
    await cleanup(FILE);
    shared = mkdtempSync(join(tmpdir(), 'dockbot-bind-shared-'));
    readOnly = mkdtempSync(join(tmpdir(), 'dockbot-bind-ro-'));
    symlinkSync('/', join(shared, 'root'));
    ({ app } = await testApp(`policy:\n  bindMounts: [{path: "${shared}", rw: true}, "${readOnly}"]\n`));
  });

  afterAll(async () => {
    await cleanup(FILE);
    rmSync(shared, { recursive: true, force: true });
    rmSync(readOnly, { recursive: true, force: true });
  });

  it('run -v <link to /> inside the allowlist is refused; nothing is created', async () => {
    const before = await allContainers();
    for (const dryRun of ['', '--dry-run ']) {
      const out = await handle(app, `run ${dryRun}-d -l ${LABEL} --name bind-escape -v ${shared}/root:/host ${busybox} sleep 30`);
      expect(out.error?.code).toBe('forbidden');
      expect(out.error?.message).toContain('leads to / through a symbolic link');
      const deeper = await handle(app, `run ${dryRun}-d -l ${LABEL} -v ${shared}/root/etc:/host-etc:ro ${busybox} sleep 30`);
      expect(deeper.error?.code).toBe('forbidden');
    }
    expect(await allContainers()).toEqual(before);
    // Nothing made on the host either: the engine never saw the request to create a source.
    expect(readdirSync(shared)).toEqual(['root']);
  });

  it('start refuses a container created elsewhere with the link, or unconfined', async () => {
    await docker('create', '--label', LABEL, '--name', 'bind-cli-escape', '-v', `${shared}/root:/host:ro`, busybox, 'sleep', '30');
    await docker('create', '--label', LABEL, '--name', 'bind-cli-unconfined', '--security-opt', 'seccomp=unconfined', busybox, 'sleep', '30');
    await docker('create', '--label', LABEL, '--name', 'bind-cli-rw', '-v', `${readOnly}:/data`, busybox, 'sleep', '30');
    const escape = await handle(app, 'start bind-cli-escape');
    expect(escape.error?.code).toBe('forbidden');
    expect(escape.error?.message).toContain('symbolic link');
    const unconfined = await handle(app, 'start bind-cli-unconfined');
    expect(unconfined.error?.message).toContain('rule security-options');
    const writable = await handle(app, 'start bind-cli-rw');
    expect(writable.error?.message).toContain('may only be mounted read-only');
    const states = await docker('ps', '-a', '--filter', `label=${LABEL}`, '--format', '{{.State}}');
    expect(states.split('\n').filter(Boolean).every((s) => s === 'created')).toBe(true);
  });

  it('an allowlisted directory is mounted read-only unless its entry allows writing', async () => {
    const ro = await handle(app, `run --rm -l ${LABEL} -v ${readOnly}:/data ${busybox} touch /data/x`);
    expect(ro.ok).toBe(false);
    expect(JSON.stringify(ro.data ?? ro.error)).toMatch(/Read-only file system/i);
    expect(readdirSync(readOnly)).toEqual([]);
    const rw = await handle(app, `run --rm -l ${LABEL} -v ${shared}:/data ${busybox} touch /data/written`);
    expect(rw.ok).toBe(true);
    expect(readdirSync(shared).sort()).toEqual(['root', 'written']);
  });
});
