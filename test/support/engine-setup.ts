// vitest globalSetup for integration tests: which engine they use, or why they skip.
// Order: DOCKBOT_TEST_DOCKER_HOST (an engine you name) > a private dockerd (needs root) > skip.
// Under CI (any value but empty, false or 0) a missing engine or registry fails the run instead of skipping.
import type { TestProject } from 'vitest/node';
import { isCi, missingUnderCi } from './ci.js';
import { startPrivateEngine, type PrivateEngine } from './private-engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
    registry: string;
    busybox: string;
    skipReason: string;
  }
}

let engine: PrivateEngine | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const named = process.env.DOCKBOT_TEST_DOCKER_HOST;
  let skipReason = '';
  let registry = '';
  if (named) {
    project.provide('dockerHost', named);
    registry = process.env.DOCKBOT_TEST_REGISTRY ?? '';
    project.provide('registry', registry);
    project.provide('busybox', process.env.DOCKBOT_TEST_BUSYBOX ?? 'dockbot-test/busybox:1');
  } else if (process.getuid?.() === 0) {
    engine = await startPrivateEngine();
    project.provide('dockerHost', engine.dockerHost);
    registry = engine.registry;
    project.provide('registry', registry);
    project.provide('busybox', engine.busybox);
  } else {
    skipReason = 'integration tests need root to start a private dockerd, or DOCKBOT_TEST_DOCKER_HOST naming a test engine';
    project.provide('dockerHost', '');
    project.provide('registry', '');
    project.provide('busybox', '');
  }
  const missing = missingUnderCi({ skipReason, registry });
  if (missing.length && isCi()) {
    await engine?.stop();
    throw new Error(`CI=${process.env.CI}: ${missing.join('; ')}`);
  }
  for (const m of missing) process.stderr.write(`\n[integration] skipped: ${m}\n\n`);
  project.provide('skipReason', skipReason);
  return async () => {
    await engine?.stop();
  };
}
