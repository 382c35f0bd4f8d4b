// `run` against the private engine: what reaches the engine (checked with `docker inspect`),
// foreground output and exit codes, cleanup after a failed start, conflicts, --dry-run, every
// rule of the run policy, and pulling a missing image from the loopback registry first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Requester } from '../../src/core/command.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { plainText, type Reply } from '../../src/core/reply.js';
import type { App } from '../../src/main.js';
import { busybox, cleanup, docker, dockbotJson, registry, skipReason, TEST_LABEL, testApp } from '../support/engine.js';
import { actionIds } from '../support/actions.js';
import { liveOnlySink } from '../../src/core/progress.js';

const FILE = 'run';
const LABEL = `${TEST_LABEL}=${FILE}`;
/** The terminal user: an admin, whom the run policy binds all the same. */
const shell: Requester = { platform: 'shell', userId: 'run-test', trustedRole: 'admin' };
let seq = 0;

const handle = (app: App, text: string, onProgress?: (r: Reply) => void): Promise<Outcome> =>
  app.dispatcher.handle({ id: `run-${++seq}`, text, requester: shell }, onProgress ? { onProgress: liveOnlySink(onProgress) } : {});

interface Inspected {
  Id: string;
  Name: string;
  State: { Status: string; ExitCode: number };
  Config: { Env: string[]; Labels: Record<string, string>; Cmd: string[]; Image: string; Entrypoint: string[] | null };
  HostConfig: { PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>; Memory: number; NanoCpus: number; AutoRemove: boolean; Binds: string[] | null };
}

async function inspect(name: string): Promise<Inspected> {
  return (JSON.parse(await docker('inspect', name)) as Inspected[])[0] as Inspected;
}

/** Every container of the engine, by the Docker CLI: what policy denials must leave untouched. */
const allContainers = async (): Promise<string[]> => (await docker('ps', '-aq', '--no-trunc')).split('\n').filter(Boolean).sort();
const exists = (name: string): Promise<boolean> =>
  docker('inspect', '--type', 'container', name).then(
    () => true,
    () => false,
  );

