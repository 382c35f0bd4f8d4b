// The root logger. Tokens and secrets are redacted wherever they appear in a record.
import pino, { type Logger } from 'pino';

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
  if (pretty) {
    return pino(options, pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'pid,hostname,app' } }));
  }
  return pino(options, pino.destination({ fd, sync: true }));
}
