// The one gate between user text and the Engine API. Every container, image, network, volume,
// exec and Swarm service, task or node handed to dockerode passes a check of Docker's own
// grammar and is escaped as a path segment (dockerode pastes ids into paths as they are); every
// request has a deadline; a library error that no listener catches fails the engine call it
// belongs to, not the process.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type Dockerode from 'dockerode';
import { UserError } from '../core/errors.js';
import { classifyImageArgument } from './reference.js';

/** Docker's container name grammar (daemon/names: RestrictedNameChars), with the optional leading `/`. */
export const CONTAINER_NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Networks and volumes use the same grammar as container names. */
const OBJECT_NAME_RE = CONTAINER_NAME_RE;
const HEX_ID_RE = /^[0-9a-f]{1,64}$/;
/** Swarm's service name grammar (swarmkit controlapi: a DNS name component; stacks add `_`); also a service id. */
const SERVICE_NAME_RE = /^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$/;
/** Swarmkit ids (services, tasks, nodes): lowercase letters and digits. */
const SWARM_ID_RE = /^[a-z0-9]+$/;
/** A node by id or hostname. */
const NODE_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Swarm refuses longer service names (a DNS label). */
const MAX_SERVICE_NAME_LENGTH = 63;
/** Longer names are refused before any call: the engine has no object named like that to find. */
export const MAX_NAME_LENGTH = 255;

export type ObjectKind = 'container' | 'image' | 'network' | 'volume' | 'exec' | 'service' | 'task' | 'node';

const GRAMMAR: Record<ObjectKind, string> = {
  container: 'a container name is a letter or digit followed by letters, digits, "_", "." or "-" (or a hex id)',
  image: 'an image is NAME[:TAG][@DIGEST] (lowercase name) or an image id',
  network: 'a network name is a letter or digit followed by letters, digits, "_", "." or "-" (or a hex id)',
  volume: 'a volume name is a letter or digit followed by letters, digits, "_", "." or "-"',
  exec: 'an exec id is hex',
  service: `a service name is letters and digits, joined by "-" or "_" (at most ${MAX_SERVICE_NAME_LENGTH} characters), or a service id`,
  task: 'a task id is lowercase letters and digits',
  node: 'a node is its hostname (letters, digits, "_", "." or "-") or its id',
};

/** Shown in error messages: control characters and runaway lengths never reach a reply as typed. */
function shown(value: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(printable.length > 80 ? `${printable.slice(0, 77)}...` : printable);
}

/**
 * A name no object of that kind can have. It carries the status the engine gives such a name
 * (400), so code that tries one kind and then another (`inspect NAME`: a container, else an
 * image) goes on to the next as it would after the engine's answer.
 */
export class InvalidName extends UserError {
  readonly statusCode = 400;
}

function invalidName(kind: ObjectKind, value: string, why?: string): UserError {
  const code = kind === 'image' ? 'invalid_reference' : 'invalid_argument';
  return new InvalidName(code, `${shown(value)} is not a valid ${kind} name${why ? `: ${why}` : ''}`, { hint: GRAMMAR[kind] });
}

/**
 * The value as an Engine API path segment, or an `invalid_argument`/`invalid_reference` error
 * naming the kind of object and its grammar. Container, network and volume names are checked
 * against Docker's name grammar; images against the reference grammar (or an id).
 */
