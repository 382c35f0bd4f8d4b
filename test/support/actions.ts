// Buttons as the tests name them: a suggested next step as `cmd:<the command line it runs>`
// (looked up in the dispatcher: the id itself is opaque), other buttons by their id.
import type { Dispatcher } from '../../src/core/dispatcher.js';
import type { Reply } from '../../src/core/reply.js';

export const actionIds = (dispatcher: Dispatcher, reply: Reply): string[] =>
  reply.blocks.flatMap((b) =>
    b.type === 'actions'
      ? b.actions.map((a) => {
          const does = dispatcher.describeAction(a.id);
          return does?.kind === 'run' ? `cmd:${does.line}` : a.id;
        })
      : [],
  );
