import type { JsonObject } from '@tasksgodzilla/core';
import type { JobPayloadOf, JobTypeMap } from './job-types.js';
import type { ActiveJob, HandlerResult, JobQueue, JobUsage, QueueJob, QueueLogger } from './queue.types.js';

export interface JobContext {
  /** Aborted on timeout, cancellation, lease loss and worker shutdown; `signal.reason` is the AppError. */
  readonly signal: AbortSignal;
  readonly workerId: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** The runner's logger bound to run_id, job_type and attempt. */
  readonly log: QueueLogger;
  /** Renews the lease now (the runner also does it on a timer); LeaseLostError when it was lost. */
  heartbeat(): Promise<void>;
  /** Recorded in the ledger whatever the outcome. */
  setLogPath(path: string): void;
  /** Adds tokens / cents to the ledger row (summed over attempts), whatever the outcome. */
  addUsage(usage: JobUsage): void;
  /**
   * Whether the runner retries this attempt if the handler throws `error` now: the queue's one retry
   * rule (`willRetry`: retryable and attempts left). False means the job would fail for good and
   * `onFinalFailure` be called; a handler may instead record the failure itself and return.
   */
  willRetry(error: unknown): boolean;
}

/**
 * Runs one attempt of a job; `P` is the payload its job type's schema produces. (Method syntax, so a
 * handler of one job type's payload fits the by-name map of all of them.)
 */
export type JobHandler<P = JsonObject> = {
  run(job: ActiveJob<P>, ctx: JobContext): Promise<HandlerResult | void>;
}['run'];
/** Handlers by job type name. */
export type JobHandlers = { readonly [jobType: string]: JobHandler<Record<string, unknown>> | undefined };
/** Handlers typed by a job type map: each receives its own type's payload. */
export type JobHandlersOf<M extends JobTypeMap> = { [K in keyof M]?: JobHandler<JobPayloadOf<M[K]>> };

/** How an attempt ended, as seen by metrics (`completed`, `retried`, `failed` are the original's labels). */
export type JobOutcome = 'completed' | 'retried' | 'failed' | 'cancelled' | 'lease_lost' | 'released';

/** Telemetry plugs in here (prom-client lives in platform-telemetry, not in this package). */
export interface JobMetricsHooks {
  onJobStarted?(jobType: string): void;
  onJobFinished?(jobType: string, outcome: JobOutcome, durationSeconds: number): void;
}

export interface WorkerRunnerOptions {
  queue: JobQueue;
  handlers: JobHandlers;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** First idle wait between polls (default 250 ms); doubles while idle up to maxPollIntervalMs. */
  pollIntervalMs?: number;
  /** Longest idle wait while polling (default 2000 ms). */
  maxPollIntervalMs?: number;
  /**
   * The fallback poll while the queue's wake-ups from other processes arrive (`queue.watch(…).live`):
   * the idle wait when nothing is delayed sooner (default maxPollIntervalMs). Jobs enqueued in this
   * process, wake-ups and the earliest delayed job end the wait sooner.
   */
  wakeupPollIntervalMs?: number;
  /** Lease of a claimed job (default: the queue's defaults.leaseSeconds). */
  leaseSeconds?: number;
  /** Heartbeat period (default a third of the lease). */
  heartbeatIntervalMs?: number;
  /** How often the BullMQ relay also reconciles published jobs with Redis (default 30000 ms). */
  reconcileIntervalMs?: number;
  /** How long an aborted handler may take to settle before the runner records the outcome anyway (default 5000 ms). */
  abortGraceMs?: number;
  /** Default `<hostname>:<pid>:<random>`. */
  workerId?: string;
  /** Queues to take jobs from (default `['default']`). */
  queues?: string[];
  logger?: QueueLogger;
  metrics?: JobMetricsHooks;
  /**
   * Called exactly once for each job this runner's queue moved to `failed` for good (the dead letter),
   * after the ledger records it: a handler's non-retryable error or failure on the last attempt, a
   * timeout on the last attempt, a stored payload that no longer validates, a job type without a
   * handler, and a job whose worker died on its last attempt (reclaimed; `error` is then a
   * LeaseExpiredError). Never for a failure that will be retried, a cancel, a release or a lost lease.
   * A throwing hook is logged; the job stays failed.
   */
  onFinalFailure?: (job: QueueJob, error: unknown) => Promise<void> | void;
  /**
   * Called for each job this runner recorded as cancelled (a cancel request stopped its handler, or
   * reclaim found its worker gone after a cancel request), so the owner can move the job's subject on.
   * A job cancelled while still queued never reaches a runner: whoever cancels it reports it.
   */
  onCancelled?: (job: QueueJob) => Promise<void> | void;
}

export interface StopOptions {
  /** Wait for running jobs (up to timeoutMs) before releasing them (default true). */
  graceful?: boolean;
  /** Default 30000 ms. */
  timeoutMs?: number;
}

export interface WorkerRunner {
  readonly workerId: string;
  /** Jobs claimed and not yet finished. */
  readonly activeJobs: number;
  readonly started: boolean;
  /** Starts the poll loop (idempotent). */
  start(): void;
  /** Stops claiming, waits for running jobs up to the timeout, then releases (requeues) the rest. */
  stop(options?: StopOptions): Promise<void>;
  /** One poll: reclaim, relay, claim up to `concurrency` due jobs and wait for them. Returns the number run. */
  runOnce(): Promise<number>;
  /** runOnce until nothing is due. Returns the number of jobs run. */
  drain(): Promise<number>;
}
