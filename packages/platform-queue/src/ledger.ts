import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import {
  ConflictError,
  JOB_TRANSITIONS,
  NotFoundError,
  QueueError,
  assertTransition,
  isJobStatus,
  isRetryable,
  type Clock,
  type JobStatus,
  type JsonObject,
  type JsonValue,
  type Page,
} from '@tasksgodzilla/core';
import {
  clampLimit,
  decodeCursor,
  encodeCursor,
  type Executor,
  type JobRunsTable,
  type SqlDialect,
} from '@tasksgodzilla/platform-storage';
import type { BackoffFn } from './backoff.js';
import { LeaseLostError } from './queue.errors.js';
import type {
  AttemptReport,
  ClaimedJob,
  HandlerResult,
  HeartbeatResult,
  ListJobsRequest,
  QueueCounts,
  QueueDefaults,
  QueueJob,
  QueueStats,
  QueueStatsRequest,
} from './queue.types.js';

// The ledger state machine: every job status change of both backends goes through this module, as a
// compare-and-swap on job_runs. Writes of a claimed attempt are fenced by (lease_owner, attempts).

type Row = Selectable<JobRunsTable>;

export interface NewJobValues {
  run_id: string;
  job_type: string;
  queue: string;
  params: JsonObject;
  idempotency_key: string | null;
  priority: number;
  run_at: string;
  max_attempts: number;
  timeout_seconds: number;
  project_id: number | null;
  protocol_run_id: number | null;
  step_run_id: number | null;
}

export type FailOutcome = 'retried' | 'failed';

function parseJson(text: string | null): JsonValue | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function toQueueJob(row: Row): QueueJob {
  const params = parseJson(row.params);
  return {
    run_id: row.run_id,
    job_type: row.job_type,
    status: (isJobStatus(row.status) ? row.status : 'failed') as JobStatus,
    queue: row.queue,
    attempts: Number(row.attempts),
    max_attempts: Number(row.max_attempts),
    params: params !== null && typeof params === 'object' && !Array.isArray(params) ? params : null,
    result: parseJson(row.result),
    error: row.error,
    log_path: row.log_path,
    prompt_version: row.prompt_version,
    cost_tokens: num(row.cost_tokens),
    cost_cents: num(row.cost_cents),
    project_id: num(row.project_id),
    protocol_run_id: num(row.protocol_run_id),
    step_run_id: num(row.step_run_id),
    idempotency_key: row.idempotency_key,
    priority: Number(row.priority),
    run_at: row.run_at,
    lease_owner: row.lease_owner,
    lease_expires_at: row.lease_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    timeout_seconds: num(row.timeout_seconds),
    cancel_requested: Number(row.cancel_requested) === 1,
    published_at: row.published_at,
  };
}

/** `Name: message`, the text stored in the ledger's error column. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Treated like any retryable failure: the worker holding the job vanished. */
export class LeaseExpiredError extends QueueError {
  constructor(owner: string | null) {
    super(`lease expired: worker ${owner ?? '(unknown)'} stopped heartbeating`, {
      code: 'lease_expired',
      retryable: true,
    });
  }
}

export interface Ledger {
  readonly db: Executor;
  readonly dialect: SqlDialect;
  readonly clock: Clock;
  insert(executor: Executor, values: NewJobValues): Promise<{ job: QueueJob; created: boolean }>;
  find(runId: string, executor?: Executor): Promise<QueueJob | null>;
  get(runId: string): Promise<QueueJob>;
  list(request: ListJobsRequest): Promise<Page<QueueJob>>;
  stats(request: QueueStatsRequest): Promise<QueueStats['queues']>;
  claimNext(workerId: string, leaseSeconds: number, queues: string[]): Promise<ClaimedJob | null>;
  claimById(
    runId: string,
    workerId: string,
    leaseSeconds: number,
  ): Promise<{ claimed: ClaimedJob } | { notDueUntil: string } | { gone: true }>;
  heartbeat(job: ClaimedJob, leaseSeconds: number): Promise<HeartbeatResult>;
  complete(job: ClaimedJob, outcome: HandlerResult): Promise<QueueJob>;
  fail(job: ClaimedJob, error: unknown, report: AttemptReport): Promise<{ job: QueueJob; outcome: FailOutcome }>;
  markCancelled(job: ClaimedJob, reason: string, report: AttemptReport): Promise<QueueJob>;
  release(job: ClaimedJob, report: AttemptReport): Promise<QueueJob>;
  reclaimExpired(limit: number): Promise<{ job: QueueJob; outcome: FailOutcome | 'cancelled' }[]>;
  cancel(runId: string, reason: string): Promise<QueueJob>;
  retry(runId: string): Promise<QueueJob>;
  listUnpublished(limit: number): Promise<QueueJob[]>;
  listPublishedQueued(limit: number): Promise<QueueJob[]>;
  markPublished(job: QueueJob): Promise<void>;
}

