import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError, errorMessage } from '@tasksgodzilla/core';

/**
 * Append-only run log. Writes are synchronous so lines from stdout, stderr and the runner's own
 * notes keep their order; a null path makes every call a no-op.
 */
export interface RunLog {
  readonly path: string | null;
  /** Appends one line (a newline is added). */
  line(text: string): void;
  /** Appends a runner note, prefixed `[tgz] ` so it stands out from engine output. */
  note(text: string): void;
  close(): void;
}

/** `redact` is applied to every line before it is written (secret values never reach the file). */
export function openRunLog(path: string | null | undefined, redact?: (text: string) => string): RunLog {
  if (!path) {
    return { path: null, line: () => undefined, note: () => undefined, close: () => undefined };
  }
  let fd: number | null;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a');
  } catch (error) {
    throw new EngineError(`Cannot open the run log ${path}: ${errorMessage(error)}`, {
      code: 'engine_log_unwritable',
      retryable: false,
      cause: error,
      details: { log_path: path },
    });
  }
  const write = (text: string): void => {
    if (fd !== null) writeSync(fd, `${redact ? redact(text) : text}\n`);
  };
  return {
    path,
    line: write,
    note: (text) => write(`[tgz] ${text}`),
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
