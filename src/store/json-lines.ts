// The state files are appended JSON lines: a crash can leave the last one torn, and a reader skips it.

/** One line's record, or undefined for an empty or torn line. */
export function readJsonLine<T>(line: string): T | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
