import { isApiError } from '@tasksgodzilla/client';
import { isAppError, redactUrlCredentials, ValidationError } from '@tasksgodzilla/core';
import { terminalSafe } from './terminal-text.js';
import { CommanderError } from 'commander';

export const EXIT_OK = 0;
/** A runtime or api failure: 404, 409, 5xx, unreachable api, a run that ended badly. */
export const EXIT_RUNTIME = 1;
/** A usage or validation problem: bad flag, missing argument, 400/422 from the api. */
export const EXIT_USAGE = 2;

/** A command-line value the cli rejects before calling the api (exit 2). */
export class UsageError extends ValidationError {
  constructor(message: string) {
    super(message, [], { code: 'usage_error' });
  }
}

/** A command that ran but whose outcome is a failure (e.g. `protocols wait` ended `blocked`). */
export class CommandFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailedError';
  }
}

/** Maps anything thrown by a command to the process exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (isApiError(error)) {
    // 400 and 422 are the caller's input; every other answer (404, 409, 401, 5xx) or no answer is a runtime failure.
    return error.category === 'validation' ? EXIT_USAGE : EXIT_RUNTIME;
  }
  if (isAppError(error))
    return error.category === 'validation' || error.category === 'config' ? EXIT_USAGE : EXIT_RUNTIME;
  return EXIT_RUNTIME;
}

/** The `error: …` line(s) printed on stderr; with verbose, request id, url and cause too. */
export function formatError(error: unknown, verbose: boolean): string {
  const lines: string[] = [];
  const message = error instanceof Error ? error.message : String(error);
  lines.push(`error: ${message}`);
  if (isApiError(error)) {
    if (error.status === 0 && error.code === 'network_error')
      lines.push(
        'hint: is the api running? Start it with `tgz-api` (or `npm run demo -- --keep` in the repository) or pass --api-base.',
      );
    if (error.status === 401)
      lines.push('hint: pass --token (TASKSGODZILLA_API_TOKEN) or --project-token (TASKSGODZILLA_PROJECT_TOKEN).');
    if (verbose) {
      if (error.method || error.url) lines.push(`request: ${error.method ?? ''} ${error.url ?? ''}`.trimEnd());
      if (error.requestId) lines.push(`request id: ${error.requestId}`);
      if (error.detail !== null && typeof error.detail !== 'string')
        lines.push(`detail: ${JSON.stringify(error.detail)}`);
    }
  }
  if (verbose && error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) lines.push(`cause: ${cause instanceof Error ? cause.message : String(cause)}`);
    if (!isAppError(error) && !(error instanceof CommandFailedError) && error.stack) lines.push(error.stack);
  }
  // Server messages and causes are shown safely, and no URL credentials (`--api-base http://user:pass@…`).
  return terminalSafe(redactUrlCredentials(lines.join('\n')));
}
