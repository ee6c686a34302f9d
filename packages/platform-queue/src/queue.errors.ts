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

/**
 * The attempt's worker stopped heartbeating and its lease expired: reclaim records it as a retryable
 * failure of that attempt (the job is queued again, or fails for good on its last attempt).
 */
export class LeaseExpiredError extends QueueError {
  constructor(owner: string | null, message?: string) {
    super(message ?? `lease expired: worker ${owner ?? '(unknown)'} stopped heartbeating`, {
      code: 'lease_expired',
      retryable: true,
    });
  }

  /** The failure recorded on a reclaimed job, rebuilt from its ledger `error` column. */
  static recordedOn(job: { error: string | null }): LeaseExpiredError {
    const prefix = 'LeaseExpiredError: ';
    const text = job.error?.startsWith(prefix) ? job.error.slice(prefix.length) : job.error;
    return new LeaseExpiredError(null, text ?? undefined);
  }
}
