// Every command leaves an audit record: who, where, what (secrets redacted), outcome, duration.
import type { Logger } from 'pino';
import { redactEnvEntry } from '../docker/redact.js';

export interface AuditEntry {
  time: string;
  requestId: string;
  platform: string;
  user: string;
  channel: string | null;
  engine: string | null;
  command: string | null;
  /** The command line as typed, with secret values replaced. */
  line: string;
  /** `ok`, or the error code. */
  outcome: string;
  durationMs: number;
}

export interface AuditSink {
  record(entry: AuditEntry): void | Promise<void>;
}

/** Environment values (`-e KEY=value`, `--env=KEY=value`) and token-looking flags never reach a log. */
export function redactCommandLine(tokens: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const inline = /^(--env=|-e=?|--build-arg=)(.*)$/.exec(t);
    if ((t === '-e' || t === '--env' || t === '--build-arg') && i + 1 < tokens.length) {
      out.push(t, redactEnvEntry(tokens[++i] as string));
    } else if (inline && inline[2]) {
      out.push(inline[1] + redactEnvEntry(inline[2]));
    } else {
      out.push(/\s/.test(t) ? JSON.stringify(t) : t);
    }
  }
  return out.join(' ');
}

export class LogAuditSink implements AuditSink {
  constructor(private readonly log: Logger) {}
  record(entry: AuditEntry): void {
    this.log.info({ audit: entry }, 'audit');
  }
}

export class FanOutAuditSink implements AuditSink {
  constructor(private readonly sinks: AuditSink[]) {}
  async record(entry: AuditEntry): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.record(entry)));
  }
}
