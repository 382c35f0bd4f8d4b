// A second private engine made a single-node Swarm manager (`docker swarm init`), for the Swarm
// commands: the shared test engine stays a plain engine, so both answers can be tested.
import { dockerCli, freePort, startPrivateEngine, TEST_LABEL, type PrivateEngine } from './private-engine.js';

export interface SwarmEngine extends PrivateEngine {
  /** `docker service create` with the test label and the busybox image; returns the service id. */
  createService(name: string, args: string[], command?: string[]): Promise<string>;
  docker(...args: string[]): Promise<string>;
}

export async function startSwarmEngine(): Promise<SwarmEngine> {
  const engine = await startPrivateEngine({ registry: false });
  const docker = async (...args: string[]): Promise<string> => (await dockerCli(engine.dockerHost, args)).stdout;
  try {
    // Ports of its own (not 2377 and 4789): other test engines on this machine may be swarms too.
    const port = await freePort();
    const dataPathPort = 20_000 + Math.floor(Math.random() * 20_000);
    await docker('swarm', 'init', '--advertise-addr', `127.0.0.1:${port}`, '--listen-addr', `127.0.0.1:${port}`, '--data-path-port', String(dataPathPort));
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return {
    ...engine,
    docker,
    async createService(name, args, command = ['sleep', '600']) {
      // --no-resolve-image: there is no registry to ask for a digest.
      return (await docker('service', 'create', '--detach', '--quiet', '--no-resolve-image', '--name', name, '--label', `${TEST_LABEL}=swarm`, ...args, engine.busybox, ...command)).trim();
    },
    async stop() {
      const ids = (await docker('service', 'ls', '-q').catch(() => '')).split('\n').filter(Boolean);
      if (ids.length) await docker('service', 'rm', ...ids).catch(() => undefined);
      await docker('swarm', 'leave', '--force').catch(() => undefined);
      await engine.stop();
    },
  };
}
