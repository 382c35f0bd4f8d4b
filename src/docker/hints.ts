// The Engine's common failures, told with the next step: who holds the name or the port,
// which containers use the image, what to run instead. Everything else goes through
// mapEngineError, so no raw Engine JSON reaches a reply either way.
import type Dockerode from 'dockerode';
import { UserError, type SuggestedAction } from '../core/errors.js';
import { engineMessage, mapEngineError, statusCode } from './errors.js';
import { containerName, shortId } from './format.js';

/** The engine calls the hints need: listing containers and inspecting one (a fake in unit tests). */
export type ContainerLookup = Pick<Dockerode, 'listContainers' | 'getContainer'>;

interface EngineFailure {
  json?: { message?: string } | string | null;
  message?: string;
}

interface Holder {
  id: string;
  name: string;
  state: string;
}

const NAME_IN_USE = /container name "\/?([^"]+)" is already in use by container "([0-9a-f]+)"/i;
const PORT_TAKEN = /Bind for (\S*?):(\d+) failed: port is already allocated/i;
const ADDRESS_IN_USE = /listen (tcp|udp|sctp)[46]? (\S*?):(\d+): bind: address already in use/i;
const RUNNING_REMOVAL = /cannot remove a running container ([0-9a-f]+)/i;
const IMAGE_IN_USE = [
  /container ([0-9a-f]{12,}) is using its referenced image ([0-9a-f]+)/i,
  /image is being used by (?:running|stopped) container ([0-9a-f]{12,})/i,
];
const EXECUTABLE_MISSING = [/exec: "([^"]+)": executable file not found/i, /exec: "([^"]+)": stat [^:]+: no such file or directory/i, /exec: "([^"]+)": permission denied/i];
const NO_SUCH_CONTAINER = /No such container: (\S+)/i;

/** A UserError for any engine failure: a specific hint when one is known, else the generic mapping. */
export async function explainEngineError(err: unknown, engine: ContainerLookup, address: string): Promise<UserError | undefined> {
  if (err instanceof UserError) return err;
  const specific = await specificHint(err, engine);
  return specific ?? mapEngineError(err, address);
}

async function specificHint(err: unknown, engine: ContainerLookup): Promise<UserError | undefined> {
  if (statusCode(err) === undefined) return undefined;
  const message = engineMessage(err as EngineFailure);

  const nameTaken = NAME_IN_USE.exec(message);
  if (nameTaken) return nameConflict(nameTaken[1] ?? '', nameTaken[2] ?? '', engine);

  const portTaken = PORT_TAKEN.exec(message);
  if (portTaken) return portConflict(Number(portTaken[2]), 'tcp', portTaken[1] ?? '', engine, err);
  const addressInUse = ADDRESS_IN_USE.exec(message);
  if (addressInUse) return portConflict(Number(addressInUse[3]), addressInUse[1]?.toLowerCase() ?? 'tcp', addressInUse[2] ?? '', engine, err);

  const running = RUNNING_REMOVAL.exec(message);
  if (running) {
    const holder = await findContainer(engine, running[1] ?? '');
    const name = holder?.name ?? shortId(running[1] ?? '');
    return new UserError('conflict', `${name} is running: a running container is not removed without -f`, {
      hint: 'stop it first, or remove it with -f (which kills it)',
      actions: [
        { label: `Stop ${name}`, command: `stop ${name}` },
        { label: `Remove ${name} (-f)`, command: `rm -f ${name}`, style: 'danger' },
      ],
      cause: err,
    });
  }

  for (const pattern of IMAGE_IN_USE) {
    const inUse = pattern.exec(message);
    if (inUse) return imageInUse(inUse[1] ?? '', engine, err);
  }

  for (const pattern of EXECUTABLE_MISSING) {
    const missing = pattern.exec(message);
    if (missing) {
      const problem = /permission denied/i.test(message) ? 'is not executable' : 'was not found in the image';
      return new UserError('invalid_argument', `the command "${missing[1]}" ${problem}`, {
        hint: 'check the command after the image and --entrypoint; the image decides what is installed',
        cause: err,
      });
    }
  }

  const noContainer = NO_SUCH_CONTAINER.exec(message);
  if (noContainer && statusCode(err) === 404) return noSuchContainer(noContainer[1] ?? '', err);
  return undefined;
}

export function noSuchContainer(name: string, cause?: unknown): UserError {
  return new UserError('not_found', `no such container: ${name}`, {
    hint: '`ps -a` lists the containers there are',
    actions: [{ label: 'List containers', command: 'ps -a' }],
    ...(cause === undefined ? {} : { cause }),
  });
}

async function nameConflict(name: string, id: string, engine: ContainerLookup): Promise<UserError> {
  return nameInUse(name, id, (await findContainer(engine, id))?.state);
}

