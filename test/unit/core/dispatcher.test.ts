// The dispatcher with fake commands and a fake engine error: lookup, help, policy,
// confirmation, audit and error replies, all in one place.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AuditEntry } from '../../../src/core/audit.js';
import { defineCommand, type Command, type Requester } from '../../../src/core/command.js';
import { SuggestionStore } from '../../../src/core/actions.js';
import { ConfirmationStore } from '../../../src/core/confirm.js';
import { Dispatcher } from '../../../src/core/dispatcher.js';
import { UserError } from '../../../src/core/errors.js';
import { RolePolicy } from '../../../src/core/policy.js';
import { reply, text } from '../../../src/core/reply.js';
import { mapEngineError } from '../../../src/docker/errors.js';
import type { Services } from '../../../src/services.js';

const removed: string[] = [];
const seenPreviews: unknown[] = [];
const commands: Command[] = [
  defineCommand({
    name: 'ps',
    aliases: ['container ls'],
    summary: 'List containers',
    options: [{ name: 'all', short: 'a', type: 'boolean', description: 'Show all' }],
    access: 'read',
    async run(ctx) {
      return { ok: true, data: { all: ctx.args.bool('all') }, reply: reply([text('listed')]) };
    },
  }),
  defineCommand({
    name: 'container prune',
    summary: 'Remove stopped containers',
    options: [{ name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt' }],
    access: 'operate',
    mutating: true,
    change: {
      confirmFlag: 'force',
      async plan() {
        return { reply: reply([text('will remove: old-1')]), data: { containers: ['old-1'] }, dryRunTitle: 'Dry run' };
      },
      schema: z.object({ containers: z.array(z.string()) }),
      async apply(_ctx, go) {
        seenPreviews.push(go.by === 'preview' ? go.plan : undefined);
        removed.push('old-1');
        return { ok: true, data: { removed: ['old-1'] }, reply: reply([text('done')]) };
      },
    },
  }),
  defineCommand({
    name: 'logs',
    summary: 'Logs',
    options: [],
    positionals: [{ name: 'container', description: 'x', required: true }],
    access: 'read',
    async run(ctx) {
      const name = ctx.args.positional(0);
      if (name === 'boom') throw new TypeError('undefined is not a function');
      throw Object.assign(new Error('(HTTP code 404) no such container - No such container: ghost'), {
        statusCode: 404,
        json: { message: `No such container: ${name}` },
      });
    },
  }),
  defineCommand({
    name: 'run',
    summary: 'Run',
    options: [
      { name: 'detach', short: 'd', type: 'boolean', description: 'Detach' },
      { name: 'env', short: 'e', type: 'string', multiple: true, sensitive: true, description: 'Env' },
    ],
    positionals: [{ name: 'image', description: 'x', required: true }, { name: 'command', description: 'x', variadic: true }],
    stopAtFirstPositional: true,
    access: 'operate',
    async run() {
      return { ok: true, data: null, reply: reply([text('ran')]) };
    },
  }),
  defineCommand({
    name: 'ask',
    summary: 'Ask',
    options: [],
    freeText: true,
    access: 'read',
    async run(ctx) {
      return { ok: true, data: { question: ctx.args.positional(0) }, reply: reply([text('ok')]) };
    },
  }),
];

function setup() {
  // The fake commands record into these: start every test from nothing.
  removed.length = 0;
  seenPreviews.length = 0;
  const audit: AuditEntry[] = [];
  const logs: unknown[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const services = { docker: { address: 'unix:///tmp/test.sock' } } as unknown as Services;
  const suggestions = new SuggestionStore();
  const dispatcher = new Dispatcher({
    commands,
    services,
    log,
    roles: new RolePolicy({ admin: ['slack:UADMIN'], operator: ['slack:UOPS'], channels: {} }),
    audit: { record: (e) => void audit.push(e) },
    confirmations: new ConfirmationStore(120_000),
    engineAddress: 'unix:///tmp/test.sock',
    suggestions,
    mapError: (err) => mapEngineError(err, 'unix:///tmp/test.sock'),
  });
  return { dispatcher, audit, logs, suggestions };
}

const viewer: Requester = { platform: 'slack', userId: 'UVIEW', channelId: 'C1' };
const operator: Requester = { platform: 'slack', userId: 'UOPS', channelId: 'C1' };
const admin: Requester = { platform: 'slack', userId: 'UADMIN', channelId: 'C1' };
let seq = 0;
const ask = (d: Dispatcher, textLine: string, requester: Requester = viewer, confirmed = false, flagsConfirm = false) =>
  d.handle({ id: `t${++seq}`, text: textLine, requester, confirmed, flagsConfirm });

describe('Dispatcher', () => {
  it('accepts /docker, docker and bare command names, and aliases', async () => {
    const { dispatcher } = setup();
    for (const line of ['/docker ps -a', 'docker ps -a', 'ps -a', 'container ls -a']) {
      const out = await ask(dispatcher, line);
      expect(out).toMatchObject({ ok: true, command: 'ps', data: { all: true } });
    }
  });
  it('unknown command: usage with did-you-mean', async () => {
    const { dispatcher } = setup();
    const out = await ask(dispatcher, 'pss');
    expect(out.error).toMatchObject({ code: 'usage', message: 'unknown command: pss' });
    expect(out.error?.hint).toContain('did you mean `ps`');
  });
  it('help comes from the spec with --help', async () => {
    const { dispatcher } = setup();
    const out = await ask(dispatcher, 'container prune --help');
    expect(out.ok).toBe(true);
    const rendered = JSON.stringify(out.reply);
    expect(rendered).toContain('-f, --force');
    expect(rendered).toContain('--dry-run');
  });
  it('free-text commands get the raw text, quotes and all', async () => {
    const { dispatcher } = setup();
    const out = await ask(dispatcher, `ask what's a "registry"?`);
    expect(out.data).toEqual({ question: `what's a "registry"?` });
  });
  it('denies by role, naming the role needed, and audits the denial', async () => {
    const { dispatcher, audit } = setup();
    const out = await ask(dispatcher, 'container prune -f');
    expect(out.error).toMatchObject({ code: 'forbidden', message: '`container prune` needs the operator role; you are a viewer' });
    expect(removed).toEqual([]);
    expect(audit.at(-1)).toMatchObject({ user: 'UVIEW', channel: 'C1', command: 'container prune', outcome: 'forbidden', line: 'container prune -f' });
  });
  it('asks for confirmation, then only the requester or an admin may confirm, once', async () => {
    const { dispatcher, audit } = setup();
    const first = await ask(dispatcher, 'container prune', operator);
    expect(first.error?.code).toBe('confirmation_required');
    expect(first.data).toMatchObject({ preview: { containers: ['old-1'] } });
    const actions = first.reply.blocks.find((b) => b.type === 'actions');
    expect(actions).toBeDefined();
    const confirmId = (actions as { actions: Array<{ id: string }> }).actions[0]!.id;
    expect(removed).toEqual([]);

    const stranger = await dispatcher.act(confirmId, { platform: 'slack', userId: 'UOTHER' });
    expect(stranger.error?.code).toBe('forbidden');
    // The refused press is audited like any denied command.
    expect(audit.at(-1)).toMatchObject({ user: 'UOTHER', command: 'container prune', line: 'container prune', outcome: 'forbidden' });
    const done = await dispatcher.act(confirmId, operator);
    expect(done).toMatchObject({ ok: true, data: { removed: ['old-1'] } });
    // The command is told exactly what the requester saw.
    expect(seenPreviews).toEqual([{ containers: ['old-1'] }]);
    expect(audit.at(-1)).toMatchObject({ user: 'UOPS', command: 'container prune', outcome: 'ok', confirmedBy: 'UOPS' });
    const again = await dispatcher.act(confirmId, admin);
    expect(again.error?.code).toBe('confirmation_invalid');
    expect(audit.at(-1)).toMatchObject({ user: 'UADMIN', command: 'container prune', outcome: 'confirmation_invalid' });
    expect(removed).toEqual(['old-1']);
  });
  it("an admin may confirm someone else's request, and the audit names both", async () => {
    const { dispatcher, audit } = setup();
    const first = await ask(dispatcher, 'container prune', operator);
    const actions = first.reply.blocks.find((b) => b.type === 'actions') as { actions: Array<{ id: string }> };
    const done = await dispatcher.act(actions.actions[0]!.id, admin);
    expect(done.ok).toBe(true);
    expect(audit.at(-1)).toMatchObject({ user: 'UOPS', confirmedBy: 'UADMIN', outcome: 'ok' });
    const unknown = await dispatcher.act('confirm:made-up-token', admin);
    expect(unknown.error?.code).toBe('confirmation_invalid');
    expect(audit.at(-1)).toMatchObject({ user: 'UADMIN', command: null, outcome: 'confirmation_invalid' });
  });
  it('-f confirms a prune in a terminal only; --dry-run changes nothing and needs no confirmation', async () => {
    const { dispatcher } = setup();
    expect((await ask(dispatcher, 'container prune --dry-run', operator)).data).toEqual({ dryRun: true, plan: { containers: ['old-1'] } });
    expect(removed).toEqual([]);
    // In chat, Docker's -f does not skip the preview.
    expect((await ask(dispatcher, 'container prune -f', operator)).error?.code).toBe('confirmation_required');
    expect(removed).toEqual([]);
    expect((await ask(dispatcher, 'container prune -f', operator, false, true)).ok).toBe(true);
    expect(removed).toEqual(['old-1']);
  });
  it('maps engine errors to user errors', async () => {
    const { dispatcher } = setup();
    const out = await ask(dispatcher, 'logs ghost');
    expect(out.error).toMatchObject({ code: 'not_found', message: 'no such container: ghost' });
  });
  it('a bug reaches the user as a short message with the request id, and the log gets the stack', async () => {
    const { dispatcher, logs } = setup();
    const out = await ask(dispatcher, 'logs boom');
    expect(out.error?.code).toBe('internal');
    expect(out.error?.message).toContain(out.requestId);
    expect(JSON.stringify(out.reply)).not.toContain('undefined is not a function');
    expect(JSON.stringify(logs)).toContain('undefined is not a function');
  });
  it('redacts environment values in the audit line, however the flag is spelled', async () => {
    const { dispatcher, audit } = setup();
    for (const [typed, logged] of [
      ['run -e PASSWORD=hunter2 img', 'run -e PASSWORD=[redacted] img'],
      ['run -deTOKEN=hunter2 img', 'run -deTOKEN=[redacted] img'],
      ['run -de TOKEN=hunter2 img sh', 'run -de TOKEN=[redacted] img sh'],
      ['run --env=TOKEN=hunter2 img', 'run --env=TOKEN=[redacted] img'],
      // Unparseable: every KEY=value is redacted, whatever flag it follows.
      ['run --bogus -de TOKEN=hunter2 img', 'run --bogus -de TOKEN=[redacted] img'],
    ]) {
      await ask(dispatcher, typed as string, operator);
      expect(audit.at(-1)?.line).toBe(logged);
    }
    expect(JSON.stringify(audit)).not.toContain('hunter2');
  });
  it('audits what was typed even when it could not be understood', async () => {
    const { dispatcher, audit } = setup();
    await ask(dispatcher, 'pss -a');
    expect(audit.at(-1)).toMatchObject({ command: null, line: 'pss -a', outcome: 'usage' });
    await ask(dispatcher, 'logs "x');
    expect(audit.at(-1)).toMatchObject({ command: 'logs', line: 'logs "x', outcome: 'usage' });
  });
  it('gives every request its own id', async () => {
    const { dispatcher, suggestions } = setup();
    const a = await dispatcher.act(suggestions.add('ps'), viewer);
    const b = await dispatcher.act(suggestions.add('ps'), viewer);
    expect(a.requestId).not.toBe(b.requestId);
  });
  it('audits a cancelled confirmation as cancelled', async () => {
    const { dispatcher, audit } = setup();
    const first = await ask(dispatcher, 'container prune', operator);
    const actions = first.reply.blocks.find((b) => b.type === 'actions') as { actions: Array<{ id: string }> };
    await dispatcher.act(actions.actions[1]!.id, operator);
    expect(audit.at(-1)).toMatchObject({ command: 'container prune', outcome: 'cancelled' });
  });
  it('turns engine_unreachable into a clear message naming the address', () => {
    const err = mapEngineError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'tcp://10.0.0.5:2375');
    expect(err).toBeInstanceOf(UserError);
    expect(err?.message).toBe('cannot reach the Docker engine at tcp://10.0.0.5:2375 (connection refused)');
  });
});

describe('mapEngineError', () => {
  it('reports a missing socket as engine_unreachable, but not a missing file', () => {
    const socket = Object.assign(new Error('connect ENOENT /run/x.sock'), { code: 'ENOENT', syscall: 'connect' });
    expect(mapEngineError(socket, 'unix:///run/x.sock')?.code).toBe('engine_unreachable');
    const file = Object.assign(new Error("ENOENT: no such file or directory, open 'audit.jsonl'"), { code: 'ENOENT', syscall: 'open' });
    expect(mapEngineError(file, 'unix:///run/x.sock')).toBeUndefined();
  });
});
