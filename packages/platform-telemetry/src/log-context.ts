import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogContext, LogContextKey } from './telemetry.types.js';

/** The six correlation ids, in the order they appear on a log line. */
export const LOG_CONTEXT_KEYS: readonly LogContextKey[] = [
  'request_id',
  'job_id',
  'run_id',
  'project_id',
  'protocol_run_id',
  'step_run_id',
];

const EMPTY: Readonly<LogContext> = Object.freeze({});

// Created on first use, so importing the package allocates nothing.
let storage: AsyncLocalStorage<Readonly<LogContext>> | undefined;

function contextStorage(): AsyncLocalStorage<Readonly<LogContext>> {
  storage ??= new AsyncLocalStorage<Readonly<LogContext>>();
  return storage;
}

/**
 * Runs `fn` with `context` merged over the current one; every log line written inside it (across
 * awaits, timers and callbacks) carries the ids. Undefined or null values keep the outer value.
 */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  const merged: LogContext = { ...getLogContext() };
  for (const key of LOG_CONTEXT_KEYS) {
    const value = context[key];
    if (value !== undefined && value !== null) (merged as Record<LogContextKey, unknown>)[key] = value;
  }
  return contextStorage().run(Object.freeze(merged), fn);
}

/** The ids of the current async call chain (an empty object outside any withLogContext). */
export function getLogContext(): Readonly<LogContext> {
  return storage?.getStore() ?? EMPTY;
}
