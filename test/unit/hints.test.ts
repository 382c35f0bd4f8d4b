// Engine failures told with the next step, against a fake engine that answers the lookups.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { explainEngineError, type ContainerLookup } from '../../src/docker/hints.js';

const ADDRESS = 'unix:///tmp/test.sock';
const WEB_ID = 'a'.repeat(64);
const DB_ID = 'b'.repeat(64);

const info = (id: string, name: string, state: string, ports: Dockerode.Port[] = []): Dockerode.ContainerInfo =>
  ({ Id: id, Names: [`/${name}`], State: state, Ports: ports }) as unknown as Dockerode.ContainerInfo;

/** A fake engine: `listContainers` honours `all` and the `id` filter; inspect gives PortBindings. */
function fakeEngine(containers: Dockerode.ContainerInfo[], bindings: Record<string, Record<string, Array<{ HostIp: string; HostPort: string }>>> = {}): ContainerLookup {
  return {
    listContainers: (async (options?: { all?: boolean; filters?: string }) => {
      const filters = options?.filters ? (JSON.parse(options.filters) as { id?: string[] }) : {};
      return containers
        .filter((c) => options?.all || c.State === 'running')
        .filter((c) => !filters.id || filters.id.some((id) => c.Id.startsWith(id)));
    }) as ContainerLookup['listContainers'],
    getContainer: ((id: string) => ({
      inspect: async () => ({ HostConfig: { PortBindings: bindings[id] ?? {} } }),
    })) as unknown as ContainerLookup['getContainer'],
  };
}

const engineError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });

describe('explainEngineError', () => {
  it('name in use: conflict naming the holder, with buttons to show or remove it', async () => {
    const err = engineError(
      409,
      `Conflict. The container name "/web" is already in use by container "${WEB_ID}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    const explained = (await explainEngineError(err, fakeEngine([info(WEB_ID, 'web', 'exited')]), ADDRESS)) as UserError;
    expect(explained.info()).toEqual({
      code: 'conflict',
      message: `the name "web" is already in use by container ${WEB_ID.slice(0, 12)} (exited)`,
      hint: 'remove the old container, or choose another --name',
    });
    expect(explained.actions).toEqual([
      { label: 'Show web', command: 'ps -a --filter name=web' },
      { label: 'Remove web', command: 'rm -f web', style: 'danger' },
    ]);
  });

  const portMessage =
    'driver failed programming external connectivity on endpoint web2 (123): Bind for 0.0.0.0:8080 failed: port is already allocated';

  it('port allocated: names the container whose bound ports include it', async () => {
    const engine = fakeEngine([info(WEB_ID, 'web', 'running', [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]), info(DB_ID, 'db', 'running')]);
    const explained = (await explainEngineError(engineError(500, portMessage), engine, ADDRESS)) as UserError;
    expect(explained.code).toBe('conflict');
    expect(explained.message).toBe(`host port 8080/tcp is already allocated to container web (${WEB_ID.slice(0, 12)})`);
    expect(explained.actions.map((a) => a.command)).toEqual(['ps --filter name=web', 'stop web']);
  });

  it('port allocated: falls back to the bindings containers asked for', async () => {
    const engine = fakeEngine([info(WEB_ID, 'web', 'running'), info(DB_ID, 'db', 'running')], {
      [DB_ID]: { '80/tcp': [{ HostIp: '', HostPort: '8000-8090' }] },
    });
    const explained = (await explainEngineError(engineError(500, portMessage), engine, ADDRESS)) as UserError;
    expect(explained.message).toContain('allocated to container db');
  });

  it('port in use by something that is not a container says so', async () => {
    const message = 'failed to listen on TCP socket: listen tcp4 127.0.0.1:5432: bind: address already in use';
    const explained = (await explainEngineError(engineError(500, message), fakeEngine([]), ADDRESS)) as UserError;
    expect(explained.info()).toMatchObject({ code: 'conflict', message: 'host port 127.0.0.1:5432/tcp is already in use by a program that is not a container' });
  });

  it('removing a running container: offers stop and rm -f', async () => {
    const message = `You cannot remove a running container ${WEB_ID}. Stop the container before attempting removal or force remove`;
    const explained = (await explainEngineError(engineError(409, message), fakeEngine([info(WEB_ID, 'web', 'running')]), ADDRESS)) as UserError;
    expect(explained.code).toBe('conflict');
    expect(explained.actions.map((a) => a.command)).toEqual(['stop web', 'rm -f web']);
  });

  it('image in use: names the container using it', async () => {
    const message = `conflict: unable to remove repository reference "busybox:1" (must force) - container ${DB_ID.slice(0, 12)} is using its referenced image 0123456789ab`;
    const explained = (await explainEngineError(engineError(409, message), fakeEngine([info(DB_ID, 'db', 'exited')]), ADDRESS)) as UserError;
    expect(explained.message).toBe('the image is in use by container db (exited)');
    expect(explained.actions.map((a) => a.command)).toEqual(['ps -a --filter name=db', 'rm -f db']);
  });

  it('a command missing from the image', async () => {
    const message =
      'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown';
    const explained = (await explainEngineError(engineError(400, message), fakeEngine([]), ADDRESS)) as UserError;
    expect(explained.info()).toMatchObject({ code: 'invalid_argument', message: 'the command "nope" was not found in the image' });
  });

  it('anything else goes through the generic mapping, and non-engine errors are left alone', async () => {
    const generic = (await explainEngineError(engineError(500, 'something odd'), fakeEngine([]), ADDRESS)) as UserError;
    expect(generic.info()).toMatchObject({ code: 'engine_error', message: 'the engine failed: something odd' });
    expect(await explainEngineError(new TypeError('bug'), fakeEngine([]), ADDRESS)).toBeUndefined();
    const unreachable = await explainEngineError(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }), fakeEngine([]), ADDRESS);
    expect(unreachable?.code).toBe('engine_unreachable');
  });

  it('a lookup that fails still gives an answer', async () => {
    const broken: ContainerLookup = {
      listContainers: (async () => {
        throw new Error('engine gone');
      }) as ContainerLookup['listContainers'],
      getContainer: (() => {
        throw new Error('engine gone');
      }) as unknown as ContainerLookup['getContainer'],
    };
    const explained = await explainEngineError(
      engineError(409, `Conflict. The container name "/web" is already in use by container "${WEB_ID}".`),
      broken,
      ADDRESS,
    );
    expect(explained?.message).toBe(`the name "web" is already in use by container ${WEB_ID.slice(0, 12)}`);
  });
});
