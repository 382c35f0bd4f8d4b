// What commands reach through `ctx.services`: the engine, the knowledge base, the stores.
import type { DockerHost } from './docker/host.js';
import type { EngineRegistry } from './docker/engines.js';
import type { KnowledgeBase } from './knowledge/base.js';
import type { Config } from './config.js';
import type { AuditReader } from './store/audit-file.js';
import type { BuildJobs } from './docker/build.js';
import type { Notifier } from './notify/notifier.js';
import type { SuggestionStore } from './core/actions.js';
import type { SubscriptionStore } from './store/subscriptions.js';

export interface Services {
  config: Config;
  /** The engine this request talks to (`--host NAME`, the session's `use NAME`, or the default). */
  docker: DockerHost;
  /** Every configured engine (the `engines` command); absent where only one engine was wired. */
  engines?: EngineRegistry;
  /** Loaded on first use so Docker-only commands start fast. */
  knowledge(): Promise<KnowledgeBase>;
  audit: AuditReader;
  /** Team notifications (builds, webhooks, engine events). */
  notifier: Notifier;
  /** Builds in progress, for Cancel. */
  builds: BuildJobs;
  /** Short button ids for command lines (`add(line)`): a pressed one runs as the presser. */
  suggestions: SuggestionStore;
  /** `notify add|list|rm`. */
  subscriptions: SubscriptionStore;
}
