import { describe, expect, it } from 'vitest';
import { renderReply, renderTable } from '../../../src/adapters/shell/render.js';
import { reply, table, text, context, fields } from '../../../src/core/reply.js';

describe('terminal renderer', () => {
  it('lays tables out like the Docker CLI (cells at least 10 wide, padded by three spaces)', () => {
    expect(renderTable(['CONTAINER ID', 'PORTS', 'NAMES'], [['0123456789ab', '', 'web'], ['ba9876543210', '', 'db-primary']])).toBe(
      'CONTAINER ID   PORTS     NAMES\n0123456789ab             web\nba9876543210             db-primary',
    );
  });
  it('renders every block type without colour when not on a TTY', () => {
    const out = renderReply(
      reply(
        [
          text('hello'),
          fields([['ID', 'abc'], ['Name', 'web']]),
          { type: 'progress', steps: [{ label: '99ad4e3ced4d', status: 'Pull complete' }], percent: 50 },
          { type: 'actions', actions: [{ id: 'confirm:x', label: 'Confirm' }] },
          { type: 'divider' },
          table(['A'], [['1']]),
          context('hint: try again'),
        ],
        { title: 'Title', tone: 'error' },
      ),
    );
    expect(out).toMatchInlineSnapshot(`
      "Title
      hello
      ID    abc
      Name  web
      99ad4e3ced4d: Pull complete
      50%
      ────────────────────────────────────────
      A
      1
      hint: try again"
    `);
  });
});
