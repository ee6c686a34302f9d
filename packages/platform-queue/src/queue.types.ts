import type { Clock, IsoTimestamp, JobStatus, JsonObject, JsonValue, Page } from '@tasksgodzilla/core';
import type { Executor, JobRunRecord, SqlDialect } from '@tasksgodzilla/platform-storage';
import type { BackoffFn } from './backoff.js';
import type { JobTypeRegistry } from './job-types.js';
import type { WakeupWatch } from './wakeups.js';

export type QueueBackendName = 'embedded' | 'bullmq';

/**
 * A job as the queue reports it: core's JobRun plus `timeout_seconds`, `cancel_requested` and
 * `published_at`, as platform-storage's job-runs repository (the owner of job_runs) reads it.
 */
export type QueueJob = JobRunRecord;

/** A job claimed by one worker. `lease_owner` + `attempts` fence every write of this attempt. */
export interface ClaimedJob extends QueueJob {
  status: 'running';
  lease_owner: string;
  lease_expires_at: IsoTimestamp;
}

/** The caller's open transaction (platform-storage's StorageTx satisfies it). */
export interface QueueTx {
  readonly executor: Executor;
  afterCommit(fn: () => void | Promise<void>): void;
}

export interface EnqueueInput {
  /** A type registered in the queue's JobTypeRegistry. */
  job_type: string;
  /** Checked by the job type's schema; the parsed value is stored. */
  payload: Readonly<Record<string, unknown>>;
  /** Queue name (default `default`). */
  queue?: string;
  /** A second enqueue with the same key returns the first job instead of creating one (default: the job type's key). */
  idempotency_key?: string;
  /** Run no earlier than now + delay_ms. */
  delay_ms?: number;
  /** Run no earlier than this instant (exclusive with delay_ms). */
  run_at?: Date | IsoTimestamp;
  /** Higher runs first among due jobs (default 0). */
  priority?: number;
  max_attempts?: number;
  timeout_seconds?: number;
  /** Ledger links; default to the job type's links of the payload. */
  project_id?: number | null;
  protocol_run_id?: number | null;
  step_run_id?: number | null;
}

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: QueueTx;
}

export interface ListJobsRequest {
  status?: JobStatus;
  job_type?: string;
  queue?: string;
  /** Only jobs of these projects (the api's request scope); an empty list matches nothing. */
  project_ids?: readonly number[];
  limit?: number;
  cursor?: string | null;
}

export interface QueueStatsRequest {
  /** Count only jobs of these projects (the api's request scope); an empty list counts nothing. */
  project_ids?: readonly number[];
}

/** Counts of one queue, from the ledger. */
export interface QueueCounts {
  /** Waiting and due now. */
  queued: number;
  /** Waiting with run_at in the future (delayed jobs and pending retries). */
  delayed: number;
  /** Waiting (due or not) after at least one failed attempt: a subset of queued + delayed. */
  retrying: number;
  running: number;
  succeeded: number;
  /** The dead letter: non-retryable failures and exhausted retries. `retry()` requeues them. */
  failed: number;
  cancelled: number;
}

export interface QueueStats {
  backend: QueueBackendName;
  /** One entry per queue name that has jobs, plus `default` always. */
  queues: { default: QueueCounts } & Record<string, QueueCounts>;
}

export interface JobUsage {
  tokens?: number;
  cost_cents?: number;
}

/** What a handler may return; everything is optional. */
export interface HandlerResult {
  result?: JsonValue;
  log_path?: string;
  usage?: JobUsage;
}

/** Facts about an attempt that are written to the ledger whatever its outcome. */
export interface AttemptReport {
  log_path?: string;
  usage?: JobUsage;
}

export interface ClaimOptions {
  workerId: string;
  leaseSeconds?: number;
  /** Queues to take jobs from (default `['default']`). */
  queues?: string[];
}

export interface HeartbeatResult {
  lease_expires_at: IsoTimestamp;
  cancel_requested: boolean;
}

/** In-process notifications, so a runner sharing the queue object reacts without waiting for a poll. */
export type QueueEvent =
  | { type: 'enqueued'; queue: string; run_id: string }
  | { type: 'cancel_requested'; run_id: string };

export interface QueueDefaults {
  maxAttempts: number;
  timeoutSeconds: number;
  leaseSeconds: number;
}

/**
 * The queue port. Producers and the api use enqueue/get/list/stats/cancel/retry; the worker runner
 * uses claim/heartbeat/complete/fail/markCancelled/release/reclaimExpired/publishPending.
 */
export interface JobQueue {
  readonly backend: QueueBackendName;
  readonly defaults: Readonly<QueueDefaults>;
  readonly clock: Clock;
  /** The job types this queue accepts; payloads are checked by them at enqueue and at dequeue. */
  readonly jobTypes: JobTypeRegistry;

