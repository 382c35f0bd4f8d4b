#!/usr/bin/env node
// The published entry point: runs the CLI bundle that `npm run build` makes (npm install builds it
// via "prepare"). One file instead of ~100 modules, and its compiled code kept in a V8 code cache
// (Node 20 has no module compile cache of its own): a one-shot `dockbot exec` neither resolves
// modules nor compiles the same code again. The cache is only an optimisation: without one (no
// writable home, a cache this V8 rejects) the bundle runs the same, compiled afresh.
// CommonJS (bin/package.json says so): an ES module here would start Node's ESM loader first.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'dockbot.cjs');
const source = readFileSync(bundle, 'utf8');
// V8 checks only the source's length against a cache: the file's time tells one build from another.
const { size, mtimeMs } = statSync(bundle);
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dockbot', 'v8');
// One cache per installed copy (its path), replaced when that copy is rebuilt.
const copy = `dockbot-${createHash('sha1').update(bundle).digest('hex').slice(0, 12)}-`;
const cacheName = `${copy}${process.version}-${process.arch}-${size}-${mtimeMs}.cache`;

let cachedData;
try {
  cachedData = readFileSync(join(cacheDir, cacheName));
} catch {
  // None yet: this run writes one.
}
// The CommonJS module function, as Node's own loader would wrap the file.
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new Script(wrapped, { filename: bundle, cachedData });

if (cachedData === undefined || script.cachedDataRejected) {
  // At exit the code this command ran is compiled too, and goes into the cache with the rest.
  process.once('exit', () => {
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      for (const old of readdirSync(cacheDir)) if (old.startsWith(copy) && old !== cacheName) rmSync(join(cacheDir, old), { force: true });
      const partial = join(cacheDir, `${cacheName}.${process.pid}`);
      writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
      renameSync(partial, join(cacheDir, cacheName)); // whole or not at all for a process starting meanwhile
    } catch {
      // A read-only or missing home: runs go on without a cache.
    }
  });
}

const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, dirname(bundle));
