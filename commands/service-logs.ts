import type { IncomingMessage } from 'node:http';
import { defineCommand } from '../src/core/command.js';
import { context, plural, reply, say, text, type Block } from '../src/core/reply.js';
import { bytesSize } from '../src/docker/format.js';
import { containerSpecOf, findService, serviceName } from '../src/docker/swarm.js';
import { DEFAULT_TAIL, MAX_LOG_BYTES, readCapped, splitLogOutput, tailForReply, tailOption, type LogsData } from './logs.js';

/** `GET /services/{id}/logs` as a stream, so that no more than MAX_LOG_BYTES of it is ever held. */
async function serviceLogStream(ctx: Parameters<typeof serviceLogs.run>[0], id: string, options: Record<string, unknown>): Promise<IncomingMessage> {
  const engine = ctx.services.docker.engine;
  return new Promise<IncomingMessage>((resolve, reject) => {
    engine.modem.dial(
      {
        // The id the engine gave back, checked like any name from a user.
        path: `/services/${engine.getService(id).id}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
        options,
      },
      (err, res) => (err ? reject(err as Error) : resolve(res as IncomingMessage)),
    );
  });
}

export const serviceLogs = defineCommand({
  name: 'service logs',
  summary: "Fetch the logs of a service's tasks",
  options: [
    {
      name: 'tail',
      short: 'n',
      type: 'string',
      placeholder: 'string',
      description: `Lines from the end, or "all" (default ${DEFAULT_TAIL}; ${bytesSize(MAX_LOG_BYTES)} at most)`,
    },
    { name: 'timestamps', short: 't', type: 'boolean', description: 'Show timestamps' },
  ],
  positionals: [{ name: 'service', description: 'Service name or ID', required: true }],
  access: 'read',
  async run(ctx) {
    const tail = tailOption(ctx.args.string('tail'));
    const timestamps = ctx.args.bool('timestamps');
    // Looked up first: a missing service fails with its name, and its TTY setting says whether the output is multiplexed.
    const service = await findService(ctx.services.docker, ctx.args.positional(0) as string);
    const name = serviceName(service);
    const stream = await serviceLogStream(ctx, service.ID, { stdout: true, stderr: true, timestamps, ...(tail === 'all' ? {} : { tail }) });
    const { output, cut } = await readCapped(stream, MAX_LOG_BYTES);
    const lines = splitLogOutput(output, containerSpecOf(service.Spec)?.TTY === true, timestamps);
    const data: Omit<LogsData, 'container'> & { service: string } = { service: name, lines, tail, cut };
    const footer: Block[] = [];
    if (cut) footer.push(context(`cut: only the first ${bytesSize(MAX_LOG_BYTES)} were read, so what is shown stops there; use a smaller --tail`));
    else if (ctx.args.string('tail') === undefined && lines.length >= DEFAULT_TAIL) footer.push(context(`the last ${DEFAULT_TAIL} lines: the default without --tail (--tail all for the whole log)`));
    if (lines.length === 0) return { ok: true, data, reply: reply([text(say`No log output from ${name}.`)], { title: `logs ${name}` }) };
    const { text: shown, omitted } = tailForReply(lines);
    const blocks: Block[] = [{ type: 'code', text: shown, keep: 'tail' }, ...footer];
    if (omitted > 0) blocks.unshift(context(`… ${plural(omitted, 'more line')} above (use --tail to choose)`));
    return { ok: true, data, reply: reply(blocks, { title: `logs ${name}` }) };
  },
});
