// The build's pure parts: the Dockerfile reader, the images a build names, the policy verdict,
// the context tar (what .dockerignore keeps out) and the folding of the builder's stream.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_POLICY } from '../../../src/config.js';
import { baseImages, BuildTracker, checkBuildPolicy, contextTar, dockerfilePath, parseDockerfile } from '../../../src/docker/build.js';

async function tarNames(stream: NodeJS.ReadableStream): Promise<string[]> {
  const { extract } = await import('tar-stream');
  const names: string[] = [];
  const ex = extract();
  await new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, body, next) => {
      names.push(header.type === 'directory' ? `${header.name.replace(/\/$/, '')}/` : header.name);
      body.on('end', next);
      body.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    stream.on('error', reject);
    stream.pipe(ex);
  });
  return names.sort();
}

describe('parseDockerfile', () => {
  it('joins continued lines, drops comments and keeps line numbers', () => {
    const steps = parseDockerfile('# syntax comment\nFROM busybox AS base\n\nRUN echo a \\\n  && echo b\n# note\nCMD ["sh"]\n');
    expect(steps).toEqual([
      { line: 2, keyword: 'FROM', args: 'busybox AS base' },
      { line: 4, keyword: 'RUN', args: 'echo a && echo b' },
      { line: 7, keyword: 'CMD', args: '["sh"]' },
    ]);
  });

  it('honours the escape directive', () => {
    expect(parseDockerfile('# escape=`\nRUN a `\n b\n')).toEqual([{ line: 2, keyword: 'RUN', args: 'a b' }]);
  });
});

describe('baseImages', () => {
  it('lists FROM and COPY --from images, not scratch or earlier stages, with args substituted', () => {
    const steps = parseDockerfile(
      'ARG BASE=busybox:1\nARG TOOLS\nFROM $BASE AS build\nFROM scratch\nCOPY --from=build /x /x\nCOPY --from=${TOOLS} /y /y\nFROM build\nCOPY --from=0 /a /a\n',
    );
    expect(baseImages(steps, {})).toEqual([
      { image: 'busybox:1', line: 3, unresolved: false },
      { image: '', line: 6, unresolved: true },
    ]);
    expect(baseImages(steps, { TOOLS: 'example.com/tools:2', BASE: 'reg.local:5000/b:1' }).map((b) => b.image)).toEqual(['reg.local:5000/b:1', 'example.com/tools:2']);
  });
});

describe('checkBuildPolicy', () => {
  const images = baseImages(parseDockerfile('FROM 127.0.0.1:5000/library/busybox:1\nFROM ubuntu:14.04\n'), {});
  it('allows any registry when none is configured, and gives the default limits', () => {
    const verdict = checkBuildPolicy(images, DEFAULT_RUN_POLICY);
    expect(verdict.allowed).toBe(true);
    expect(verdict.limits).toEqual({ memory: 512 * 1024 * 1024, nanoCpus: 1e9 });
  });
  it('refuses images from registries outside the allowlist, naming the line', () => {
    const verdict = checkBuildPolicy(images, { ...DEFAULT_RUN_POLICY, registries: ['127.0.0.1:5000'] });
    expect(verdict.allowed).toBe(false);
    expect(verdict.violations).toEqual([expect.stringMatching(/^line 2: ubuntu:14.04 is from docker.io/)]);
  });
  it('refuses an image that depends on an unset build arg under an allowlist', () => {
    const unresolved = baseImages(parseDockerfile('ARG B\nFROM $B\n'), {});
    expect(checkBuildPolicy(unresolved, { ...DEFAULT_RUN_POLICY, registries: ['127.0.0.1:5000'] }).violations[0]).toMatch(/build arg without a value/);
  });
});

describe('dockerfilePath', () => {
  it('refuses paths outside the context', () => {
    for (const bad of ['../Dockerfile', '/etc/passwd', 'a/../../b']) expect(() => dockerfilePath('/ctx', bad)).toThrow(/inside the build context/);
    expect(dockerfilePath('/ctx', 'docker/./Dockerfile.prod').relative).toBe('docker/Dockerfile.prod');
  });
});

describe('contextTar', () => {
  it('leaves out what .dockerignore excludes but always sends the Dockerfile and .dockerignore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-ctx-'));
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\n*.log\nlogs/*\n!logs/keep.txt\nDockerfile\n');
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), '');
    writeFileSync(join(dir, 'app.js'), 'x');
    writeFileSync(join(dir, 'debug.log'), 'x');
    writeFileSync(join(dir, 'logs', 'a.txt'), 'x');
    writeFileSync(join(dir, 'logs', 'keep.txt'), 'x');
    symlinkSync('/etc/passwd', join(dir, 'link'));
    mkdirSync(join(dir, 'empty'));
    const { stream, stats } = await contextTar(dir, 'Dockerfile');
    const names = await tarNames(stream);
    expect(names).toEqual(['.dockerignore', 'Dockerfile', 'app.js', 'empty/', 'link', 'logs/keep.txt']);
    expect(stats.files).toBe(4); // the symlink is a link, not a copy of what it points at
  });

  it('fails with a clear error over the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockbot-ctx-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, 'big'), Buffer.alloc(4096));
    await expect(contextTar(dir, 'Dockerfile', { bytes: 1024, files: 10 })).rejects.toThrow(/build context is too large/);
  });
});

describe('BuildTracker', () => {
  it('follows steps and keeps the last output lines, not the builder bookkeeping', () => {
    const t = new BuildTracker();
    t.add({ stream: 'Step 1/2 : FROM busybox\n' });
    t.add({ stream: ' ---> 1234abcd\n' });
    t.add({ stream: 'Step 2/2 : RUN echo hi\n' });
    t.add({ stream: ' ---> Running in 99\n' });
    for (let i = 0; i < 15; i++) t.add({ stream: `line ${i}\n` });
    t.add({ stream: 'Removing intermediate container 99\n' });
    t.add({ aux: { ID: 'sha256:abc' } });
    expect(t.progress.step).toBe(2);
    expect(t.progress.steps).toBe(2);
    expect(t.progress.instruction).toBe('RUN echo hi');
    expect(t.progress.lines).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 5}`));
    expect(t.imageId).toBe('sha256:abc');
  });

  it('reads the exit code of a failing step', () => {
    const t = new BuildTracker();
    t.add({ errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: 'x' });
    expect(t.error).toEqual({ message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3", code: 3 });
  });
});
