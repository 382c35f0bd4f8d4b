// Every chat command, listed explicitly: adding a command is adding a file and a line here.
import type { Command } from '../src/core/command.js';
import { ask } from './ask.js';
import { explain } from './explain.js';
import { faqReload } from './faq-reload.js';
import { help } from './help.js';
import { ps } from './ps.js';
import { topics } from './topics.js';

export const commands: readonly Command[] = [help, ps, ask, explain, topics, faqReload];
