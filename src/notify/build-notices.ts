// "Build started / succeeded / failed" for the team channels: one wording for builds started
// from chat and for builds reported by webhooks.
import { code, context, fields, reply, say, type Reply } from '../core/reply.js';
import type { Notification } from './notifier.js';

export interface BuildReport {
  /** The build's id (a chat build's short id, a webhook's delivery id). */
  id: string;
  status: 'started' | 'succeeded' | 'failed';
  image: string;
  /** Who or what ran it: `chat: Ann (slack:U01)`, `ci`, `Docker Hub`. */
  source: string;
  context?: string;
  /** The engine that builds it, when the bot has several. */
  engine?: string;
  url?: string;
  durationSeconds?: number;
  imageId?: string;
  exitCode?: number | null;
  reason?: string;
  /** The last lines of the log (failures). */
  excerpt?: string[];
}

const TITLE: Record<BuildReport['status'], string> = { started: 'Build started', succeeded: 'Build succeeded', failed: 'Build failed' };
const TONE = { started: 'info', succeeded: 'ok', failed: 'error' } as const;
/** A failure excerpt is for reading in chat, not the whole log. */
const EXCERPT_LINES = 10;
const EXCERPT_CHARS = 1500;

export function buildNotice(b: BuildReport): Notification {
  const facts: Array<[string, string]> = [
    ['Image', b.image],
    ['By', b.source],
  ];
  if (b.context) facts.push(['Context', b.context]);
  if (b.engine) facts.push(['Engine', b.engine]);
  if (b.durationSeconds !== undefined) facts.push(['Duration', `${b.durationSeconds} s`]);
  if (b.imageId) facts.push(['Image id', b.imageId.replace(/^sha256:/, '').slice(0, 12)]);
  if (b.exitCode !== undefined && b.exitCode !== null) facts.push(['Exit code', String(b.exitCode)]);
  if (b.url) facts.push(['Details', b.url]);
  const excerpt = (b.excerpt ?? []).slice(-EXCERPT_LINES).join('\n').slice(-EXCERPT_CHARS);
  const r: Reply = reply([fields(facts), ...(excerpt ? [code(excerpt)] : []), ...(b.reason ? [context(say`${b.reason.slice(0, 500)}`)] : [])], {
    title: `${TITLE[b.status]}: ${b.image}`,
    tone: TONE[b.status],
  });
  return { event: 'build', reply: r, name: b.image, data: { build: b.id, status: b.status, image: b.image, ...(b.engine ? { engine: b.engine } : {}), ...(b.durationSeconds === undefined ? {} : { durationSeconds: b.durationSeconds }) } };
}