describe.skipIf(skipReason)('run', () => {
  let app: App;
  let allowedDir: string;
  /** A host directory outside the allowlist, with a file standing for a secret. */
  let outsideDir: string;
  const pulledImage = `${registry}/library/busybox:1`;

  beforeAll(async () => {
    await cleanup(FILE);
    allowedDir = mkdtempSync(join(tmpdir(), 'dockbot-run-allowed-'));
    outsideDir = mkdtempSync(join(tmpdir(), 'dockbot-run-outside-'));
    writeFileSync(join(outsideDir, 'token'), 'top-secret\n');
    ({ app } = await testApp(`policy:\n  bindMounts: ["${allowedDir}"]\n`));
  });

  afterAll(async () => {
    await cleanup(FILE);
    if (registry) await docker('rmi', pulledImage).catch(() => undefined);
    rmSync(allowedDir, { recursive: true, force: true });
    rmSync(outsideDir, { recursive: true, force: true });
  });

  it('run -d -p -e -l --name reaches the engine exactly as asked, with the default limits', async () => {
    const { code, body } = await dockbotJson<{ ok: boolean; data: { id: string; name: string; ports: string[]; defaultsApplied: string[] } }>(
      `run -d -p 8080:80 -e A=1 -l k=v -l ${LABEL} --name run-web ${busybox} sleep 60`,
    );
    expect(code).toBe(0);
    expect(body.ok).toBe(true);
    expect(body.data).toMatchObject({ name: 'run-web', ports: ['8080->80/tcp'], defaultsApplied: ['memory 512m', 'cpus 1'] });

    const c = await inspect('run-web');
    expect(c.Name).toBe('/run-web');
    expect(c.Id).toBe(body.data.id);
    expect(c.State.Status).toBe('running');
    expect(c.Config.Env).toContain('A=1');
    expect(c.Config.Labels).toEqual({ k: 'v', [TEST_LABEL]: FILE });
    expect(c.Config.Cmd).toEqual(['sleep', '60']);
    expect(c.Config.Image).toBe(busybox);
    expect(c.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    expect(c.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(c.HostConfig.NanoCpus).toBe(1_000_000_000);
  });

  it('a foreground run shows the output and the exit code', async () => {
    const out = await handle(app, `run --name run-exit3 -l ${LABEL} ${busybox} sh -c 'echo hi; exit 3'`);
    expect(out.data).toMatchObject({ name: 'run-exit3', exitCode: 3, output: ['hi'], removed: false });
    expect(out.ok).toBe(false);
    expect(out.error).toMatchObject({ code: 'nonzero_exit', message: 'run-exit3 exited with code 3' });
    expect(out.reply.title).toBe('run-exit3 exited with code 3');
    expect(plainText(out.reply)).toContain('hi');
    expect((await inspect('run-exit3')).State).toMatchObject({ Status: 'exited', ExitCode: 3 });
  });

  it('a foreground run with a lot of output shows its last lines and counts them all', async () => {
    const out = await handle(app, `run --rm -l ${LABEL} ${busybox} seq 1 200000`);
    expect(out).toMatchObject({ ok: true, data: { exitCode: 0, outputLines: 200000 } });
    expect((out.data as { output: string[] }).output.at(-1)).toBe('200000');
    expect(plainText(out.reply)).toContain('last 25 of 200000 lines');
    // One frame per line (the shell writes each echo at once): many frames arrive in one read.
    const framed = await handle(app, `run --rm -l ${LABEL} ${busybox} sh -c 'i=0; while [ $i -lt 100000 ]; do echo $i; i=$((i+1)); done'`);
    expect(framed).toMatchObject({ ok: true, data: { exitCode: 0, outputLines: 100000 } });
    expect((framed.data as { output: string[] }).output.at(-1)).toBe('99999');
  });

  it('--rm removes the container once it exited; stderr is shown too', async () => {
    const out = await handle(app, `run --rm -l ${LABEL} ${busybox} sh -c 'echo out; echo err >&2'`);
    expect(out).toMatchObject({ ok: true, data: { exitCode: 0, removed: true } });
    // The two streams are separate pipes: their lines interleave in whatever order the engine read them.
    expect([...(out.data as { output: string[] }).output].sort()).toEqual(['err', 'out']);
    const id = (out.data as { id: string }).id;
    expect(await exists(id)).toBe(false);
  });

  it('a start that fails after create removes what was created and says so', async () => {
    for (const detach of ['', '-d ']) {
      const before = await allContainers();
      const out = await handle(app, `run ${detach}--name run-bad -l ${LABEL} --entrypoint /no/such/binary ${busybox}`);
      expect(out.error?.code).toBe('invalid_argument');
      expect(out.error?.message).toContain('run-bad could not start');
      expect(out.error?.message).toContain('the container run-bad created for it was removed');
      expect(out.data).toMatchObject({ name: 'run-bad', removed: true });
      expect(await exists('run-bad')).toBe(false);
      expect(await allContainers()).toEqual(before);
    }
  });

  it('a name in use is a conflict with actions to show or remove the old container', async () => {
    const before = await allContainers();
    for (const line of [`run --name run-web ${busybox} true`, `run --dry-run --name run-web ${busybox} true`]) {
      const out = await handle(app, line);
      expect(out.error?.code).toBe('conflict');
      expect(out.error?.message).toMatch(/^the name "run-web" is already in use by container [0-9a-f]{12} \(running\)$/);
      expect(actionIds(app.dispatcher, out.reply)).toEqual(['cmd:ps -a --filter name=run-web', 'cmd:rm -f run-web']);
      expect(JSON.stringify(out.reply)).not.toContain('"message"');
    }
    expect(await allContainers()).toEqual(before);
  });

  it('--dry-run creates nothing and returns the create body', async () => {
    const before = await allContainers();
    const out = await handle(app, `run --dry-run -d --name run-dry -p 127.0.0.1:9090:90/udp -e B=s3cret-value -l ${LABEL} -m 64m ${busybox} sleep 5`);
    expect(out.ok).toBe(true);
    expect(out.data).toEqual({
      dryRun: true,
      imagePresent: true,
      defaultsApplied: ['cpus 1'],
      plan: {
        name: 'run-dry',
        Image: busybox,
        Cmd: ['sleep', '5'],
        // The plan names the variables but never carries their values.
        Env: ['B=[redacted]'],
        Labels: { [TEST_LABEL]: FILE },
        ExposedPorts: { '90/udp': {} },
        AttachStdin: false,
        AttachStdout: false,
        AttachStderr: false,
        Tty: false,
        OpenStdin: false,
        HostConfig: {
          PortBindings: { '90/udp': [{ HostIp: '127.0.0.1', HostPort: '9090' }] },
          Memory: 64 * 1024 * 1024,
          NanoCpus: 1_000_000_000,
        },
      },
    });
    // Neither does the reply.
    expect(plainText(out.reply)).toContain('B=[redacted]');
    expect(JSON.stringify(out)).not.toContain('s3cret-value');
    expect(await exists('run-dry')).toBe(false);
    expect(await allContainers()).toEqual(before);
  });

  describe('run policy (binding the admin too)', () => {
    it.each([
      ['--privileged', 'privileged', 'policy.allowPrivileged'],
      ['--network host', 'host-namespaces', 'policy.allowHostNamespaces'],
      ['--pid host', 'host-namespaces', 'policy.allowHostNamespaces'],
      ['--ipc host', 'host-namespaces', 'policy.allowHostNamespaces'],
      ['--uts host', 'host-namespaces', 'policy.allowHostNamespaces'],
      ['--cap-add SYS_ADMIN', 'cap-add', 'policy.allowCapAdd'],
      ['--device /dev/kmsg', 'devices', 'policy.allowDevices'],
      ['-v /etc:/host-etc', 'bind-mounts', 'policy.bindMounts'],
      ['-v ALLOWED/../../etc:/host-etc', 'bind-mounts', 'policy.bindMounts'],
    ])('%s is forbidden, naming the rule; nothing is created', async (flags, rule, setting) => {
      const before = await allContainers();
      for (const dryRun of ['', '--dry-run ']) {
        const out = await handle(app, `run ${dryRun}-d --name run-denied -l ${LABEL} ${flags.replace('ALLOWED', allowedDir)} ${busybox} sleep 5`);
        expect(out.error?.code).toBe('forbidden');
        expect(out.error?.message).toContain(`rule ${rule}`);
        expect(out.error?.hint).toContain(setting);
      }
      expect(await allContainers()).toEqual(before);
    });

    it("joining another container's namespaces is refused (its mounts, a chain, the host's): nothing is created", async () => {
      // run-mounted has a host directory outside the allowlist: `--pid container:run-mounted` would
      // reach it through /proc/1/root.
      await docker('run', '-d', '--name', 'run-mounted', '-l', LABEL, '-v', `${outsideDir}:/secret:ro`, busybox, 'sleep', '60');
      // A chain: run-chain joins run-hostnet, which uses the host's network and PID namespaces.
      await docker('run', '-d', '--name', 'run-hostnet', '--network', 'host', '--pid', 'host', '-l', LABEL, busybox, 'sleep', '60');
      await docker('run', '-d', '--name', 'run-chain', '--network', 'container:run-hostnet', '--pid', 'container:run-hostnet', '-l', LABEL, busybox, 'sleep', '60');
      const before = await allContainers();
      for (const [flags, subject] of [
        ['--pid container:run-mounted', '--pid container:run-mounted'],
        ['--network container:run-mounted', '--network container:run-mounted'],
        ['--pid container:run-chain', '--pid container:run-chain'],
        ['--network container:run-chain', '--network container:run-chain'],
        ['--ipc container:run-mounted', '--ipc container:run-mounted'],
      ]) {
        for (const dryRun of ['', '--dry-run ']) {
          const out = await handle(app, `run ${dryRun}--rm ${flags} -l ${LABEL} ${busybox} cat /proc/1/root/secret/token`);
          expect({ flags, code: out.error?.code }).toEqual({ flags, code: 'forbidden' });
          expect(out.error?.message).toContain(`${subject} (rule container-namespaces: `);
          expect(out.error?.message).toContain('nothing was created');
          expect(out.error?.hint).toContain('policy.allowHostNamespaces');
          expect(JSON.stringify(out)).not.toContain('top-secret');
        }
      }
      expect(await allContainers()).toEqual(before);
    });

    it('joins are possible once config allows host namespaces', async () => {
      const { app: relaxed } = await testApp(`policy:\n  allowHostNamespaces: true\n`);
      const joined = await handle(relaxed, `run --rm --pid container:run-mounted -l ${LABEL} ${busybox} cat /proc/1/root/secret/token`);
      // What the rule is there for: the joining container reads the other one's bind mount.
      expect(joined).toMatchObject({ ok: true, data: { exitCode: 0, output: ['top-secret'] } });
    });

    it('a bind mount inside the allowlist runs', async () => {
      const out = await handle(app, `run --rm -l ${LABEL} -v ${allowedDir}:/data:ro ${busybox} ls -d /data`);
      expect(out).toMatchObject({ ok: true, data: { exitCode: 0, output: ['/data'] } });
      const named = await handle(app, `run --rm -l ${LABEL} -v run-test-volume:/cache ${busybox} true`);
      expect(named.ok).toBe(true);
      await docker('volume', 'rm', 'run-test-volume');
    });

    it.skipIf(!registry)('the registry allowlist is checked on the reference’s registry', async () => {
      const { app: strict } = await testApp(`policy:\n  registries: ["${registry}"]\n`);
      const before = await allContainers();
      const denied = await handle(strict, `run --rm -l ${LABEL} ${busybox} true`);
      expect(denied.error?.code).toBe('forbidden');
      expect(denied.error?.message).toContain('rule registries');
      expect(denied.error?.message).toContain('docker.io');
      expect(await allContainers()).toEqual(before);
      const allowed = await handle(strict, `run --dry-run -l ${LABEL} ${pulledImage} true`);
      expect(allowed.ok).toBe(true);
    });

    it('with a registry allowlist, an image ID prefix is refused like a full ID: its registry cannot be told', async () => {
      const { app: strict } = await testApp(`policy:\n  registries: ["${registry || '127.0.0.1:5000'}", "docker.io"]\n`);
      const id = (await docker('image', 'inspect', '--format', '{{.Id}}', busybox)).trim().replace(/^sha256:/, '');
      const before = await allContainers();
      // `docker.io` is allowed: checked as the name docker.io/library/<prefix>, the prefix would pass
      // while the engine runs the local image that has this ID.
      for (const image of [id.slice(0, 6), id.slice(0, 12), id, `sha256:${id}`]) {
        for (const dryRun of ['', '--dry-run ']) {
          const out = await handle(strict, `run ${dryRun}--rm -l ${LABEL} ${image} true`);
          expect({ image, code: out.error?.code }).toEqual({ image, code: 'forbidden' });
          expect(out.error?.message).toContain(`${image} (rule registries: an image ID`);
        }
      }
      expect(await allContainers()).toEqual(before);
      // Without an allowlist, an ID prefix runs the image it names, as with the Docker CLI.
      expect(await handle(app, `run --rm -l ${LABEL} ${id.slice(0, 12)} true`)).toMatchObject({ ok: true, data: { exitCode: 0 } });
    });
  });

  it.skipIf(!registry)('a missing image is pulled from the registry first, with progress', async () => {
    await docker('rmi', pulledImage).catch(() => undefined);
    const updates: Reply[] = [];
    const out = await handle(app, `run --rm -l ${LABEL} ${pulledImage} echo pulled`, (r) => void updates.push(r));
    expect(out).toMatchObject({ ok: true, data: { exitCode: 0, output: ['pulled'], pulled: { status: 'downloaded', reference: pulledImage } } });
    expect((out.data as { pulled: { digest: string } }).pulled.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(updates.some((u) => u.title?.startsWith(`Unable to find image '${pulledImage}' locally`))).toBe(true);
    expect(updates.some((u) => u.blocks.some((b) => b.type === 'progress'))).toBe(true);
    await docker('image', 'inspect', pulledImage);
  });

  it('a foreground run is waited for as long as the policy says; the container keeps running', async () => {
    const { app: impatient } = await testApp('policy:\n  foregroundTimeoutSeconds: 1\n');
    const out = await handle(impatient, `run --name run-slow -l ${LABEL} ${busybox} sleep 30`);
    expect(out.error?.code).toBe('timeout');
    expect(out.error?.message).toContain('run-slow is still running after 1 s');
    expect(actionIds(impatient.dispatcher, out.reply)).toEqual(['cmd:logs --tail 50 run-slow', 'cmd:stop run-slow']);
    expect((await inspect('run-slow')).State.Status).toBe('running');
  });

  it('bad arguments are usage errors that change nothing', async () => {
    const before = await allContainers();
    const cases: Array<[string, string]> = [
      [`run -e SECRET ${busybox}`, 'invalid_argument'],
      [`run --rm --restart always ${busybox}`, 'usage'],
      [`run -p 99999:80 ${busybox}`, 'invalid_argument'],
      ['run Busybox', 'invalid_reference'],
      [`run --bogus ${busybox}`, 'usage'],
      ['run', 'usage'],
    ];
    for (const [line, code] of cases) expect({ line, code: (await handle(app, line)).error?.code }).toEqual({ line, code });
    expect(await allContainers()).toEqual(before);
  });
});
