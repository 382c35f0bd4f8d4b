// Every chat command, listed explicitly: adding a command is adding a file and a line here.
import type { Command } from '../src/core/command.js';
import { ask } from './ask.js';
import { audit } from './audit.js';
import { build } from './build.js';
import { buildCancel } from './build-cancel.js';
import { notifyAdd } from './notify-add.js';
import { notifyList } from './notify-list.js';
import { notifyRm } from './notify-rm.js';
import { containerPrune } from './container-prune.js';
import { engines } from './engines.js';
import { explain } from './explain.js';
import { faqReload } from './faq-reload.js';
import { help } from './help.js';
import { imagePrune } from './image-prune.js';
import { imageRm } from './image-rm.js';
import { images } from './images.js';
import { info } from './info.js';
import { inspect } from './inspect.js';
import { logs } from './logs.js';
import { nodeLs } from './node-ls.js';
import { ps } from './ps.js';
import { pull } from './pull.js';
import { restart } from './restart.js';
import { rm } from './rm.js';
import { run } from './run.js';
import { serviceInspect } from './service-inspect.js';
import { serviceLogs } from './service-logs.js';
import { serviceLs } from './service-ls.js';
import { servicePs } from './service-ps.js';
import { serviceRollback } from './service-rollback.js';
import { serviceScale } from './service-scale.js';
import { serviceUpdate } from './service-update.js';
import { stackLs } from './stack-ls.js';
import { stackPs } from './stack-ps.js';
import { start } from './start.js';
import { stop } from './stop.js';
import { systemDf } from './system-df.js';
import { tag } from './tag.js';
import { topics } from './topics.js';
import { version } from './version.js';

export const commands: readonly Command[] = [
  help,
  // Docker, read-only
  ps,
  images,
  logs,
  inspect,
  version,
  info,
  engines,
  systemDf,
  // Docker, containers that change
  run,
  start,
  stop,
  restart,
  rm,
  containerPrune,
  // Docker, images that change
  pull,
  imageRm,
  tag,
  imagePrune,
  build,
  buildCancel,
  // Swarm
  serviceLs,
  servicePs,
  serviceLogs,
  serviceInspect,
  serviceScale,
  serviceUpdate,
  serviceRollback,
  nodeLs,
  stackLs,
  stackPs,
  // Notifications
  notifyAdd,
  notifyList,
  notifyRm,
  // FAQ
  ask,
  explain,
  topics,
  faqReload,
  // Administration
  audit,
];

/** Commands that never talk to an engine: no `--host` for them (nor a `host` option on Discord). */
const ENGINE_FREE = new Set(['help', 'ask', 'explain', 'topics', 'faq reload', 'audit', 'engines', 'notify add', 'notify list', 'notify rm', 'build cancel']);

/** Whether the command talks to an engine, and so takes `--host NAME`. */
export const takesHost = (command: Command): boolean => !ENGINE_FREE.has(command.name);
