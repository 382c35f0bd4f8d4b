// Every command leaves an audit record: who, where, what (secrets redacted), outcome, duration.
import type { Logger } from 'pino';
import { redactEnvEntry } from './redact.js';

export interface AuditEntry {
  time: string;
  requestId: string;
  platform: string;
  user: string;
  channel: string | null;
  /** The address of the engine the request talked to. */
  engine: string | null;
  /** Its name (`--host NAME`): "default" is DOCKER_HOST; null for commands that use no engine. */
  engineName: string | null;
  command: string | null;
  /** The command line as typed, with secret values replaced. */
  line: string;
  /** `ok`, or the error code. */
  outcome: string;
  durationMs: number;
  /** Who pressed Confirm, for commands run from a confirmation button (the requester or an admin). */
  confirmedBy: string | null;
}

export interface AuditSink {
  record(entry: AuditEntry): void | Promise<void>;
}

/**
 * The command line for the audit trail, with secret values replaced. `secrets` are the values
 * the parser read for sensitive options (`run -e`, in any spelling: `-e K=v`, `-deK=v`,
 * `--env=K=v`); when parsing failed they are unknown (null) and every `KEY=value` is redacted.
 */
export function redactCommandLine(tokens: readonly string[], secrets: readonly string[] | null): string {
  return tokens
    .map((t) => {
      if (secrets === null) return /^[^-=][^=]*=/.test(t) || /^--?[\w-]+=[^=]+=/.test(t) ? redactAssignments(t) : t;
      const secret = secrets.find((value) => value && t.endsWith(value));
      return secret ? t.slice(0, t.length - secret.length) + redactEnvEntry(secret) : t;
    })
    .map((t) => (/\s/.test(t) ? JSON.stringify(t) : t))
    .join(' ');
}

/** `K=v` -> `K=[redacted]`; `--env=K=v` -> `--env=K=[redacted]`. */
function redactAssignments(token: string): string {
  const flag = /^--?[\w-]+=/.exec(token)?.[0] ?? '';
  return flag + redactEnvEntry(token.slice(flag.length));
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