export function engineSegment(kind: ObjectKind, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidName(kind, String(value ?? ''), 'it is empty');
  if (value.length > MAX_NAME_LENGTH) throw invalidName(kind, value, `longer than ${MAX_NAME_LENGTH} characters`);
  switch (kind) {
    case 'container':
    case 'network':
    case 'volume':
      if (!OBJECT_NAME_RE.test(value)) throw invalidName(kind, value);
      // The engine finds `/name` and `name` alike; a `/` inside a segment would be a path separator.
      return encodeURIComponent(value.replace(/^\//, ''));
    case 'exec':
      if (!HEX_ID_RE.test(value)) throw invalidName(kind, value);
      return value;
    case 'service':
      if (value.length > MAX_SERVICE_NAME_LENGTH) throw invalidName(kind, value, `longer than ${MAX_SERVICE_NAME_LENGTH} characters`);
      if (!SERVICE_NAME_RE.test(value)) throw invalidName(kind, value);
      return value;
    case 'task':
      if (!SWARM_ID_RE.test(value)) throw invalidName(kind, value);
      return value;
    case 'node':
      if (!NODE_NAME_RE.test(value)) throw invalidName(kind, value);
      return encodeURIComponent(value);
    case 'image': {
      try {
        classifyImageArgument(value);
      } catch (err) {
        if (err instanceof UserError) throw new InvalidName('invalid_reference', err.message, { hint: err.hint ?? GRAMMAR.image, cause: err });
        throw err;
      }
      // A reference keeps its `/` separators (the engine routes /images/{name:.*}); every
      // component is escaped, which leaves a valid reference as it is.
      return value.split('/').map((part) => encodeURIComponent(part).replace(/%3A/gi, ':').replace(/%40/g, '@')).join('/');
    }
  }
}

/** What a request path may look like once the names in it were checked: nothing else leaves the bot. */
const SAFE_PATH_RE = /^(\/[A-Za-z0-9_.:@%-]+)+\/?\??$/;
const DOT_SEGMENT_RE = /\/(\.|\.\.|%2e|%2e%2e|\.%2e|%2e\.)(\/|\?|$)/i;

/** A request path that is not one of ours (a bug, or a name that bypassed the checks): refused. */
function checkPath(path: unknown): void {
  if (typeof path !== 'string' || !SAFE_PATH_RE.test(path) || DOT_SEGMENT_RE.test(path) || /%2f|%3f|%23|%00/i.test(path)) {
    throw new UserError('invalid_argument', 'a name in this request is not valid for the Engine API; nothing was sent', {
      hint: 'names are letters, digits, "_", "." and "-"; images are NAME[:TAG][@DIGEST]',
    });
  }
}

/** A deadline passed or the connection broke while the engine was answering. */
export class EngineCallError extends Error {
  constructor(
    message: string,
    readonly code: 'ETIMEDOUT' | 'ECONNRESET' | 'EBADRESPONSE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineCallError';
  }
}

interface CallScope {
  /** Ends the engine call with this error (first one wins). */
  fail(err: unknown): void;
  /** The connection closed; an answer still being read will never end. */
  closed(): void;
  path: string;
}

/** How long after its connection closed an unfinished answer is given up (its last bytes may still be in flight). */
const CLOSE_GRACE_MS = 100;

/** Connections that tell the engine call they serve when they close (undici-free http, as dockerode uses). */
class WatchedAgent extends Agent {
  override createConnection(...args: Parameters<Agent['createConnection']>): Socket {
    const socket = (Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket }).createConnection.apply(this, args);
    const scope = callScope.getStore();
    if (scope) socket.once('close', () => scope.closed());
    return socket;
  }
}

/**
 * Installs the last line of defence for a long-running process: an error no listener caught, or
 * a rejection nobody awaited, fails the engine call it happened in (that request gets a coded
 * answer) and is logged; the process keeps serving everyone else.
 */
export function keepServing(log: Logger): void {
  const onStray = (kind: string) => (err: unknown) => {
    const ended = failCurrentEngineCall(err);
    log.error({ err, engineCallEnded: ended }, `${kind}: kept running`);
  };
  process.on('uncaughtException', onStray('uncaught exception'));
  process.on('unhandledRejection', onStray('unhandled rejection'));
}

/** The engine call running in the current async context, so a stray library error can end it. */
const callScope = new AsyncLocalStorage<CallScope>();

/**
 * Called by the process guard for an error nobody listened for: when it happened inside an
 * engine call, that call fails with it (the request gets its answer) and true is returned.
 */
export function failCurrentEngineCall(err: unknown): boolean {
  const scope = callScope.getStore();
  if (!scope) return false;
  scope.fail(err);
  return true;
}

export interface GuardOptions {
  /** Deadline of a call until the engine's answer (headers of a stream; the whole body otherwise). */
  timeoutMs: number;
}

type DialOptions = { path?: string; isStream?: boolean; hijack?: boolean; openStdin?: boolean; abortSignal?: AbortSignal } & Record<string, unknown>;
type DialCallback = (err: unknown, result?: unknown) => void;

/**
 * Wraps the modem of a dockerode instance: path check, per-call deadline, one callback per call,
 * and the call's async scope for errors no listener catches.
 */
export function guardModem(modem: Dockerode['modem'], options: GuardOptions): void {
  const dial = (modem as unknown as { dial: (o: DialOptions, cb: DialCallback) => void }).dial.bind(modem);
  (modem as unknown as { dial: (o: DialOptions, cb: DialCallback) => void }).dial = (opts: DialOptions, callback: DialCallback) => {
    try {
      checkPath(opts.path);
    } catch (err) {
      queueMicrotask(() => callback(err));
      return;
    }
    const abort = new AbortController();
    const signal = opts.abortSignal ? AbortSignal.any([opts.abortSignal, abort.signal]) : abort.signal;
    let settled = false;
    const finish = (err: unknown, result?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      callback(err, result);
    };
    const seconds = Math.round(options.timeoutMs / 100) / 10;
    const streaming = opts.isStream === true || opts.hijack === true || opts.openStdin === true;
    const timer = setTimeout(() => {
      finish(new EngineCallError(`the engine did not answer within ${seconds} s`, 'ETIMEDOUT'));
      abort.abort();
    }, options.timeoutMs);
    timer.unref?.();
    const scope: CallScope = {
      path: String(opts.path),
      fail: (err) => {
        finish(new EngineCallError(`the connection to the engine failed: ${(err as Error)?.message ?? String(err)}`, 'ECONNRESET', { cause: err }));
        abort.abort();
      },
      closed: () => {
        if (settled) return;
        setTimeout(() => finish(new EngineCallError('the engine closed the connection before its answer was complete', 'ECONNRESET')), CLOSE_GRACE_MS).unref();
      },
    };
    callScope.run(scope, () => {
      try {
        dial({ ...opts, abortSignal: signal }, (err, result) => {
          // A stream's body is the command's to read: the call itself is done once the answer began.
          if (err instanceof Error && REDIRECT_REFUSED.test(err.message)) {
            return finish(new EngineCallError('the engine answered with a redirect, which is not followed', 'EBADRESPONSE', { cause: err }));
          }
          if (!err && !streaming && looksLikeBrokenJson(result)) {
            return finish(new EngineCallError('the engine answered with invalid JSON', 'EBADRESPONSE'));
          }
          finish(err, result);
        });
      } catch (err) {
        finish(err);
      }
    });
  };
}

const REDIRECT_REFUSED = /^Max redirects exceeded/;

/**
 * docker-modem follows redirects to wherever `Location` points, on a request with no 'error'
 * listener (an engine's 301 for `/containers//json` once took the process down). The Engine API
 * never redirects: with a limit of 0 the first redirect fails the call it answered instead.
 */
function refuseRedirects(): void {
  const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
  (fromDockerode('docker-modem/lib/http.js') as { maxRedirects: number }).maxRedirects = 0;
}

/** dockerode hands back the raw bytes when a body does not parse: one that began as JSON is broken. */
function looksLikeBrokenJson(result: unknown): boolean {
  return Buffer.isBuffer(result) && /^\s*[[{"]/.test(result.subarray(0, 16).toString('latin1'));
}

/** dockerode with every object accessor behind `engineSegment` and the modem behind `guardModem`. */
export function guardedEngine(DockerodeClass: typeof Dockerode, connection: Dockerode.DockerOptions, options: GuardOptions): Dockerode {
  class GuardedDockerode extends DockerodeClass {
    override getContainer(id: string): Dockerode.Container {
      return super.getContainer(engineSegment('container', id));
    }
    override getImage(name: string): Dockerode.Image {
      return super.getImage(engineSegment('image', name));
    }
    override getNetwork(id: string): Dockerode.Network {
      return super.getNetwork(engineSegment('network', id));
    }
    override getVolume(name: string): Dockerode.Volume {
      return super.getVolume(engineSegment('volume', name));
    }
    override getExec(id: string): Dockerode.Exec {
      return super.getExec(engineSegment('exec', id));
    }
    override getService(id: string): Dockerode.Service {
      return super.getService(engineSegment('service', id));
    }
    override getTask(id: string): Dockerode.Task {
      return super.getTask(engineSegment('task', id));
    }
    override getNode(id: string): Dockerode.Node {
      return super.getNode(engineSegment('node', id));
    }
  }
  // https and ssh bring their own agents; plain http and unix sockets get one that watches its connections.
  const watched = connection.protocol === 'https' || connection.protocol === 'ssh' ? {} : { agent: new WatchedAgent({ keepAlive: false }) };
  refuseRedirects();
  const engine = new GuardedDockerode({ ...connection, ...watched });
  guardModem(engine.modem, options);
  return engine;
}
