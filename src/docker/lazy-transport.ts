// dockerode loads gRPC (the build session) and ssh2 (ssh:// engines) when it loads: ~0.3 s that a
// one-shot `exec "ps"` over a unix socket never uses. Each of those modules is one function; it is
// put in the module cache as a stand-in that loads the real module on its first call.
import { createRequire } from 'node:module';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Installs a stand-in for the CommonJS module at `path` (resolved), unless it is loaded already. */
function deferModule(requireFrom: NodeJS.Require, path: string): void {
  const cache = requireFrom.cache;
  if (cache[path]) return;
  let real: AnyFunction | undefined;
  const load = (): AnyFunction => {
    if (!real) {
      // The stand-in leaves the cache; the real module takes its place for everyone after.
      delete cache[path];
      real = requireFrom(path) as AnyFunction;
    }
    return real;
  };
  const standIn = function (this: unknown, ...args: unknown[]): unknown {
    return load().apply(this, args);
  };
  cache[path] = { id: path, filename: path, loaded: true, exports: standIn, children: [], paths: [], path: '' } as unknown as NodeJS.Module;
}

let deferred = false;

/** Call before dockerode is first required. */
export function deferHeavyTransports(): void {
  if (deferred) return;
  deferred = true;
  const ours = createRequire(import.meta.url);
  const fromDockerode = createRequire(ours.resolve('dockerode'));
  // lib/session.js exports withSession (used by builds only), docker-modem's lib/ssh.js the ssh agent factory.
  deferModule(fromDockerode, fromDockerode.resolve('./session.js'));
  const fromModem = createRequire(fromDockerode.resolve('docker-modem'));
  deferModule(fromModem, fromModem.resolve('./ssh.js'));
}