  /** ValidationError for an unregistered job type, a bad payload or bad options; nothing is written then. */
  enqueue(input: EnqueueInput, options?: EnqueueOptions): Promise<QueueJob>;
  /** NotFoundError when missing. */
  get(runId: string): Promise<QueueJob>;
  find(runId: string): Promise<QueueJob | null>;
  /** Newest first; limit 1..500 (default 50); `cursor` from the previous page's next_cursor. */
  list(request?: ListJobsRequest): Promise<Page<QueueJob>>;
  /** Counts per queue and status from the ledger; `project_ids` narrows them to those projects' jobs. */
  stats(request?: QueueStatsRequest): Promise<QueueStats>;
  /** queued → cancelled at once; running → cancel requested (the runner aborts the handler). */
  cancel(runId: string, reason?: string): Promise<QueueJob>;
  /** failed/cancelled → queued again with attempts reset. */
  retry(runId: string): Promise<QueueJob>;

  claim(options: ClaimOptions): Promise<ClaimedJob | null>;
  /** The earliest run_at among queued jobs of these queues (default `['default']`), due or not; null when none. */
  nextRunAt(queues?: string[]): Promise<string | null>;
  /** Renews the lease; LeaseLostError when this attempt no longer owns the job. */
  heartbeat(job: ClaimedJob, leaseSeconds?: number): Promise<HeartbeatResult>;
  complete(job: ClaimedJob, outcome?: HandlerResult): Promise<QueueJob>;
  /**
   * `complete`, then the next claim as `claim(next)` would (embedded: in the same commit, saving one
   * per job; BullMQ: the job of the message its acknowledgement fetched, claimed in the same
   * transaction, else null and claims come off Redis through `claim`). `searched` is true when the
   * claim looked at the queued jobs (embedded): a null `next` then means none was due. LeaseLostError
   * like `complete`, and then nothing was claimed.
   */
  completeAndClaim(
    job: ClaimedJob,
    outcome: HandlerResult | undefined,
    next: ClaimOptions,
  ): Promise<{ job: QueueJob; next: ClaimedJob | null; searched?: boolean }>;
  /** Retryable error with attempts left → queued with backoff; otherwise → failed (dead letter). See `willRetry`. */
  fail(job: ClaimedJob, error: unknown, report?: AttemptReport): Promise<QueueJob>;
  markCancelled(job: ClaimedJob, reason?: string, report?: AttemptReport): Promise<QueueJob>;
  /** Gives the job back (worker shutting down): queued, due now, the attempt not counted. */
  release(job: ClaimedJob, report?: AttemptReport): Promise<QueueJob>;
  /** Running jobs whose lease expired go back to queued (or failed when out of attempts). */
  reclaimExpired(limit?: number): Promise<QueueJob[]>;
  /** Outbox relay: publishes queued jobs the transport has not received (no-op when embedded). */
  publishPending(options?: { reconcile?: boolean; limit?: number }): Promise<number>;
  /** In-process events: jobs enqueued (and requeued) through this queue object, cancel requests. */
  subscribe(listener: (event: QueueEvent) => void): () => void;
  /**
   * Wake-ups from other processes (embedded backend: unix sockets beside a SQLite file, LISTEN/NOTIFY on
   * PostgreSQL): `handler(queue)` when a job of that queue may be due, `handler(null)` when the channel
   * came up or went down. `live` tells whether wake-ups arrive now; while false, a worker must poll.
   */
  watch(handler: (queue: string | null) => void): WakeupWatch;
  close(): Promise<void>;
}

export interface QueueLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What both backends take: the ledger's database, the job types, and the shared policies. */
export interface CommonQueueOptions {
  /** The database holding the ledger (and, when embedded, the queue). */
  db: Executor;
  dialect: SqlDialect;
  /** The job types the queue accepts (the same registry for both backends and every worker). */
  jobTypes: JobTypeRegistry;
  clock?: Clock;
  defaults?: Partial<QueueDefaults>;
  backoff?: BackoffFn;
  logger?: QueueLogger;
}

export interface EmbeddedQueueOptions extends CommonQueueOptions {
  backend: 'embedded';
  /**
   * How idle workers in other processes learn of new jobs. SQLite: unix sockets in a folder beside the
   * database file (`sqlitePath`, default: the file the connection has open). PostgreSQL: LISTEN on a
   * dedicated connection to `postgresUrl` (without it, workers poll; enqueues still NOTIFY).
   * `false`: polling only.
   */
  wakeups?: { sqlitePath?: string; postgresUrl?: string } | false;
}

export interface BullmqQueueOptions extends CommonQueueOptions {
  backend: 'bullmq';
  redisUrl: string;
  /** Redis key prefix of the BullMQ queues (config `queuePrefix`, default `tgz`). */
  prefix?: string;
}

export type CreateQueueOptions = EmbeddedQueueOptions | BullmqQueueOptions;

/** The job a handler receives: the claimed ledger row with its payload parsed by its job type's schema. */
export type ActiveJob<P = JsonObject> = ClaimedJob & { payload: P };
