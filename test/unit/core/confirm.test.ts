import { describe, expect, it } from 'vitest';
import { ConfirmationStore } from '../../../src/core/confirm.js';
import { UserError } from '../../../src/core/errors.js';

const alice = { platform: 'slack', userId: 'UALICE' };
const bob = { platform: 'slack', userId: 'UBOB' };
const request = { id: 'r1', text: 'container prune', requester: alice };

function failure(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return `${(err as UserError).code}: ${(err as UserError).message}`;
  }
}

describe('ConfirmationStore', () => {
  it('lets the requester confirm once', () => {
    const store = new ConfirmationStore(120_000);
    const { token } = store.create(request, 'container prune', 'container prune', { containers: ['old-1'] });
    expect(store.settle(token, alice, false, 'confirmed').state).toBe('confirmed');
    expect(failure(() => store.settle(token, alice, false, 'confirmed'))).toMatch(/^confirmation_invalid: .*already confirmed/);
  });
  it('refuses someone else unless they are an admin', () => {
    const store = new ConfirmationStore(120_000);
    const { token } = store.create(request, 'container prune', 'container prune', { containers: ['old-1'] });
    expect(failure(() => store.settle(token, bob, false, 'confirmed'))).toMatch(/^forbidden: only UALICE or an admin/);
    expect(store.settle(token, bob, true, 'confirmed').state).toBe('confirmed');
  });
  it('expires', () => {
    let now = 1_000;
    const store = new ConfirmationStore(120_000, () => now);
    const { token } = store.create(request, 'container prune', 'container prune', { containers: ['old-1'] });
    now += 120_001;
    expect(failure(() => store.settle(token, alice, false, 'confirmed'))).toMatch(/^confirmation_invalid: this confirmation expired/);
    expect(failure(() => store.settle('made-up', alice, false, 'confirmed'))).toMatch(/^confirmation_invalid: this confirmation is unknown/);
  });
});
