// Wiring only: config -> docker host -> knowledge -> dispatcher. Adapters are started by the CLI.
import type { Logger } from 'pino';
import { commands, takesHost } from '../commands/index.js';
import { join } from 'node:path';
import { FanOutAuditSink, LogAuditSink } from './core/audit.js';
import { ConfirmationStore } from './core/confirm.js';
import { SuggestionStore } from './core/actions.js';
import { Dispatcher } from './core/dispatcher.js';
import { RolePolicy } from './core/policy.js';
import type { Config } from './config.js';
import { EngineRegistry } from './docker/engines.js';
import type { KnowledgeBase } from './knowledge/base.js';
import { bundledKnowledgeDir } from './paths.js';
import type { Services } from './services.js';
import { AuditFile } from './store/audit-file.js';
import { BuildJobs } from './docker/build.js';
import { NotificationsRuntime } from './notify/runtime.js';

export interface App {
  dispatcher: Dispatcher;
  services: Services;
  /** Suggested-command buttons by short id: adapters add their own (Slack's row actions on `ps`). */
  suggestions: SuggestionStore;
  /** Team notifications: the events watcher, webhooks, health and metrics routes. */
  notifications: NotificationsRuntime;
}

export interface AppOptions {
  /** Watch the notes for edits (long-running processes; not one-shot commands). */
  watchKnowledge?: boolean;
}

export function createApp(config: Config, log: Logger, options: AppOptions = {}): App {
  const engines = EngineRegistry.fromConfig(config);
  const docker = engines.get(engines.defaultName);
  let knowledge: Promise<KnowledgeBase> | undefined;
  const auditFile = new AuditFile(join(config.dataDir, 'audit.jsonl'));
  // Buttons commands offer (a build's Cancel) and those the dispatcher offers share one store.
  const suggestions = new SuggestionStore();
  const notifications = new NotificationsRuntime(config, { hosts: engines.names.map((name) => ({ name, host: engines.get(name) })), defaultName: engines.defaultName }, log);
  const services: Services = {
    config,
    docker,
    engines,
    audit: auditFile,
    notifier: notifications.notifier,
    subscriptions: notifications.subscriptions,
    builds: new BuildJobs(),
    suggestions,
    knowledge: () =>
      (knowledge ??= import('./knowledge/index.js').then((m) =>
        m.openKnowledgeBase({ dirs: [bundledKnowledgeDir, ...config.knowledgeDirs], log: log.child({ part: 'knowledge' }), watch: options.watchKnowledge ?? false }),
      )),
  };
  // Per request the services differ only in the engine: one object per engine, made once.
  const perEngine = new Map(engines.names.map((name) => [name, { ...services, docker: engines.get(name) }]));
  const dispatcher = new Dispatcher({
    commands,
    services,
    log,
    // Grants of the top level: engine-free commands and who may answer a confirmation.
    roles: new RolePolicy(config.roles),
    audit: new FanOutAuditSink([new LogAuditSink(log.child({ part: 'audit' })), auditFile, notifications.auditSink]),
    confirmations: new ConfirmationStore(config.confirmTtlMs),
    previewsPublic: config.previewsPublic,
    suggestions,
    mapError: (err, engine) => engines.mapError(err, engine ?? engines.defaultName),
    engines: {
      names: engines.names,
      defaultName: engines.defaultName,
      usedBy: takesHost,
      services: (name) => perEngine.get(name) ?? services,
      address: (name) => engines.get(name).address,
      roles: (name) => engines.roles(name),
    },
    questionCommand: 'ask',
  });
  return { dispatcher, services, suggestions, notifications };
}
