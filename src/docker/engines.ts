// The configured engines: one DockerHost each (its own connections, deadline and caches), so an
// engine that is down or slow only fails or delays the requests sent to it.
import type { Config, EngineConfig } from '../config.js';
import { UserError } from '../core/errors.js';
import { RolePolicy, type RoleConfig } from '../core/policy.js';
import { mapEngineError } from './errors.js';
import { DockerHost } from './host.js';

export class EngineRegistry {
  private readonly hosts = new Map<string, DockerHost>();
  private readonly policies = new Map<string, RolePolicy>();
  readonly defaultName: string;

  constructor(engines: readonly EngineConfig[], defaultName: string, roles: RoleConfig) {
    const everywhere = new RolePolicy(roles);
    for (const e of engines) {
      this.hosts.set(e.name, new DockerHost(e.host, undefined, { name: e.name, timeoutMs: e.timeoutMs, ...(e.tls ? { tls: e.tls } : {}) }));
      // An engine's own grants replace the operators of the top level there; an admin of the bot is one everywhere.
      this.policies.set(e.name, e.roles ? new RolePolicy({ admin: [...roles.admin, ...e.roles.admin], operator: e.roles.operator, channels: {} }) : everywhere);
    }
    if (!this.hosts.has(defaultName)) throw new Error(`the default engine "${defaultName}" is not configured`);
    this.defaultName = defaultName;
  }

  static fromConfig(config: Config): EngineRegistry {
    return new EngineRegistry(config.engines, config.defaultEngine, config.roles);
  }

  get names(): string[] {
    return [...this.hosts.keys()];
  }

  /** The engine of that name, or a `usage` error listing the configured ones. */
  get(name: string): DockerHost {
    const host = this.hosts.get(name);
    if (!host) {
      throw new UserError('usage', `no engine is named ${JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}...` : name)}`, {
        hint: `configured engines: ${this.names.join(', ')} (\`engines\` lists them)`,
      });
    }
    return host;
  }

  roles(name: string): RolePolicy {
    this.get(name);
    return this.policies.get(name) as RolePolicy;
  }

  /** An Engine error as a user error; with several engines its message names the one that failed. */
  mapError(err: unknown, name: string): UserError | undefined {
    const host = this.hosts.get(name) ?? this.get(this.defaultName);
    const mapped = mapEngineError(err, host.address);
    if (!mapped || this.hosts.size === 1) return mapped;
    return new UserError(mapped.code, `engine "${host.name}": ${mapped.message}`, {
      ...(mapped.hint ? { hint: mapped.hint } : {}),
      ...(mapped.data === undefined ? {} : { data: mapped.data }),
      actions: mapped.actions,
      cause: mapped,
    });
  }
}
