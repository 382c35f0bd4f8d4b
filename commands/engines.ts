import { defineCommand } from '../src/core/command.js';
import { context, reply, table } from '../src/core/reply.js';
import { mapEngineError } from '../src/docker/errors.js';
import type { DockerHost } from '../src/docker/host.js';

export interface EngineRow {
  name: string;
  address: string;
  default: boolean;
  /** `up`: it answered; otherwise the error code it failed with (`engine_unreachable`, `engine_error`, ...). */
  state: string;
  version: string | null;
  apiVersion: string | null;
  /** Why it is not up. */
  error: string | null;
}

/** Engine-supplied strings are bounded before they reach a reply. */
const bounded = (value: unknown): string | null => (typeof value === 'string' && value ? value.slice(0, 64) : null);

async function probe(host: DockerHost, isDefault: boolean): Promise<EngineRow> {
  const row = { name: host.name, address: host.address, default: isDefault };
  try {
    const v = await host.engine.version();
    return { ...row, state: 'up', version: bounded(v.Version), apiVersion: bounded(v.ApiVersion), error: null };
  } catch (err) {
    const mapped = mapEngineError(err, host.address);
    return { ...row, state: mapped?.code ?? 'error', version: null, apiVersion: null, error: mapped?.message ?? 'the engine gave an answer that could not be read' };
  }
}

export const engines = defineCommand({
  name: 'engines',
  summary: 'List the configured engines with their state and version',
  options: [],
  access: 'read',
  async run(ctx) {
    const registry = ctx.services.engines;
    const hosts = registry ? registry.names.map((n) => registry.get(n)) : [ctx.services.docker];
    const defaultName = registry?.defaultName ?? ctx.services.docker.name;
    // All at once, each with its own deadline: one engine that does not answer delays only its own row.
    const rows = await Promise.all(hosts.map((h) => probe(h, h.name === defaultName)));
    const down = rows.filter((r) => r.state !== 'up');
    return {
      ok: true,
      data: rows,
      reply: reply(
        [
          table(
            ['NAME', 'ADDRESS', 'STATE', 'VERSION', 'API'],
            rows.map((r) => [r.default ? `${r.name} (default)` : r.name, r.address, r.state, r.version ?? '-', r.apiVersion ?? '-']),
          ),
          ...down.map((r) => context(`${r.name}: ${r.error ?? r.state}`)),
        ],
        { title: 'engines', tone: down.length ? 'warn' : 'info' },
      ),
    };
  },
});