/** `conflict` for a container name someone already has, with buttons to show or remove it. */
export function nameInUse(name: string, id: string, state?: string): UserError {
  return new UserError('conflict', `the name "${name}" is already in use by container ${shortId(id)}${state ? ` (${state})` : ''}`, {
    hint: 'remove the old container, or choose another --name',
    data: { name, container: id },
    actions: nameConflictActions(name),
  });
}

export const nameConflictActions = (name: string): SuggestedAction[] => [
  { label: `Show ${name}`, command: `ps -a --filter name=${name}` },
  { label: `Remove ${name}`, command: `rm -f ${name}`, style: 'danger' },
];

async function portConflict(port: number, protocol: string, hostIp: string, engine: ContainerLookup, cause: unknown): Promise<UserError> {
  const holders = await containersPublishing(engine, port, protocol);
  const where = hostIp && hostIp !== '0.0.0.0' && hostIp !== '::' ? `${hostIp}:${port}` : String(port);
  if (holders.length === 0) {
    return new UserError('conflict', `host port ${where}/${protocol} is already in use by a program that is not a container`, {
      hint: `publish on another host port, e.g. -p ${port + 1}:<container port>`,
      data: { port, protocol },
      cause,
    });
  }
  const named = holders.map((h) => `${h.name} (${shortId(h.id)})`).join(', ');
  const first = holders[0] as Holder;
  return new UserError('conflict', `host port ${where}/${protocol} is already allocated to container ${named}`, {
    hint: `publish on another host port (e.g. -p ${port + 1}:<container port>), or stop ${first.name}`,
    data: { port, protocol, containers: holders },
    actions: [
      { label: `Show ${first.name}`, command: `ps --filter name=${first.name}` },
      { label: `Stop ${first.name}`, command: `stop ${first.name}`, style: 'danger' },
    ],
    cause,
  });
}

async function imageInUse(containerId: string, engine: ContainerLookup, cause: unknown): Promise<UserError> {
  const holder = await findContainer(engine, containerId);
  const name = holder?.name ?? shortId(containerId);
  const state = holder ? ` (${holder.state})` : '';
  return new UserError('conflict', `the image is in use by container ${name}${state}`, {
    hint: 'remove that container first, or force the image removal with -f',
    data: { containers: holder ? [holder] : [{ id: containerId }] },
    actions: [
      { label: `Show ${name}`, command: `ps -a --filter name=${name}` },
      { label: `Remove ${name}`, command: `rm -f ${name}`, style: 'danger' },
    ],
    cause,
  });
}

/** How many running containers are inspected, at most, when looking for a port's holder. */
const MAX_INSPECTED = 100;

/**
 * Running containers that publish the host port: first by the ports the engine bound, then by
 * the bindings containers asked for (HostConfig), which the engine may not show as bound.
 */
export async function containersPublishing(engine: ContainerLookup, port: number, protocol = 'tcp'): Promise<Holder[]> {
  let running: Dockerode.ContainerInfo[];
  try {
    running = await engine.listContainers({});
  } catch {
    return [];
  }
  const bound = running.filter((c) => (c.Ports ?? []).some((p) => p.PublicPort === port && p.Type === protocol));
  if (bound.length) return bound.map(holderOf);
  const inspected = await Promise.all(
    running.slice(0, MAX_INSPECTED).map(async (c) => {
      try {
        return { info: c, bindings: ((await engine.getContainer(c.Id).inspect()).HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostPort?: string }> | null> };
      } catch {
        return undefined;
      }
    }),
  );
  return inspected
    .filter((entry): entry is NonNullable<typeof entry> => entry !== undefined)
    .filter(({ bindings }) =>
      Object.entries(bindings).some(([key, list]) => key.endsWith(`/${protocol}`) && (list ?? []).some((b) => hostPortCovers(b.HostPort ?? '', port))),
    )
    .map(({ info }) => holderOf(info));
}

/** `8080` or a range `8000-8010` containing the port. */
function hostPortCovers(hostPort: string, port: number): boolean {
  const [start, end = start] = hostPort.split('-').map(Number);
  return start !== undefined && end !== undefined && port >= start && port <= end;
}

/** Name and state of a container by id; undefined when it is gone or the engine does not answer. */
export async function findContainer(engine: ContainerLookup, id: string): Promise<Holder | undefined> {
  try {
    const [found] = await engine.listContainers({ all: true, filters: JSON.stringify({ id: [id] }) });
    return found ? holderOf(found) : undefined;
  } catch {
    return undefined;
  }
}

const holderOf = (c: Dockerode.ContainerInfo): Holder => ({
  id: c.Id,
  name: containerName(c),
  state: c.State,
});
