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
/** withLogContext calls whose `fn` has not settled yet. */
let activeScopes = 0;

function contextStorage(): AsyncLocalStorage<Readonly<LogContext>> {
  storage ??= new AsyncLocalStorage<Readonly<LogContext>>();
  return storage;
}

/**
 * The last scope to settle turns the storage off. On Node 20 an enabled AsyncLocalStorage installs
 * an async hook, which turns on V8's promise hooks for every promise of the process (a request that
 * runs in no scope paid 10-25% of its instructions for them, issue 12); disabled, promises cost nothing
 * extra. `run` enables it again on the next scope.
 */
function scopeSettled(): void {
  activeScopes -= 1;
  if (activeScopes === 0) storage?.disable();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` with `context` merged over the current one; every log line written inside it (across
 * awaits, timers and callbacks) carries the ids. Undefined or null values keep the outer value.
 *
 * The scope lasts until `fn` returns, or, when it returns a promise, until that promise settles.
 * Context tracking (and its promise hooks) is on only while at least one scope lasts: work `fn`
 * leaves running after it settled (a callback not awaited) keeps the ids only while some other
 * scope is still open.
 */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  const merged: LogContext = { ...getLogContext() };
  for (const key of LOG_CONTEXT_KEYS) {
    const value = context[key];
    if (value !== undefined && value !== null) (merged as Record<LogContextKey, unknown>)[key] = value;
  }
  const als = contextStorage();
  activeScopes += 1;
  let result: T;
  try {
    result = als.run(Object.freeze(merged), fn);
  } catch (error) {
    scopeSettled();
    throw error;
  }
  if (isThenable(result)) result.then(scopeSettled, scopeSettled);
  else scopeSettled();
  return result;
}

/** The ids of the current async call chain (an empty object outside any withLogContext). */
export function getLogContext(): Readonly<LogContext> {
  return storage?.getStore() ?? EMPTY;
}

/**
 * Whether context tracking is on: true while at least one withLogContext scope lasts. When false,
 * the log context adds no async hook to the process (no promise hooks).
 */
export function isLogContextTracking(): boolean {
  return activeScopes > 0;
}