export interface LedgerOptions {
  db: Executor;
  dialect: SqlDialect;
  clock: Clock;
  defaults: QueueDefaults;
  backoff: BackoffFn;
}

export function emptyCounts(): QueueCounts {
  return { queued: 0, delayed: 0, retrying: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
}

export function createLedger(options: LedgerOptions): Ledger {
  const { db, dialect, clock, backoff } = options;
  const now = () => clock.now().toISOString();
  const plus = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  // SQLite needs BEGIN IMMEDIATE around read-then-write statements (the dialect's transaction mode),
  // so a writer never fails a lock upgrade; on PostgreSQL the short transaction costs nothing.
  const write = <T>(fn: (trx: Executor) => Promise<T>): Promise<T> => db.transaction().execute(fn);

  const usageSet = (report: AttemptReport) => {
    const set: Record<string, unknown> = {};
    if (report.log_path !== undefined) set.log_path = report.log_path;
    const tokens = report.usage?.tokens;
    if (tokens !== undefined && Number.isFinite(tokens))
      set.cost_tokens = sql<number>`coalesce(cost_tokens, 0) + ${Math.round(tokens)}`;
    const cents = report.usage?.cost_cents;
    if (cents !== undefined && Number.isFinite(cents)) set.cost_cents = sql<number>`coalesce(cost_cents, 0) + ${cents}`;
    return set;
  };

  /** One fenced update of a claimed attempt; LeaseLostError when the attempt no longer owns the row. */
  const fenced = async (job: ClaimedJob, set: Record<string, unknown>): Promise<QueueJob> => {
    const row = await write((trx) =>
      trx
        .updateTable('job_runs')
        .set({ ...set, updated_at: now() })
        .where('run_id', '=', job.run_id)
        .where('status', '=', 'running')
        .where('lease_owner', '=', job.lease_owner)
        .where('attempts', '=', job.attempts)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row) throw new LeaseLostError(job.run_id);
    return toQueueJob(row);
  };

  const leaseOwner = (workerId: string) => `${workerId}/${randomBytes(4).toString('hex')}`;

  const claimSet = (workerId: string, leaseSeconds: number) => {
    const at = now();
    return {
      status: 'running',
      lease_owner: leaseOwner(workerId),
      lease_expires_at: plus(leaseSeconds * 1000),
      attempts: sql<number>`attempts + 1`,
      started_at: at,
      finished_at: null,
      updated_at: at,
    };
  };

  const find = async (runId: string, executor: Executor = db): Promise<QueueJob | null> => {
    const row = await executor.selectFrom('job_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return row ? toQueueJob(row) : null;
  };

  const fail = async (
    job: ClaimedJob,
    error: unknown,
    report: AttemptReport,
  ): Promise<{ job: QueueJob; outcome: FailOutcome }> => {
    const retry = isRetryable(error) && job.attempts < job.max_attempts;
    const common = { ...usageSet(report), error: describeError(error), lease_owner: null, lease_expires_at: null };
    if (retry) {
      const delay = Math.max(0, Math.round(backoff(job.attempts)));
      const updated = await fenced(job, { ...common, status: 'queued', run_at: plus(delay), published_at: null });
      return { job: updated, outcome: 'retried' };
    }
    const updated = await fenced(job, { ...common, status: 'failed', finished_at: now() });
    return { job: updated, outcome: 'failed' };
  };

  const markCancelled = (job: ClaimedJob, reason: string, report: AttemptReport) =>
    fenced(job, {
      ...usageSet(report),
      status: 'cancelled',
      error: reason,
      finished_at: now(),
      lease_owner: null,
      lease_expires_at: null,
    });

  return {
    db,
    dialect,
    clock,

    async insert(executor, values) {
      const at = now();
      const row = {
        run_id: values.run_id,
        job_type: values.job_type,
        status: 'queued',
        queue: values.queue,
        attempts: 0,
        max_attempts: values.max_attempts,
        params: JSON.stringify(values.params),
        result: null,
        error: null,
        log_path: null,
        prompt_version: null,
        cost_tokens: null,
        cost_cents: null,
        project_id: values.project_id,
        protocol_run_id: values.protocol_run_id,
        step_run_id: values.step_run_id,
        idempotency_key: values.idempotency_key,
        priority: values.priority,
        run_at: values.run_at,
        timeout_seconds: values.timeout_seconds,
        lease_owner: null,
        lease_expires_at: null,
        cancel_requested: 0,
        published_at: null,
        created_at: at,
        updated_at: at,
        started_at: null,
        finished_at: null,
      };
      if (values.idempotency_key === null) {
        const inserted = await executor.insertInto('job_runs').values(row).returningAll().executeTakeFirstOrThrow();
        return { job: toQueueJob(inserted), created: true };
      }
      // ON CONFLICT DO NOTHING instead of catching a unique violation: on PostgreSQL a violation would
      // abort the caller's transaction. A concurrent insert of the same key waits for the other
      // transaction and then sees its row.
      const inserted = await executor
        .insertInto('job_runs')
        .values(row)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { job: toQueueJob(inserted), created: true };
      const existing = await executor
        .selectFrom('job_runs')
        .selectAll()
        .where('idempotency_key', '=', values.idempotency_key)
        .executeTakeFirst();
      if (!existing)
        throw new ConflictError(
          `Idempotency key ${values.idempotency_key} is being used by a concurrent enqueue; try again`,
          { code: 'idempotency_conflict', retryable: true },
        );
      if (existing.job_type !== values.job_type) {
        throw new ConflictError(
          `Idempotency key ${values.idempotency_key} already belongs to a ${existing.job_type} job`,
          {
            code: 'idempotency_conflict',
            details: { run_id: existing.run_id, job_type: existing.job_type },
          },
        );
      }
      return { job: toQueueJob(existing), created: false };
    },

    find,

    async get(runId) {
      const job = await find(runId);
      if (!job)
        throw new NotFoundError(`Job ${runId} not found`, { code: 'job_not_found', details: { run_id: runId } });
      return job;
    },

    async list(request) {
      const limit = clampLimit(request.limit);
      if (request.project_ids?.length === 0) return { items: [], next_cursor: null };
      let query = db.selectFrom('job_runs').selectAll();
      if (request.project_ids) query = query.where('project_id', 'in', [...request.project_ids]);
      if (request.status) query = query.where('status', '=', request.status);
      if (request.job_type) query = query.where('job_type', '=', request.job_type);
      if (request.queue) query = query.where('queue', '=', request.queue);
      if (request.cursor) {
        const key = decodeCursor<{ c: string; r: string }>(request.cursor, ['c', 'r']);
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', String(key.c)),
            eb.and([eb('created_at', '=', String(key.c)), eb('run_id', '<', String(key.r))]),
          ]),
        );
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('run_id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toQueueJob);
      const last = items[items.length - 1];
      return {
        items,
        next_cursor: rows.length > limit && last ? encodeCursor({ c: last.created_at, r: last.run_id }) : null,
      };
    },

    async stats(request) {
      const at = now();
      const queues: QueueStats['queues'] = { default: emptyCounts() };
      if (request.project_ids?.length === 0) return queues;
      let query = db.selectFrom('job_runs');
      if (request.project_ids) query = query.where('project_id', 'in', [...request.project_ids]);
      const rows = await query
        .select(['queue', 'status'])
        .select((eb) => [
          eb.fn.countAll().as('n'),
          eb.fn.sum(eb.case().when('run_at', '>', at).then(1).else(0).end()).as('delayed'),
          eb.fn.sum(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('retrying'),
        ])
        .groupBy(['queue', 'status'])
        .execute();
      for (const row of rows) {
        const counts = (queues[row.queue] ??= emptyCounts());
        const n = Number(row.n);
        if (row.status === 'queued') {
          const delayed = Number(row.delayed ?? 0);
          counts.queued += n - delayed;
          counts.delayed += delayed;
          counts.retrying += Number(row.retrying ?? 0);
        } else if (isJobStatus(row.status)) {
          counts[row.status] += n;
        }
      }
      return queues;
    },

    async claimNext(workerId, leaseSeconds, queues) {
      const row = await write(async (trx) => {
        let next = trx
          .selectFrom('job_runs')
          .select('run_id')
          .where('status', '=', 'queued')
          .where('run_at', '<=', now())
          .where('queue', 'in', queues)
          .orderBy('priority', 'desc')
          .orderBy('run_at', 'asc')
          .orderBy('created_at', 'asc')
          .orderBy('run_id', 'asc')
          .limit(1);
        if (dialect === 'postgres') next = next.forUpdate().skipLocked();
        return trx
          .updateTable('job_runs')
          .set(claimSet(workerId, leaseSeconds))
          .where('run_id', '=', next)
          .where('status', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
      });
      return row ? (toQueueJob(row) as ClaimedJob) : null;
    },

    async claimById(runId, workerId, leaseSeconds) {
      return write(async (trx) => {
        const row = await trx
          .updateTable('job_runs')
          .set(claimSet(workerId, leaseSeconds))
          .where('run_id', '=', runId)
          .where('status', '=', 'queued')
          .where('run_at', '<=', now())
          .returningAll()
          .executeTakeFirst();
        if (row) return { claimed: toQueueJob(row) as ClaimedJob };
        const current = await find(runId, trx);
        if (current && current.status === 'queued') return { notDueUntil: current.run_at };
        return { gone: true as const };
      });
    },

    async heartbeat(job, leaseSeconds) {
      const updated = await fenced(job, { lease_expires_at: plus(leaseSeconds * 1000) });
      return {
        lease_expires_at: updated.lease_expires_at ?? plus(leaseSeconds * 1000),
        cancel_requested: updated.cancel_requested,
      };
    },

    complete(job, outcome) {
      return fenced(job, {
        ...usageSet(outcome),
        status: 'succeeded',
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: null,
        finished_at: now(),
        lease_owner: null,
        lease_expires_at: null,
      });
    },

    fail,
    markCancelled,

    release(job, report) {
      return fenced(job, {
        ...usageSet(report),
        status: 'queued',
        attempts: sql<number>`attempts - 1`,
        run_at: now(),
        lease_owner: null,
        lease_expires_at: null,
        published_at: null,
      });
    },

    async reclaimExpired(limit) {
      const rows = await db
        .selectFrom('job_runs')
        .selectAll()
        .where('status', '=', 'running')
        .where('lease_expires_at', '<', now())
        .orderBy('lease_expires_at', 'asc')
        .limit(limit)
        .execute();
      const out: { job: QueueJob; outcome: FailOutcome | 'cancelled' }[] = [];
      for (const row of rows) {
        const stale = toQueueJob(row) as ClaimedJob;
        try {
          if (stale.cancel_requested) {
            out.push({
              job: await markCancelled(stale, 'cancelled by request (worker lost before it stopped)', {}),
              outcome: 'cancelled',
            });
          } else {
            out.push(await fail(stale, new LeaseExpiredError(stale.lease_owner), {}));
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
        if (!current)
          throw new NotFoundError(`Job ${runId} not found`, { code: 'job_not_found', details: { run_id: runId } });
        if (current.status === 'cancelled') return current;
        if (current.status === 'running' && current.cancel_requested) return current;
        assertTransition('job', JOB_TRANSITIONS, current.status, 'cancelled');
        const at = now();
        const row = await write((trx) => {
          const base = trx.updateTable('job_runs').where('run_id', '=', runId).where('status', '=', current.status);
          return current.status === 'queued'
            ? base
                .set({ status: 'cancelled', error: reason, finished_at: at, updated_at: at })
                .returningAll()
                .executeTakeFirst()
            : base.set({ cancel_requested: 1, updated_at: at }).returningAll().executeTakeFirst();
        });
        if (row) return toQueueJob(row);
        // Lost a race with a claim or a finish: look again.
      }
      throw new ConflictError(`Job ${runId} kept changing while being cancelled`, {
        code: 'job_status_conflict',
        retryable: true,
      });
    },

    async retry(runId) {
      const at = now();
      const row = await write((trx) =>
        trx
          .updateTable('job_runs')
          .set({
            status: 'queued',
            attempts: 0,
            run_at: at,
            error: null,
            result: null,
            started_at: null,
            finished_at: null,
            cancel_requested: 0,
            lease_owner: null,
            lease_expires_at: null,
            published_at: null,
            updated_at: at,
          })
          .where('run_id', '=', runId)
          .where('status', 'in', ['failed', 'cancelled'])
          .returningAll()
          .executeTakeFirst(),
      );
      if (row) return toQueueJob(row);
      const current = await find(runId);
      if (!current)
        throw new NotFoundError(`Job ${runId} not found`, { code: 'job_not_found', details: { run_id: runId } });
      throw new ConflictError(`Job ${runId} is ${current.status}: only failed or cancelled jobs can be retried`, {
        code: 'illegal_transition',
        details: { kind: 'job', from: current.status, to: 'queued', allowed: ['failed', 'cancelled'] },
      });
    },

    async listUnpublished(limit) {
      const rows = await db
        .selectFrom('job_runs')
        .selectAll()
        .where('published_at', 'is', null)
        .where('status', '=', 'queued')
        .orderBy('run_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toQueueJob);
    },

    async listPublishedQueued(limit) {
      const rows = await db
        .selectFrom('job_runs')
        .selectAll()
        .where('published_at', 'is not', null)
        .where('status', '=', 'queued')
        .orderBy('run_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toQueueJob);
    },

    async markPublished(job) {
      await write((trx) =>
        trx
          .updateTable('job_runs')
          .set({ published_at: now() })
          .where('run_id', '=', job.run_id)
          .where('status', '=', 'queued')
          .where('attempts', '=', job.attempts)
          .where('published_at', 'is', null)
          .execute(),
      );
    },
  };
}
