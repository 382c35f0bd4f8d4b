// The Engine's failures, as errors a user can act on. No raw Engine JSON reaches a reply.
import { UserError } from '../core/errors.js';
import { EngineCallError } from './engine-guard.js';

interface EngineError {
  statusCode?: number;
  json?: { message?: string } | string | null;
  reason?: string;
  syscall?: string;
  code?: string;
  message?: string;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOENT: 'no socket there',
  EACCES: 'permission denied',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host',
  EPIPE: 'connection closed',
};

/** The HTTP status of an Engine error (dockerode sets `statusCode`); undefined for anything else. */
export function statusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function engineMessage(err: EngineError): string {
  if (err.json && typeof err.json === 'object' && err.json.message) return err.json.message;
  if (typeof err.json === 'string' && err.json.trim()) return err.json.trim();
  return (err.message ?? '').replace(/^\(HTTP code \d+\)\s*[a-z ]*-\s*/i, '').trim() || err.reason || 'the engine refused the request';
}

/** Socket calls only: an ENOENT or EACCES from reading a file is not the engine being away. */
const isNetworkCall = (syscall: string | undefined): boolean => syscall === undefined || ['connect', 'getaddrinfo', 'read', 'write'].includes(syscall);

/** Maps dockerode/Engine errors; undefined for anything else (a bug, reported as internal). */
export function mapEngineError(err: unknown, address: string): UserError | undefined {
  if (!err || typeof err !== 'object') return undefined;
  if (err instanceof EngineCallError) {
    return new UserError('engine_error', `${err.message} (engine at ${address})`, {
      hint: err.code === 'ETIMEDOUT' ? 'try again; engine.timeoutSeconds in dockbot.yaml sets the deadline' : 'try again; `info` shows the engine state',
      cause: err,
    });
  }
  const e = err as EngineError;
  if (e.code && UNREACHABLE[e.code] && isNetworkCall(e.syscall)) {
    return new UserError('engine_unreachable', `cannot reach the Docker engine at ${address} (${UNREACHABLE[e.code]})`, {
      hint:
        e.code === 'EACCES'
          ? 'the bot user may not use that socket: add it to the docker group or point DOCKER_HOST at a socket proxy'
          : 'is dockerd running there? Set DOCKER_HOST to the engine to use',
    });
  }
  const status = statusCode(e);
  if (status === undefined) return undefined;
  const message = engineMessage(e);
  if (/no space left on device/i.test(message)) {
    return new UserError('no_space', 'the engine ran out of disk space', {
      hint: 'see `system df`, then `container prune` and `image prune` to reclaim space',
    });
  }
  if (status === 503 && NOT_A_MANAGER.test(message)) {
    const worker = /worker/i.test(message);
    return new UserError('not_swarm_manager', `the engine at ${address} is not a Swarm manager${worker ? ' (it is a worker node)' : ''}: it has no services, tasks or nodes to show or change`, {
      hint: worker ? 'send Swarm commands to a manager node (`--host NAME`), or promote this node with `docker node promote`' : 'make it one with `docker swarm init` (or `docker swarm join` it to a swarm), or pick a manager with `--host NAME`',
    });
  }
  switch (status) {
    case 404:
      return new UserError('not_found', lowerFirst(message), { hint: 'check the name or id with `ps -a` or `images`' });
    case 409:
      return new UserError('conflict', lowerFirst(message));
    case 400:
      return new UserError('invalid_argument', lowerFirst(message));
    case 401:
    case 403:
      return new UserError('forbidden', `the engine refused: ${lowerFirst(message)}`);
    default:
      return new UserError('engine_error', `the engine failed: ${lowerFirst(message)}`, {
        hint: 'try again; `info` shows the engine state',
      });
  }
}

/** What the engine says to a Swarm request when it is no manager (not in a swarm, or a worker). */
const NOT_A_MANAGER = /not a swarm manager|not part of a swarm/i;

const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);
