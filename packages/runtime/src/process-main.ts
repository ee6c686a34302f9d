import { CONFIG_VARIABLES, ConfigError, errorMessage } from '@tasksgodzilla/core';

// Process plumbing shared by the api and worker mains: flag values checked the same way, a
// graceful stop on SIGINT/SIGTERM, and exit codes (2 for configuration errors, 1 otherwise).

/** Log levels the config schema accepts. */
export const LOG_LEVELS: readonly string[] = CONFIG_VARIABLES.find((v) => v.key === 'logLevel')?.values ?? [];

/** A whole-number flag in [min, max]; undefined when absent; ConfigError naming the flag otherwise. */
export function integerFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`--${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`);
  }
  return value;
}

/** `--log-level`: one of LOG_LEVELS; undefined when absent. */
export function logLevelFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!LOG_LEVELS.includes(text)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return text;
}

export interface SignalTarget {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): never | void;
}

export interface StopLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * On the first SIGINT/SIGTERM, logs `Shutting down <name>`, awaits `close()` (graceful: stop
 * claiming, finish or release jobs, close the database) and exits 0, or 1 when closing failed.
 */
export function closeOnSignals(
  name: string,
  logger: StopLogger,
  close: () => Promise<void>,
  target: SignalTarget = process,
): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `Shutting down ${name}`);
    close().then(
      () => target.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, `shutdown failed: ${errorMessage(error)}`);
        target.exit(1);
      },
    );
  };
  target.on('SIGINT', () => stop('SIGINT'));
  target.on('SIGTERM', () => stop('SIGTERM'));
}

/** Runs a main function; a failure prints `tasksgodzilla <name>: <message>` and exits 2 (config) or 1. */
export function runMain(
  name: string,
  main: () => Promise<void>,
  target: Pick<SignalTarget, 'exit'> = process,
  stderr: { write(text: string): unknown } = process.stderr,
): void {
  main().catch((error: unknown) => {
    stderr.write(`tasksgodzilla ${name}: ${errorMessage(error)}\n`);
    target.exit(error instanceof ConfigError ? 2 : 1);
  });
}
