// Plan -> confirm -> apply as the dispatcher runs it for every changing command: dry run,
// preview, who may confirm, expiry, plans gone stale, and button ids that fit every platform.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SuggestionStore } from '../../../src/core/actions.js';
import type { AuditEntry } from '../../../src/core/audit.js';
import { defineCommand, type Command, type Go, type Requester } from '../../../src/core/command.js';
import { ConfirmationStore } from '../../../src/core/confirm.js';
import { Dispatcher } from '../../../src/core/dispatcher.js';
import { UserError } from '../../../src/core/errors.js';
import { RolePolicy } from '../../../src/core/policy.js';
import { MAX_ACTION_ID_LENGTH, reply, table, text, type Reply } from '../../../src/core/reply.js';
import type { Services } from '../../../src/services.js';

interface SweepPlan {
  items: string[];
}

/** A world of items the fake `sweep` removes, and what each apply was told. */
function sweeper(world: Set<string>, seen: Array<Go<SweepPlan>['by']>) {
  return defineCommand<SweepPlan>({
    name: 'sweep',
    summary: 'Remove the items',
    options: [{ name: 'force', short: 'f', type: 'boolean', description: 'Do not prompt' }],
    access: 'operate',
    mutating: true,
    change: {
      confirmFlag: 'force',
      async plan() {
        const items = [...world].sort();
        return {
          data: { items },
          reply: reply([table(['ITEM'], items.map((i) => [i]))], { title: `Remove ${items.length} items?` }),
          empty: items.length === 0,
          dryRunTitle: `Dry run: would remove ${items.length} items`,
          dryRunNote: 'dry run: nothing was removed',
        };
      },
      schema: z.object({ items: z.array(z.string()) }),
      async apply(_ctx, go) {
        seen.push(go.by);
        // Only what the plan listed and still qualifies; never what appeared since.
        const listed = go.by === 'flag' ? [...world] : go.plan.items;
        const removed = listed.filter((i) => world.delete(i));
        const leftAlone = listed.filter((i) => !removed.includes(i));
        return { ok: true, data: { removed, leftAlone }, reply: reply([text(`removed ${removed.length}`)]) };
      },
    },
  });
}

const helpful = defineCommand({
  name: 'fail',
  summary: 'Fails with a suggestion',
  options: [],
  positionals: [{ name: 'what', description: 'x', variadic: true }],
  access: 'read',
  async run(ctx) {
    throw new UserError('conflict', 'no', { actions: [{ label: 'Sweep them', command: `sweep ${ctx.args.positionals.join(' ')}` }] });
  },
});

const list = defineCommand({
  name: 'ls',
  summary: 'Lists',
  options: [],
  access: 'read',
  async run() {
    return { ok: true, data: { rows: 1 }, reply: reply([text('one')]) };
  },
});

function setup(options: { world?: string[]; now?: () => number; previewsPublic?: boolean } = {}) {
  const world = new Set(options.world ?? ['a', 'b']);
  const seen: Array<Go<SweepPlan>['by']> = [];
  const audit: AuditEntry[] = [];
  const confirmations = new ConfirmationStore(60_000, options.now);
  const suggestions = new SuggestionStore(60_000, 100, options.now);
  const commands: Command[] = [sweeper(world, seen), helpful, list];
  const dispatcher = new Dispatcher({
    commands,
    services: {} as Services,
    log: pino({ level: 'silent' }),
    roles: new RolePolicy({ admin: ['slack:UADMIN'], operator: ['slack:UOPS', 'slack:UOPS2'], channels: {} }),
    audit: { record: (e) => void audit.push(e) },
    confirmations,
    suggestions,
    engineAddress: 'unix:///run/test.sock',
    ...(options.previewsPublic === undefined ? {} : { previewsPublic: options.previewsPublic }),
    mapError: () => undefined,
  });
  return { dispatcher, world, seen, audit, confirmations, suggestions };
}

const operator: Requester = { platform: 'slack', userId: 'UOPS', channelId: 'C1' };
const otherOperator: Requester = { platform: 'slack', userId: 'UOPS2', channelId: 'C1' };
const admin: Requester = { platform: 'slack', userId: 'UADMIN', channelId: 'C1' };
const viewer: Requester = { platform: 'slack', userId: 'UVIEW', channelId: 'C1' };
let seq = 0;
const ask = (d: Dispatcher, line: string, requester: Requester = operator, extra: { confirmed?: boolean; flagsConfirm?: boolean } = {}) =>
  d.handle({ id: `p${++seq}`, text: line, requester, ...extra });
