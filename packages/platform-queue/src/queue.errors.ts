import { ConflictError, QueueError, type AppErrorOptions } from '@tasksgodzilla/core';

/**
 * The worker no longer holds the job: its lease expired and the job was reclaimed (or it was
 * released or cancelled). Whatever the stale worker tries to write is rejected.
 */
export class LeaseLostError extends ConflictError {
  constructor(runId: string, options: AppErrorOptions = {}) {
    super(`Lease lost on job ${runId}: another attempt owns it now`, {
      code: 'lease_lost',
      ...options,
      details: { run_id: runId, ...options.details },
    });
  }
}

/** A claimed job whose job_type has no handler in this worker. Never retried. */
export class UnknownJobTypeError extends QueueError {
  constructor(jobType: string) {
    super(`unknown job type: ${jobType}`, {
      code: 'unknown_job_type',
      retryable: false,
      details: { job_type: jobType },
    });
  }
}
