import type { CodexRunOut } from './client.types.js';

/** Job statuses after which a job never moves again. */
export const FINISHED_JOB_STATUSES: readonly CodexRunOut['status'][] = ['succeeded', 'failed', 'cancelled'];

export interface WaitForJobOptions {
  /** Between two reads of the job (default 500 ms). */
  intervalMs?: number;
  /** Give up after this long (default 0: no limit): rejects with a `JobWaitTimeoutError`. */
  timeoutMs?: number;
  /** Stops waiting: rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with each read of the job (progress output). */
  onPoll?: (run: CodexRunOut) => void;
  /** Milliseconds clock (tests may fake it); default Date.now. */
  now?: () => number;
}

/** `waitForJob` gave up: the job had not finished within `timeoutMs`. */
export class JobWaitTimeoutError extends Error {
  constructor(
    readonly jobId: string,
    readonly last: CodexRunOut,
    timeoutMs: number,
  ) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms (it is ${last.status})`);
    this.name = 'JobWaitTimeoutError';
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Reads the job (`read`, the client's getCodexRun) until it is succeeded, failed or cancelled, and
 * returns that last read. A read that fails (404, network) rejects with its error.
 */
export async function waitForJob(
  read: (jobId: string, signal: AbortSignal | undefined) => Promise<CodexRunOut>,
  jobId: string,
  options: WaitForJobOptions = {},
): Promise<CodexRunOut> {
  const { intervalMs = 500, timeoutMs = 0, signal, onPoll } = options;
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const run = await read(jobId, signal);
    onPoll?.(run);
    if (FINISHED_JOB_STATUSES.includes(run.status)) return run;
    if (timeoutMs > 0 && now() >= deadline) throw new JobWaitTimeoutError(jobId, run, timeoutMs);
    await pause(intervalMs, signal);
  }
}
