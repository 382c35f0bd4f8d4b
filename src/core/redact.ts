// Container and image environment variables often carry credentials: replies and data show
// which variables are set, never their values.

export const REDACTED = '[redacted]';

/** `KEY=value` -> `KEY=[redacted]`; a bare `KEY` (no value given) stays as it is. */
export function redactEnvEntry(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : `${entry.slice(0, eq)}=${REDACTED}`;
}

export const redactEnv = (env: readonly string[] | null | undefined): string[] => (env ?? []).map(redactEnvEntry);
