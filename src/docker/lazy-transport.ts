// dockerode loads gRPC (the build session) and ssh2 (ssh:// engines) when it loads: ~0.3 s that a
// one-shot `exec "ps"` over a unix socket never uses; so do the tar and .dockerignore libraries
// (build contexts, archives) and the stream library of hijacked connections (attach). Each of those
// modules is put in the module cache as a stand-in that loads the real module on its first use.
import { createRequire } from 'node:module';

type AnyFunction = (...args: unknown[]) => unknown;

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
  // Called, constructed or read from (tar.pack), it is the real module: the first use loads it.
  const standIn = new Proxy(function standIn() {}, {
    apply: (_target, thisArg, args) => Reflect.apply(load(), thisArg, args),
    construct: (_target, args) => Reflect.construct(load(), args) as object,
    get: (_target, key) => Reflect.get(load(), key) as unknown,
  });
  cache[path] = { id: path, filename: path, loaded: true, exports: standIn, children: [], paths: [], path: '' } as unknown as NodeJS.Module;
}

let deferred = false;

/** Call before dockerode is first required. */
export function deferHeavyTransports(): void {
  if (deferred) return;
  deferred = true;
  const ours = createRequire(import.meta.url);
  const fromDockerode = createRequire(ours.resolve('dockerode'));
  // lib/session.js exports withSession (builds only); lib/util.js needs tar-fs and the .dockerignore
  // parser only to pack a build context.
  deferModule(fromDockerode, fromDockerode.resolve('./session.js'));
  deferModule(fromDockerode, fromDockerode.resolve('tar-fs'));
  deferModule(fromDockerode, fromDockerode.resolve('@balena/dockerignore'));
  // docker-modem's lib/ssh.js is the ssh agent factory, lib/http_duplex.js the hijacked stream (attach, exec).
  const fromModem = createRequire(fromDockerode.resolve('docker-modem'));
  deferModule(fromModem, fromModem.resolve('./ssh.js'));
  deferModule(fromModem, fromModem.resolve('./http_duplex.js'));
}