const buttons = (r: Reply) => r.blocks.flatMap((b) => (b.type === 'actions' ? b.actions : []));

describe('plan -> confirm -> apply', () => {
  it('--dry-run returns the plan with its own title and changes nothing', async () => {
    const { dispatcher, world, seen } = setup();
    const out = await ask(dispatcher, 'sweep --dry-run');
    expect(out).toMatchObject({ ok: true, data: { dryRun: true, plan: { items: ['a', 'b'] } } });
    expect(out.reply.title).toBe('Dry run: would remove 2 items');
    expect(out.reply.blocks.at(-1)).toEqual({ type: 'context', text: 'dry run: nothing was removed' });
    expect(out.confirmation).toBeUndefined();
    expect(seen).toEqual([]);
    expect([...world]).toEqual(['a', 'b']);
  });

  it('a preview is a typed confirmation; scripts still see confirmation_required with the preview in data', async () => {
    const { dispatcher, world } = setup();
    const out = await ask(dispatcher, 'sweep');
    expect(out.ok).toBe(false);
    expect(out.error?.code).toBe('confirmation_required');
    const c = out.confirmation;
    expect(c).toBeDefined();
    expect(new Date(c?.expiresAt ?? '').getTime()).toBeGreaterThan(Date.now());
    expect(c?.preview.title).toBe('Remove 2 items?');
    expect(buttons(out.reply)).toEqual([c?.confirm, c?.cancel]);
    expect(out.data).toEqual({ preview: { items: ['a', 'b'] }, confirm: { token: c?.token, expiresAt: c?.expiresAt } });
    // Previews are for the requester unless the team asked to see them.
    expect(out.reply.ephemeral).toBe(true);
    expect((await ask(setup({ previewsPublic: true }).dispatcher, 'sweep')).reply.ephemeral).toBe(false);
    expect(world.size).toBe(2);
  });

  it('only the requester or an admin may confirm; a stranger is refused privately and nothing runs', async () => {
    const { dispatcher, world, seen, audit } = setup();
    const first = await ask(dispatcher, 'sweep');
    const confirm = first.confirmation?.confirm.id as string;
    const stranger = await dispatcher.act(confirm, otherOperator);
    expect(stranger.error?.code).toBe('forbidden');
    expect(stranger.reply.ephemeral).toBe(true);
    expect(world.size).toBe(2);
    const done = await dispatcher.act(confirm, operator);
    expect(done).toMatchObject({ ok: true, data: { removed: ['a', 'b'] } });
    expect(done.reply.ephemeral).toBe(false);
    expect(seen).toEqual(['preview']);
    expect(audit.at(-1)).toMatchObject({ user: 'UOPS', confirmedBy: 'UOPS', outcome: 'ok', engine: 'unix:///run/test.sock' });

    const mine = setup();
    const pending = await ask(mine.dispatcher, 'sweep');
    const byAdmin = await mine.dispatcher.act(pending.confirmation?.confirm.id as string, admin);
    expect(byAdmin.ok).toBe(true);
    expect(mine.audit.at(-1)).toMatchObject({ user: 'UOPS', confirmedBy: 'UADMIN' });
  });

  it('a confirmation expires', async () => {
    let now = 1_000_000;
    const { dispatcher, world } = setup({ now: () => now });
    const out = await ask(dispatcher, 'sweep');
    now += 60_001;
    const late = await dispatcher.act(out.confirmation?.confirm.id as string, operator);
    expect(late.error).toMatchObject({ code: 'confirmation_invalid', message: 'this confirmation expired; nothing was changed' });
    expect(world.size).toBe(2);
  });

  it('a stale plan: the apply acts only on what was listed and still qualifies, never on what appeared since', async () => {
    const { dispatcher, world } = setup();
    const out = await ask(dispatcher, 'sweep');
    world.delete('a');
    world.add('c');
    const done = await dispatcher.act(out.confirmation?.confirm.id as string, operator);
    expect(done.data).toEqual({ removed: ['b'], leftAlone: ['a'] });
    expect([...world]).toEqual(['c']);
  });

  it('a stored plan the command cannot read changes nothing (one check for every command)', async () => {
    const { dispatcher, world, confirmations, seen } = setup();
    const pending = confirmations.create({ id: 'x', text: 'sweep', requester: operator }, 'sweep', 'sweep', { items: 'everything' });
    const out = await dispatcher.act(pending.confirmId, operator);
    expect(out.error?.code).toBe('confirmation_invalid');
    expect(seen).toEqual([]);
    expect(world.size).toBe(2);
  });

  it('an empty plan needs no confirmation; --yes and a terminal -f apply directly, chat -f does not', async () => {
    const empty = setup({ world: [] });
    const none = await ask(empty.dispatcher, 'sweep');
    expect(none.ok).toBe(true);
    expect(empty.seen).toEqual(['empty']);

    const { dispatcher, seen } = setup();
    expect((await ask(dispatcher, 'sweep -f')).error?.code).toBe('confirmation_required');
    expect((await ask(dispatcher, 'sweep -f', operator, { flagsConfirm: true })).ok).toBe(true);
    expect((await ask(dispatcher, 'sweep', operator, { confirmed: true })).ok).toBe(true);
    expect(seen).toEqual(['flag', 'flag']);
  });

  it('cancel changes nothing and the confirmation cannot be used after', async () => {
    const { dispatcher, world } = setup();
    const out = await ask(dispatcher, 'sweep');
    const cancelled = await dispatcher.act(out.confirmation?.cancel.id as string, operator);
    expect(cancelled).toMatchObject({ ok: true, data: { cancelled: true } });
    expect((await dispatcher.act(out.confirmation?.confirm.id as string, operator)).error?.code).toBe('confirmation_invalid');
    expect(world.size).toBe(2);
  });
});

