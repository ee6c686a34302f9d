import {
  ConflictError,
  JOB_TRANSITIONS,
  NotFoundError,
  assertTransition,
  isJobStatus,
  isRetryable,
  type Clock,
  type Page,
  randomHex,
} from '@tasksgodzilla/core';
import {
  createJobRunRepository,
  type AttemptPatch,
  type EnqueueRowOptions,
  type Executor,
  type JobRunRepository,
  type NewQueuedJob,
  type SqlDialect,
} from '@tasksgodzilla/platform-storage';
import type { BackoffFn } from './backoff.js';
import { LeaseExpiredError, LeaseLostError } from './queue.errors.js';
import type {
  AttemptReport,
  ClaimedJob,
  HandlerResult,
  HeartbeatResult,
  ListJobsRequest,
  QueueCounts,
  QueueJob,
  QueueStats,
  QueueStatsRequest,
} from './queue.types.js';

// The ledger state machine of both backends: which status a job moves to, when it is retried, and
// how attempts are fenced. The SQL on job_runs is platform-storage's job-runs repository (the table's
// one owner); this module only decides.

export type NewJobValues = NewQueuedJob;

export type FailOutcome = 'retried' | 'failed';

/** `Name: message`, the text stored in the ledger's error column. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The queue's one answer to "is this failure retried?": a retryable error (core's `isRetryable`)
 * with attempts left. Everything else fails for good (the dead letter).
 */
export function willRetry(job: Pick<QueueJob, 'attempts' | 'max_attempts'>, error: unknown): boolean {
  return isRetryable(error) && job.attempts < job.max_attempts;
}

/** What reclaiming an expired lease did with the job. */
export interface ReclaimResult {
  job: QueueJob;
  outcome: FailOutcome | 'cancelled';
  /** The LeaseExpiredError recorded as the attempt's failure (absent when cancelled). */
  error?: LeaseExpiredError;
}

/** What claiming a job by id found: the claimed job, a job queued for later, or nothing to claim. */
export type ClaimByIdOutcome = { claimed: ClaimedJob } | { notDueUntil: string } | { gone: true };

export interface Ledger {
  readonly db: Executor;
  readonly dialect: SqlDialect;
  readonly clock: Clock;
  insert(
    executor: Executor,
    values: NewJobValues,
    options?: EnqueueRowOptions,
  ): Promise<{ job: QueueJob; created: boolean }>;
  /** How many jobs of this type are linked to the subject (its step, run or project). */
  countForSubject(
    executor: Executor,
    jobType: string,
    subject: { step_run_id?: number; protocol_run_id?: number; project_id?: number },
  ): Promise<number>;
  find(runId: string): Promise<QueueJob | null>;
  get(runId: string): Promise<QueueJob>;
  list(request: ListJobsRequest): Promise<Page<QueueJob>>;
  stats(request: QueueStatsRequest): Promise<QueueStats['queues']>;
  claimNext(workerId: string, leaseSeconds: number, queues: string[]): Promise<ClaimedJob | null>;
  /** The earliest run_at of the queued jobs of these queues, or null. */
  nextRunAt(queues: string[]): Promise<string | null>;
  claimById(runId: string, workerId: string, leaseSeconds: number): Promise<ClaimByIdOutcome>;
  heartbeat(job: ClaimedJob, leaseSeconds: number): Promise<HeartbeatResult>;
  complete(job: ClaimedJob, outcome: HandlerResult): Promise<QueueJob>;
  /** `complete`, then `claimNext` in the same commit (nothing claimed when the completion is refused). */
  completeAndClaimNext(
    job: ClaimedJob,
    outcome: HandlerResult,
    workerId: string,
    leaseSeconds: number,
    queues: string[],
  ): Promise<{ job: QueueJob; next: ClaimedJob | null; searched: true }>;
  /**
   * `complete`, then `claimById(runId)` in the same commit. LeaseLostError like `complete`, and then
   * nothing is claimed.
   */
  completeAndClaimById(
    job: ClaimedJob,
    outcome: HandlerResult,
    runId: string,
    workerId: string,
    leaseSeconds: number,
  ): Promise<{ job: QueueJob; next: ClaimByIdOutcome }>;
  fail(job: ClaimedJob, error: unknown, report: AttemptReport): Promise<{ job: QueueJob; outcome: FailOutcome }>;
  markCancelled(job: ClaimedJob, reason: string, report: AttemptReport): Promise<QueueJob>;
  release(job: ClaimedJob, report: AttemptReport): Promise<QueueJob>;
  reclaimExpired(limit: number): Promise<ReclaimResult[]>;
  cancel(runId: string, reason: string): Promise<QueueJob>;
  retry(runId: string): Promise<QueueJob>;
  listUnpublished(limit: number): Promise<QueueJob[]>;
  listPublishedQueued(limit: number): Promise<QueueJob[]>;
  /** Records that these jobs' current spells are in the transport (one statement per batch). */
  markPublished(jobs: readonly QueueJob[]): Promise<void>;
}

