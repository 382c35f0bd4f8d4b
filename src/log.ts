// The root logger. Tokens and secrets are redacted wherever they appear in a record.
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';

const requireCommonJs = createRequire(import.meta.url);

export const REDACT_PATHS = [
  'token',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.webhookSecret',
  'config.slack',
  'config.discord',
  'headers.authorization',
  '*.headers.authorization',
  'env',
  '*.Env',
  '*.env',
];

export function createLogger(level: string, destination: 'stdout' | 'stderr' = 'stderr'): Logger {
  const fd = destination === 'stdout' ? 1 : 2;
  const pretty = (destination === 'stdout' ? process.stdout : process.stderr).isTTY;
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'dockbot' } };
  return pino(options, pretty ? prettyDestination(fd) : pino.destination({ fd, sync: true }));
}

/**
 * Readable lines for a terminal, formatted in this thread: pino-pretty loads with the first line
 * written (a one-shot `exec` at level warn usually writes none), and no transport worker starts.
 */
function prettyDestination(fd: number): DestinationStream {
  const out = pino.destination({ fd, sync: true });
  let format: ((line: string) => string) | undefined;
  return {
    write(line: string): void {
      format ??= (requireCommonJs('pino-pretty') as typeof import('pino-pretty')).prettyFactory({ colorize: true, ignore: 'pid,hostname,app' });
      out.write(format(line));
    },
  };
}
