// Row actions on `ps` results: one menu offering Logs, Restart and Stop for each listed
// container. Every entry is a suggested command with a short id from the core's store, so
// choosing one runs it as whoever chose it, through the same dispatcher, policy, confirmation
// (Stop and Restart preview first) and audit as typed text.
import type { SuggestionStore } from '../../core/actions.js';
import type { Outcome } from '../../core/dispatcher.js';
import type { SlackBlock } from './render.js';

/** Slack's static_select takes 100 options: 33 containers of 3 actions. */
const MAX_OPTIONS = 100;
const ACTIONS: ReadonlyArray<{ label: string; line: (name: string) => string }> = [
  { label: 'Logs', line: (name) => `logs --tail 100 ${name}` },
  { label: 'Restart', line: (name) => `restart ${name}` },
  { label: 'Stop', line: (name) => `stop ${name}` },
];
/** Docker's container-name grammar: anything else is not offered (and never reaches a command line). */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export const ROW_ACTIONS_ID = 'ps-row-actions';

export function psRowActions(outcome: Outcome, suggestions: SuggestionStore): SlackBlock | undefined {
  if (outcome.command !== 'ps' || !outcome.ok || !Array.isArray(outcome.data)) return undefined;
  const names = outcome.data
    .map((row: unknown) => (typeof row === 'object' && row !== null ? (row as { Names?: unknown }).Names : undefined))
    .filter((n): n is string => typeof n === 'string')
    .map((n) => n.split(',')[0] as string)
    .filter((n) => CONTAINER_NAME.test(n))
    .slice(0, Math.floor(MAX_OPTIONS / ACTIONS.length));
  if (names.length === 0) return undefined;
  return {
    type: 'actions',
    elements: [
      {
        type: 'static_select',
        action_id: ROW_ACTIONS_ID,
        placeholder: { type: 'plain_text', text: 'Container actions…', emoji: false },
        options: names.flatMap((name) =>
          ACTIONS.map((a) => ({ text: { type: 'plain_text' as const, text: `${a.label} · ${name}`.slice(0, 75), emoji: false as const }, value: suggestions.add(a.line(name)) })),
        ),
      },
    ],
  };
}