export interface LedgerOptions {
  db: Executor;
  dialect: SqlDialect;
  clock: Clock;
  backoff: BackoffFn;
}

export function emptyCounts(): QueueCounts {
  return { queued: 0, delayed: 0, retrying: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
}

function jobNotFound(runId: string): NotFoundError {
  return new NotFoundError(`Job ${runId} not found`, { code: 'job_not_found', details: { run_id: runId } });
}

export function createLedger(options: LedgerOptions): Ledger {
  const { db, dialect, clock, backoff } = options;
  const jobRuns: JobRunRepository = createJobRunRepository({ db, dialect, clock });
  const repositoryIn = (executor: Executor) =>
    executor === db ? jobRuns : createJobRunRepository({ db: executor, dialect, clock });
  const plus = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const now = () => clock.now().toISOString();

  const reported = (report: AttemptReport): AttemptPatch => ({
    ...(report.log_path !== undefined ? { log_path: report.log_path } : {}),
    ...(report.usage !== undefined ? { usage: report.usage } : {}),
  });

  /** One fenced write of a claimed attempt; LeaseLostError when the attempt no longer owns the row. */
  const fenced = async (job: ClaimedJob, patch: AttemptPatch): Promise<QueueJob> => {
    const updated = await jobRuns.updateAttempt(job, patch);
    if (!updated) throw new LeaseLostError(job.run_id);
    return updated;
  };

  // Each claim's own owner token (the fence of its writes): unique per ledger without a random draw per claim.
  const leasePrefix = randomHex(4);
  let leases = 0;
  const lease = (workerId: string, seconds: number) => ({
    owner: `${workerId}/${leasePrefix}${(++leases).toString(36)}`,
    seconds,
  });

  const fail = async (
    job: ClaimedJob,
    error: unknown,
    report: AttemptReport,
  ): Promise<{ job: QueueJob; outcome: FailOutcome }> => {
    const common: AttemptPatch = { ...reported(report), error: describeError(error), end_lease: true };
    if (willRetry(job, error)) {
      const delay = Math.max(0, Math.round(backoff(job.attempts)));
      const updated = await fenced(job, { ...common, status: 'queued', run_at: plus(delay), unpublish: true });
      return { job: updated, outcome: 'retried' };
    }
    const updated = await fenced(job, { ...common, status: 'failed', finished_at: now() });
    return { job: updated, outcome: 'failed' };
  };

  const markCancelled = (job: ClaimedJob, reason: string, report: AttemptReport) =>
    fenced(job, { ...reported(report), status: 'cancelled', error: reason, finished_at: now(), end_lease: true });

  const find = (runId: string) => jobRuns.find(runId);

  const completion = (outcome: HandlerResult): AttemptPatch => ({
    ...reported(outcome),
    status: 'succeeded',
    result: outcome.result === undefined ? null : outcome.result,
    error: null,
    finished_at: now(),
    end_lease: true,
  });

  return {
    db,
    dialect,
    clock,

    async insert(executor, values, insertOptions) {
      // The executor (the caller's transaction, or the database) rides in the options: no repository per transaction.
      const result = await jobRuns.enqueue(values, executor === db ? insertOptions : { ...insertOptions, executor });
      if (!result.created && result.job.job_type !== values.job_type) {
        throw new ConflictError(
          `Idempotency key ${values.idempotency_key} already belongs to a ${result.job.job_type} job`,
          { code: 'idempotency_conflict', details: { run_id: result.job.run_id, job_type: result.job.job_type } },
        );
      }
      return result;
    },

    countForSubject: (executor, jobType, subject) => repositoryIn(executor).count({ job_type: jobType, ...subject }),

    find,

    async get(runId) {
      const job = await find(runId);
      if (!job) throw jobNotFound(runId);
      return job;
    },

    list: ({ limit, cursor, ...filter }) => jobRuns.list(filter, { limit, cursor }),

    async stats(request) {
      const queues: QueueStats['queues'] = { default: emptyCounts() };
      for (const row of await jobRuns.queueCounts(request)) {
        const counts = (queues[row.queue] ??= emptyCounts());
        if (row.status === 'queued') {
          counts.queued += row.count - row.delayed;
          counts.delayed += row.delayed;
          counts.retrying += row.retried;
        } else if (isJobStatus(row.status)) {
          counts[row.status] += row.count;
        }
      }
      return queues;
    },

    async claimNext(workerId, leaseSeconds, queues) {
      return (await jobRuns.claimNext(queues, lease(workerId, leaseSeconds))) as ClaimedJob | null;
    },

    nextRunAt: (queues) => jobRuns.nextRunAt(queues),

    async claimById(runId, workerId, leaseSeconds) {
      const result = await jobRuns.claimById(runId, lease(workerId, leaseSeconds));
      return 'claimed' in result ? { claimed: result.claimed as ClaimedJob } : result;
    },

    async heartbeat(job, leaseSeconds) {
      const updated = await fenced(job, { lease_seconds: leaseSeconds });
      return {
        lease_expires_at: updated.lease_expires_at ?? plus(leaseSeconds * 1000),
        cancel_requested: updated.cancel_requested,
      };
    },

    complete: (job, outcome) => fenced(job, completion(outcome)),

    async completeAndClaimNext(job, outcome, workerId, leaseSeconds, queues) {
      const { updated, next } = await jobRuns.updateAttemptAndClaimNext(
        job,
        completion(outcome),
        queues,
        lease(workerId, leaseSeconds),
      );
      if (!updated) throw new LeaseLostError(job.run_id);
      return { job: updated, next: next as ClaimedJob | null, searched: true };
    },

    async completeAndClaimById(job, outcome, runId, workerId, leaseSeconds) {
      const { updated, next } = await jobRuns.updateAttemptAndClaimById(
        job,
        completion(outcome),
        runId,
        lease(workerId, leaseSeconds),
      );
      if (!updated || !next) throw new LeaseLostError(job.run_id);
      return { job: updated, next: 'claimed' in next ? { claimed: next.claimed as ClaimedJob } : next };
    },

    fail,
    markCancelled,

    release(job, report) {
      return fenced(job, {
        ...reported(report),
        status: 'queued',
        uncount_attempt: true,
        run_at: now(),
        end_lease: true,
        unpublish: true,
      });
    },

    async reclaimExpired(limit) {
      const out: ReclaimResult[] = [];
      for (const row of await jobRuns.listExpiredLeases(limit)) {
        const stale = row as ClaimedJob;
        try {
          if (stale.cancel_requested) {
            out.push({
              job: await markCancelled(stale, 'cancelled by request (worker lost before it stopped)', {}),
              outcome: 'cancelled',
            });
          } else {
            const error = new LeaseExpiredError(stale.lease_owner);
            out.push({ ...(await fail(stale, error, {})), error });
          }
        } catch (error) {
          // Another worker reclaimed it first, or the owner renewed just in time.
          if (!(error instanceof LeaseLostError)) throw error;
        }
      }
      return out;
    },

    async cancel(runId, reason) {
      for (let round = 0; round < 5; round++) {
        const current = await find(runId);
        if (!current) throw jobNotFound(runId);
        if (current.status === 'cancelled') return current;
        if (current.status === 'running' && current.cancel_requested) return current;
        assertTransition('job', JOB_TRANSITIONS, current.status, 'cancelled');
        const updated = await jobRuns.cancel(runId, current.status as 'queued' | 'running', reason);
        if (updated) return updated;
        // Lost a race with a claim or a finish: look again.
      }
      throw new ConflictError(`Job ${runId} kept changing while being cancelled`, {
        code: 'job_status_conflict',
        retryable: true,
      });
    },

    async retry(runId) {
      const requeued = await jobRuns.requeue(runId);
      if (requeued) return requeued;
      const current = await find(runId);
      if (!current) throw jobNotFound(runId);
      throw new ConflictError(`Job ${runId} is ${current.status}: only failed or cancelled jobs can be retried`, {
        code: 'illegal_transition',
        details: { kind: 'job', from: current.status, to: 'queued', allowed: ['failed', 'cancelled'] },
      });
    },

    listUnpublished: (limit) => jobRuns.listQueued(false, limit),
    listPublishedQueued: (limit) => jobRuns.listQueued(true, limit),
    markPublished: (jobs) => jobRuns.markPublished(jobs),
  };
}
