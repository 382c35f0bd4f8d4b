// Whether this run is CI: then a missing engine or registry fails the run instead of skipping tests.
// CI systems set CI to "true", "1", "yes" or their own name; only empty, "false" and "0" mean no.
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== 'false' && value !== '0';
}

/** What is missing for tests that would skip without it; empty when nothing is. Under CI, each is a failure. */
export function missingUnderCi(what: { skipReason: string; registry: string }): string[] {
  const missing: string[] = [];
  if (what.skipReason) missing.push(`no engine for integration tests: ${what.skipReason}`);
  else if (!what.registry) {
    missing.push('no loopback registry (install docker-registry, or set DOCKBOT_TEST_REGISTRY): the pull, pull-on-missing run and digest tests would be skipped');
  }
  return missing;
}
