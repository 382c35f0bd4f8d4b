import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from '../src/core/command.js';
import { fields, reply } from '../src/core/reply.js';
import { packageRoot } from '../src/paths.js';

export interface VersionData {
  client: { name: string; version: string; node: string };
  server: {
    version: string;
    apiVersion: string;
    minApiVersion: string;
    os: string;
    arch: string;
    goVersion: string;
    gitCommit: string;
    kernelVersion: string;
    /** containerd, runc, docker-init, ... as the engine reports them. */
    components: Record<string, string>;
  };
}

let dockbotVersion: string | undefined;

/** Read once: the version in package.json is the version of the running bot. */
function clientVersion(): string {
  dockbotVersion ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return dockbotVersion;
}

export const version = defineCommand({
  name: 'version',
  summary: 'Show the dockbot and Docker Engine versions',
  options: [],
  access: 'read',
  async run(ctx) {
    const engine = await ctx.services.docker.engine.version();
    const components = Object.fromEntries(
      (engine.Components ?? []).filter((c) => c.Name !== 'Engine').map((c) => [c.Name, c.Version]),
    );
    const data: VersionData = {
      client: { name: 'dockbot', version: clientVersion(), node: process.versions.node },
      server: {
        version: engine.Version,
        apiVersion: engine.ApiVersion,
        minApiVersion: engine.MinAPIVersion,
        os: engine.Os,
        arch: engine.Arch,
        goVersion: engine.GoVersion,
        gitCommit: engine.GitCommit,
        kernelVersion: engine.KernelVersion,
        components,
      },
    };
    const { server } = data;
    const entries: Array<[string, string]> = [
      ['dockbot', `${data.client.version} (Node.js ${data.client.node})`],
      ['Engine', `${server.version} (${ctx.services.docker.address})`],
      ['API version', `${server.apiVersion} (minimum ${server.minApiVersion})`],
      ['OS/Arch', `${server.os}/${server.arch}`],
      ['Go version', server.goVersion],
      ['Git commit', server.gitCommit],
    ];
    const others = Object.entries(components).map(([name, v]) => `${name} ${v}`);
    if (others.length) entries.push(['Components', others.join(', ')]);
    return { ok: true, data, reply: reply([fields(entries)], { title: 'version' }) };
  },
});