describe('button ids', () => {
  it('are short and opaque, however long the command line they stand for', async () => {
    const { dispatcher } = setup();
    const long = Array.from({ length: 40 }, (_, i) => `registry.example.com/team/very-long-repository-name-${i}:tag`).join(' ');
    const failed = await ask(dispatcher, `fail ${long}`, viewer);
    const preview = await ask(dispatcher, 'sweep');
    const ids = [...buttons(failed.reply), ...buttons(preview.reply)].map((a) => a.id);
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(MAX_ACTION_ID_LENGTH);
      expect(id).not.toContain('registry.example.com');
    }
    expect(dispatcher.describeAction(ids[0] as string)).toEqual({ kind: 'run', line: `sweep ${long}` });
  });

  it('a pressed suggestion runs as the presser, with their role', async () => {
    const { dispatcher, world } = setup();
    const failed = await ask(dispatcher, 'fail', viewer);
    const id = buttons(failed.reply)[0]?.id as string;
    const byViewer = await dispatcher.act(id, viewer);
    expect(byViewer.error?.code).toBe('forbidden');
    const byOperator = await dispatcher.act(id, operator);
    // The operator gets their own preview: a suggestion never skips the confirmation.
    expect(byOperator.error?.code).toBe('confirmation_required');
    expect(byOperator.confirmation).toBeDefined();
    expect(world.size).toBe(2);
  });

  it('an unknown or expired id gets a clear answer, not internal', async () => {
    let now = 5_000;
    const { dispatcher } = setup({ now: () => now });
    const failed = await ask(dispatcher, 'fail', viewer);
    const id = buttons(failed.reply)[0]?.id as string;
    now += 60_001;
    const expired = await dispatcher.act(id, operator);
    expect(expired.error).toMatchObject({ code: 'action_invalid', message: 'this button has expired; nothing was run' });
    expect(expired.reply.ephemeral).toBe(true);
    for (const made of ['cmd:sweep', 'run:nope', 'x'.repeat(200)]) {
      const out = await dispatcher.act(made, operator);
      expect(out.error?.code).toBe('action_invalid');
    }
    expect(dispatcher.describeAction('run:nope')).toBeUndefined();
  });

  it('the store of suggestions is bounded', () => {
    const store = new SuggestionStore(60_000, 3);
    const ids = ['a', 'b', 'c', 'd'].map((line) => store.add(line));
    expect(store.lineOf((ids[0] as string).slice('run:'.length))).toBeUndefined();
    expect(store.lineOf((ids[3] as string).slice('run:'.length))).toBe('d');
  });
});

describe('who sees a reply', () => {
  it('errors and help are for the requester; results of shared work are public', async () => {
    const { dispatcher } = setup();
    expect((await ask(dispatcher, 'ls', viewer)).reply.ephemeral).toBe(false);
    expect((await ask(dispatcher, 'ls --help', viewer)).reply.ephemeral).toBe(true);
    expect((await ask(dispatcher, 'nope', viewer)).reply.ephemeral).toBe(true);
    expect((await ask(dispatcher, 'sweep', viewer)).reply.ephemeral).toBe(true);
  });
});
