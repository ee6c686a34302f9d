import {
  ConflictError,
  JOB_STATUSES,
  JOB_TRANSITIONS,
  NotFoundError,
  ValidationError,
  assertTransition,
  type JobStatus,
  type JsonValue,
} from '@tasksgodzilla/core';
import { sql, type Compilable, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../database.types.js';
import { newestFirstPage } from '../pagination.js';
import { transactNow } from '../direct-reads.js';
import { reusableQuery } from '../reusable-query.js';
import type { JobRunsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { toJsonText } from './json.js';
import { toJobRun } from './mappers.js';
import { idFiltersValid, inTransaction, nowIso, requireFound, type RepositoryContext } from './repository-context.js';
import type {
  AttemptPatch,
  ClaimByIdResult,
  JobRunFilter,
  JobRunPatch,
  JobRunRecord,
  JobRunRepository,
  NewJobRun,
} from './repositories.types.js';
import {
  optionalInteger,
  optionalNumber,
  optionalObjectText,
  optionalText,
  optionalTimestamp,
  patchColumns,
  requireInteger,
  requireOneOf,
  requireText,
  type PatchColumns,
} from './validation.js';

// Migration 0009's indexes are partial: over the queued rows, the running rows, or the finished ones.
// SQLite only uses one when the query spells its condition as written there, so these do (a status
// as a literal, never a parameter; the finished condition as a term of its own).
const QUEUED = sql.lit('queued');
const RUNNING = sql.lit('running');
const FINISHED = sql<boolean>`status NOT IN ('queued', 'running')`;

/**
 * The next job to claim: queued, due, in one of `queues`, by priority (highest first), then run_at,
 * created_at and run_id. Migration 0009's idx_job_runs_queued_claim has this order, so the query stops
 * at the first due row instead of sorting the backlog.
 */
export function nextClaimable(db: Executor, queues: readonly string[], now: string) {
  return db
    .selectFrom('job_runs')
    .select('run_id')
    .where('status', '=', QUEUED)
    .where('run_at', '<=', now)
    .where('queue', 'in', [...queues])
    .orderBy('priority', 'desc')
    .orderBy('run_at', 'asc')
    .orderBy('created_at', 'asc')
    .orderBy('run_id', 'asc')
    .limit(1);
}

/**
 * Statuses counted from job_runs itself by `queueCounts`; every other status is counted by migration
 * 0006's triggers in job_queue_counts (the SQL of that migration spells the same list).
 */
const LIVE_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];

/**
 * Counts per queue and status (`n`, and of queued jobs how many are `delayed` past `at` and how many
 * ran before: `retried`), for `scope`'s projects or all. Finished jobs come from migration 0006's
 * counters (their shards summed), live ones (queued, running: the small set) from job_runs through
 * the status indexes, so the cost does not grow with history. One statement, so one snapshot on
 * PostgreSQL: a job finishing meanwhile is counted once.
 */
export function queueCountsQuery(db: Executor, at: string, scope: readonly number[] | null) {
  let finished = db
    .selectFrom('job_queue_counts')
    .select(['queue', 'status'])
    .select((eb) => [
      eb.fn.sum<number | string>('n').as('n'),
      sql<number | string>`0`.as('delayed'),
      sql<number | string>`0`.as('retried'),
    ])
    .groupBy(['queue', 'status'])
    .having((eb) => eb.fn.sum('n'), '<>', 0);
  if (scope) finished = finished.where('project_id', 'in', [...scope]);
  // One select per live status, each through its partial index (an `in` list would use none of them).
  const live = LIVE_STATUSES.map((status) => {
    let rows = db
      .selectFrom('job_runs')
      .select('queue')
      .select((eb) => [
        sql.lit(status).as('status'),
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string>(eb.case().when('run_at', '>', at).then(1).else(0).end()).as('delayed'),
        eb.fn.sum<number | string>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('retried'),
      ])
      .where('status', '=', sql.lit(status))
      .groupBy('queue');
    if (scope) rows = rows.where('project_id', 'in', [...scope]);
    return rows;
  });
  return live.reduce((all, rows) => all.unionAll(rows), finished);
}

/** `queueCountsQuery`, compiled once per database and scope length. */
const queueCountsReusable = reusableQuery((db, [at, scope]: [string, readonly number[]], shape) =>
  queueCountsQuery(db, at, shape === 'scoped' ? scope : null),
);

const byRunId = reusableQuery((db, [runId]: [string]) =>
  db.selectFrom('job_runs').selectAll().where('run_id', '=', runId),
);

/** Jobs marked published per statement (SQLite parses an `or` chain as nested terms: keep it short). */
const MARK_CHUNK = 100;

type LeaseValues = [owner: string, expiresAt: string, at: string];

const claimValues = (owner: string, expiresAt: string, at: string) => ({
  status: 'running',
  lease_owner: owner,
  lease_expires_at: expiresAt,
  attempts: sql<number>`attempts + 1`,
  started_at: at,
  finished_at: null,
  updated_at: at,
});

/** The claim of the next due job (`lock`: FOR UPDATE SKIP LOCKED, PostgreSQL), one statement. */
const claimNextReusable = reusableQuery(
  (db, [queues, owner, expiresAt, at]: [readonly string[], ...LeaseValues], shape) => {
    let next = nextClaimable(db, queues, at);
    if (shape === 'lock') next = next.forUpdate().skipLocked();
    return db
      .updateTable('job_runs')
      .set(claimValues(owner, expiresAt, at))
      .where('run_id', '=', next)
      .where('status', '=', 'queued')
      .returningAll();
  },
);

/** Why a claim by id took nothing: the row is queued for later, or no longer queued (gone). */
function laterOrGone(current: { status: string; run_at: string } | null | undefined): ClaimByIdResult {
  return current && current.status === 'queued' ? { notDueUntil: current.run_at } : { gone: true };
}

const claimByIdReusable = reusableQuery((db, [runId, owner, expiresAt, at]: [string, ...LeaseValues]) =>
  db
    .updateTable('job_runs')
    .set(claimValues(owner, expiresAt, at))
    .where('run_id', '=', runId)
    .where('status', '=', 'queued')
    .where('run_at', '<=', at)
    .returningAll(),
);

/**
 * The earliest run_at of a queue's queued jobs through the claim's own index (queue, priority desc,
 * run_at, …), without an index of its own (one fewer index entry per enqueue and claim): one seek per
 * distinct priority of the queue's queued jobs (each level's next lower priority, then its first
 * run_at), so the cost follows the number of priorities in use, not the backlog.
 */
const nextRunAtReusable = reusableQuery((db, [queue]: [string]) => {
  const query = sql<{ next: string | null }>`WITH RECURSIVE levels (priority) AS (
      SELECT max(priority) FROM job_runs WHERE status = 'queued' AND queue = ${queue}
      UNION ALL
      SELECT (SELECT max(j.priority) FROM job_runs j WHERE j.status = 'queued' AND j.queue = ${queue}
              AND j.priority < levels.priority)
      FROM levels WHERE levels.priority IS NOT NULL)
    SELECT min((SELECT min(j.run_at) FROM job_runs j WHERE j.status = 'queued' AND j.queue = ${queue}
                AND j.priority = levels.priority)) AS next
    FROM levels WHERE levels.priority IS NOT NULL`;
  return { compile: () => query.compile(db) };
});

/** Columns an attempt write adds to instead of setting (the value is the amount). */
const ADDED_COLUMNS: Readonly<Record<string, (amount: unknown) => unknown>> = {
  cost_tokens: (amount) => sql<number>`coalesce(cost_tokens, 0) + ${amount}`,
  cost_cents: (amount) => sql<number>`coalesce(cost_cents, 0) + ${amount}`,
  attempts: (amount) => sql<number>`attempts + ${amount}`,
};

type FenceValues = [values: readonly unknown[], runId: string, owner: string, attempts: number];

/** One fenced attempt write setting the columns `columns` (comma-separated) to `values`. */
function attemptUpdate(db: Executor, [values, runId, owner, attempts]: FenceValues, columns: string) {
  const set: Record<string, unknown> = {};
  columns.split(',').forEach((column, index) => {
    const added = ADDED_COLUMNS[column];
    set[column] = added ? added(values[index]) : values[index];
  });
  return db
    .updateTable('job_runs')
    .set(set)
    .where('run_id', '=', runId)
    .where('status', '=', 'running')
    .where('lease_owner', '=', owner)
    .where('attempts', '=', attempts)
    .returningAll();
}

/** One fenced attempt write; its shape is the list of columns it sets. */
const attemptReusable = reusableQuery((db, fence: FenceValues, shape) => attemptUpdate(db, fence, shape));

/**
 * PostgreSQL: a fenced attempt write and, only when it wrote a row, the claim of the next due job, as
 * one statement (data-modifying CTEs; both see the same snapshot, where the written job is still
 * running, so the claim never takes it). Rows come back with `role` 'done' or 'next'. Migration 0006's
 * statement triggers fire once for the statement, with both updates' rows in their transition tables.
 */
const attemptAndClaimReusable = reusableQuery(
  (
    db,
    [values, runId, owner, attempts, queues, ...lease]: [...FenceValues, readonly string[], ...LeaseValues],
    shape,
  ) => {
    const done = attemptUpdate(db, [values, runId, owner, attempts], shape);
    const next = db
      .updateTable('job_runs')
      .set(claimValues(...lease))
      .where('run_id', '=', nextClaimable(db, queues, lease[2]).forUpdate().skipLocked())
      .where('status', '=', 'queued')
      .where(sql<boolean>`exists (select 1 from done)`)
      .returningAll();
    const query = sql<Selectable<JobRunsTable> & { role: 'done' | 'next' }>`with done as (${done}), next as (${next})
      select 'done' as role, * from done union all select 'next' as role, * from next`;
    return { compile: () => query.compile(db) };
  },
);

/**
 * PostgreSQL: a fenced attempt write and, only when it wrote a row, the claim of job `nextId` (queued
 * and due), as one statement, like attemptAndClaimReusable. Rows come back with `role` 'done' or 'next'.
 */
const attemptAndClaimByIdReusable = reusableQuery(
  (db, [values, runId, owner, attempts, nextId, ...lease]: [...FenceValues, string, ...LeaseValues], shape) => {
    const done = attemptUpdate(db, [values, runId, owner, attempts], shape);
    const next = db
      .updateTable('job_runs')
      .set(claimValues(...lease))
      .where('run_id', '=', nextId)
      .where('status', '=', 'queued')
      .where('run_at', '<=', lease[2])
      .where(sql<boolean>`exists (select 1 from done)`)
      .returningAll();
    const query = sql<Selectable<JobRunsTable> & { role: 'done' | 'next' }>`with done as (${done}), next as (${next})
      select 'done' as role, * from done union all select 'next' as role, * from next`;
    return { compile: () => query.compile(db) };
  },
);

/** The columns of an enqueued row, in the order enqueueReusable takes their values. */
const ENQUEUE_COLUMNS = [
  'run_id',
  'job_type',
  'queue',
  'params',
  'idempotency_key',
  'priority',
  'run_at',
  'max_attempts',
  'timeout_seconds',
  'project_id',
  'protocol_run_id',
  'step_run_id',
  'status',
  'attempts',
  'created_at',
  'updated_at',
  'published_at',
] as const;

type EnqueueRow = { [K in (typeof ENQUEUE_COLUMNS)[number]]: string | number | null };

/**
 * The enqueue insert: ON CONFLICT DO NOTHING for an idempotent job (catching a unique violation would
 * abort the caller's transaction on PostgreSQL; a concurrent insert of the same key waits for the other
 * transaction and then sees its row), and PostgreSQL's notification in the statement (`notify`).
 */
const enqueueReusable = reusableQuery((db, [values, channel, payload]: [readonly unknown[], string, string], shape) => {
  const row = Object.fromEntries(ENQUEUE_COLUMNS.map((column, index) => [column, values[index]]));
  let insert = db.insertInto('job_runs').values(row as Insertable<JobRunsTable>);
  // Migration 0010's unique index is partial: the conflict target names its condition.
  if (shape.startsWith('idempotent'))
    insert = insert.onConflict((oc) =>
      oc.column('idempotency_key').where('idempotency_key', 'is not', null).doNothing(),
    );
  const all = insert.returningAll();
  return (
    shape.endsWith('notify') ? all.returning(sql<string>`pg_notify(${channel}, ${payload})::text`.as('notified')) : all
  ) as Compilable<Selectable<JobRunsTable>>;
});

export function jobRunNotFound(runId: string): NotFoundError {
  return new NotFoundError(`JobRun ${runId} not found`, { code: 'job_run_not_found', details: { run_id: runId } });
}

const PATCH_COLUMNS: PatchColumns<JobRunPatch, Updateable<JobRunsTable>> = {
  attempts: requireInteger,
  params: optionalObjectText,
  result: (_field, value) => toJsonText(value as JsonValue | null),
  error: optionalText,
  log_path: optionalText,
  prompt_version: optionalText,
  cost_tokens: (field, value) => optionalInteger(field, value, 0),
  cost_cents: optionalNumber,
  started_at: optionalTimestamp,
  finished_at: optionalTimestamp,
};

function duplicate(input: Insertable<JobRunsTable>, columns: string[], cause: unknown): ConflictError {
  if (columns.includes('idempotency_key')) {
    return new ConflictError(`A job with idempotency key '${input.idempotency_key}' already exists`, {
      code: 'idempotency_key_exists',
      details: { idempotency_key: input.idempotency_key },
      cause,
    });
  }
  return new ConflictError(`JobRun ${input.run_id} already exists`, {
    code: 'job_run_exists',
    details: { run_id: input.run_id },
    cause,
  });
}

export function createJobRunRepository(ctx: RepositoryContext): JobRunRepository {
  const { db } = ctx;

  const find = async (runId: string): Promise<JobRunRecord | null> =>
    typeof runId === 'string' ? findIn(db, runId) : null;

  /** The rows a filter selects; null when it can match nothing. */
  const filtered = (filter: JobRunFilter) => {
    if (!idFiltersValid([filter.project_id, filter.protocol_run_id, filter.step_run_id])) return null;
    if (filter.project_ids && filter.project_ids.length === 0) return null;
    let query = db.selectFrom('job_runs');
    if (filter.project_ids) query = query.where('project_id', 'in', [...filter.project_ids]);
    if (filter.job_type !== undefined) query = query.where('job_type', '=', filter.job_type);
    if (filter.status !== undefined) {
      const status = requireOneOf('status', filter.status, JOB_STATUSES);
      // A validated status, spelled as a literal for the partial indexes (see QUEUED).
      query = query.where('status', '=', sql.lit(status));
      if (!(LIVE_STATUSES as readonly string[]).includes(status)) query = query.where(FINISHED);
    }
    if (filter.queue !== undefined) query = query.where('queue', '=', filter.queue);
    if (filter.project_id !== undefined) query = query.where('project_id', '=', filter.project_id);
    if (filter.protocol_run_id !== undefined) query = query.where('protocol_run_id', '=', filter.protocol_run_id);
    if (filter.step_run_id !== undefined) query = query.where('step_run_id', '=', filter.step_run_id);
    return query;
  };

  const plusSeconds = (seconds: number) => new Date(ctx.clock.now().getTime() + seconds * 1000).toISOString();

  const leaseValues = (lease: { owner: string; seconds: number }): LeaseValues => [
    lease.owner,
    plusSeconds(lease.seconds),
    nowIso(ctx),
  ];

  /** The columns an attempt write sets, in order, and their values (an added column's value is the amount). */
  const attemptSet = (patch: AttemptPatch): { columns: string[]; values: unknown[] } => {
    const columns: string[] = ['updated_at'];
    const values: unknown[] = [nowIso(ctx)];
    const put = (column: string, value: unknown) => {
      columns.push(column);
      values.push(value);
    };
    if (patch.status !== undefined) put('status', patch.status);
    if (patch.result !== undefined) put('result', toJsonText(patch.result));
    if (patch.error !== undefined) put('error', patch.error);
    if (patch.log_path !== undefined) put('log_path', patch.log_path);
    const tokens = patch.usage?.tokens;
    if (tokens !== undefined && Number.isFinite(tokens)) put('cost_tokens', Math.round(tokens));
    const cents = patch.usage?.cost_cents;
    if (cents !== undefined && Number.isFinite(cents)) put('cost_cents', cents);
    if (patch.run_at !== undefined) put('run_at', patch.run_at);
    if (patch.finished_at !== undefined) put('finished_at', patch.finished_at);
    if (patch.end_lease) {
      put('lease_owner', null);
      put('lease_expires_at', null);
    } else if (patch.lease_seconds !== undefined) put('lease_expires_at', plusSeconds(patch.lease_seconds));
    if (patch.unpublish) put('published_at', null);
    if (patch.uncount_attempt) put('attempts', -1);
    return { columns, values };
  };

  const findIn = async (executor: Executor, runId: string): Promise<JobRunRecord | null> => {
    const row = await byRunId.first(executor, [runId]);
    return row ? toJobRun(row) : null;
  };

  const claimByIdIn = async (
    executor: Executor,
    runId: string,
    lease: { owner: string; seconds: number },
  ): Promise<ClaimByIdResult> => {
    const row = await claimByIdReusable.first(executor, [runId, ...leaseValues(lease)]);
    if (row) return { claimed: toJobRun(row) };
    // Not claimable: tell "later" from "gone" (a row changing meanwhile only makes this answer stale,
    // which the fenced claim of the next delivery settles).
    return laterOrGone(await findIn(executor, runId));
  };

  return {
    async create(input: NewJobRun): Promise<JobRunRecord> {
      const now = nowIso(ctx);
      const values: Insertable<JobRunsTable> = {
        run_id: requireText('run_id', input.run_id),
        job_type: requireText('job_type', input.job_type),
        status: input.status === undefined ? 'queued' : requireOneOf('status', input.status, JOB_STATUSES),
        queue: input.queue === undefined ? 'default' : requireText('queue', input.queue),
        attempts: 0,
        max_attempts: input.max_attempts === undefined ? 3 : requireInteger('max_attempts', input.max_attempts, 1),
        params: optionalObjectText('params', input.params),
        result: null,
        error: null,
        log_path: optionalText('log_path', input.log_path),
        prompt_version: optionalText('prompt_version', input.prompt_version),
        cost_tokens: optionalInteger('cost_tokens', input.cost_tokens, 0),
        cost_cents: optionalNumber('cost_cents', input.cost_cents),
        project_id: optionalInteger('project_id', input.project_id, 1),
        protocol_run_id: optionalInteger('protocol_run_id', input.protocol_run_id, 1),
        step_run_id: optionalInteger('step_run_id', input.step_run_id, 1),
        idempotency_key: optionalText('idempotency_key', input.idempotency_key),
        priority:
          input.priority === undefined ? 0 : requireInteger('priority', input.priority, Number.MIN_SAFE_INTEGER),
        run_at: optionalTimestamp('run_at', input.run_at) ?? now,
        timeout_seconds: optionalInteger('timeout_seconds', input.timeout_seconds, 1),
        created_at: now,
        updated_at: now,
        started_at: optionalTimestamp('started_at', input.started_at),
        finished_at: null,
      };
      try {
        const row = await db.insertInto('job_runs').values(values).returningAll().executeTakeFirstOrThrow();
        return toJobRun(row);
      } catch (error) {
        const violation = constraintViolation(error);
        if (violation?.kind === 'unique') throw duplicate(values, violation.columns, error);
        throw error;
      }
    },

    find,

    get: requireFound(find, jobRunNotFound),

    async findByIdempotencyKey(key: string): Promise<JobRunRecord | null> {
      const row = await db.selectFrom('job_runs').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
      return row ? toJobRun(row) : null;
    },

    async list(filter: JobRunFilter = {}, page = {}) {
      const query = filtered(filter);
      if (!query) return { items: [], next_cursor: null };
      return newestFirstPage(query.selectAll(), 'run_id', page, toJobRun);
    },

    async count(filter: JobRunFilter = {}) {
      const query = filtered(filter);
      if (!query) return 0;
      const row = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async update(runId: string, patch: JobRunPatch): Promise<JobRunRecord> {
      const values = patchColumns(patch, PATCH_COLUMNS);
      const to = patch.status === undefined ? undefined : requireOneOf('status', patch.status, JOB_STATUSES);
      let query = db
        .updateTable('job_runs')
        .set({ ...values, updated_at: nowIso(ctx) })
        .where('run_id', '=', runId);
      let expected: JobStatus | undefined;
      if (to !== undefined) {
        const current = await db.selectFrom('job_runs').select('status').where('run_id', '=', runId).executeTakeFirst();
        if (!current) throw jobRunNotFound(runId);
        expected = current.status as JobStatus;
        // No self-transitions: with concurrent writers exactly one `queued -> running` succeeds.
        assertTransition('job', JOB_TRANSITIONS, expected, to);
        query = query.set({ status: to }).where('status', '=', expected);
      }
      const row = await query.returningAll().executeTakeFirst();
      if (row) return toJobRun(row);
      if (expected === undefined) throw jobRunNotFound(runId);
      throw new ConflictError(`JobRun ${runId} status conflict`, {
        code: 'job_status_conflict',
        details: { run_id: runId, expected, to },
      });
    },

    async usageTotals(filter: { protocol_run_id?: number; step_run_id?: number }) {
      if (filter.protocol_run_id === undefined && filter.step_run_id === undefined) {
        throw new ValidationError('usageTotals needs protocol_run_id or step_run_id', [
          { path: ['protocol_run_id'], message: 'required (or step_run_id)' },
        ]);
      }
      if (!idFiltersValid([filter.protocol_run_id, filter.step_run_id])) return { tokens: 0, cost_cents: 0 };
      let query = db
        .selectFrom('job_runs')
        .select((eb) => [
          eb.fn.coalesce(eb.fn.sum<number | string>('cost_tokens'), eb.lit(0)).as('tokens'),
          eb.fn.coalesce(eb.fn.sum<number | string>('cost_cents'), eb.lit(0)).as('cost_cents'),
        ]);
      if (filter.protocol_run_id !== undefined) query = query.where('protocol_run_id', '=', filter.protocol_run_id);
      if (filter.step_run_id !== undefined) query = query.where('step_run_id', '=', filter.step_run_id);
      const row = await query.executeTakeFirst();
      return { tokens: Number(row?.tokens ?? 0), cost_cents: Number(row?.cost_cents ?? 0) };
    },

    async enqueue(job, options = {}) {
      const at = nowIso(ctx);
      // Every column named (absent links are NULL), so the statement is the same for every job.
      const row: EnqueueRow = {
        run_id: job.run_id,
        job_type: job.job_type,
        queue: job.queue,
        params: JSON.stringify(job.params),
        idempotency_key: job.idempotency_key ?? null,
        priority: job.priority,
        run_at: job.run_at,
        max_attempts: job.max_attempts,
        timeout_seconds: job.timeout_seconds ?? null,
        project_id: job.project_id ?? null,
        protocol_run_id: job.protocol_run_id ?? null,
        step_run_id: job.step_run_id ?? null,
        status: 'queued',
        attempts: 0,
        created_at: at,
        updated_at: at,
        published_at: job.published ? at : null,
      };
      // PostgreSQL: the notification rides on the insert (RETURNING runs it once per inserted row only;
      // NOTIFY is delivered when the transaction commits).
      const notify = ctx.dialect === 'postgres' ? options.notify : undefined;
      const shape = `${row.idempotency_key !== null ? 'idempotent' : ''},${notify ? 'notify' : ''}`;
      const values = ENQUEUE_COLUMNS.map((column) => row[column]);
      const executor = options.executor ?? db;
      const inserted = await enqueueReusable.first(
        executor,
        [values, notify?.channel ?? '', notify?.payload ?? ''],
        shape,
      );
      if (inserted) return { job: toJobRun(inserted), created: true };
      if (job.idempotency_key === null) throw new Error(`Inserting job ${job.run_id} returned no row`);
      const existing = await executor
        .selectFrom('job_runs')
        .selectAll()
        .where('idempotency_key', '=', job.idempotency_key)
        .executeTakeFirst();
      if (!existing)
        throw new ConflictError(
          `Idempotency key ${job.idempotency_key} is being used by a concurrent enqueue; try again`,
          { code: 'idempotency_conflict', retryable: true },
        );
      return { job: toJobRun(existing), created: false };
    },

    // Claims and attempt writes are single statements: atomic on their own, so no BEGIN/COMMIT around
    // them. A SQLite write statement outside a transaction takes the write lock before it reads (waiting
    // on the busy timeout like BEGIN IMMEDIATE); on PostgreSQL the claim's FOR UPDATE SKIP LOCKED and
    // the status guard fence concurrent workers within the one statement.
    async claimNext(queues, lease) {
      const shape = ctx.dialect === 'postgres' ? 'lock' : '';
      const row = await claimNextReusable.first(db, [queues, ...leaseValues(lease)], shape);
      return row ? toJobRun(row) : null;
    },

    async nextRunAt(queues) {
      let next: string | null = null;
      for (const queue of new Set(queues)) {
        const row = await nextRunAtReusable.first(db, [queue]);
        if (row?.next != null && (next === null || row.next < next)) next = row.next;
      }
      return next;
    },

    claimById: (runId, lease) => claimByIdIn(db, runId, lease),

    async updateAttempt(fence, patch) {
      const { columns, values } = attemptSet(patch);
      const row = await attemptReusable.first(
        db,
        [values, fence.run_id, fence.lease_owner, fence.attempts],
        columns.join(','),
      );
      return row ? toJobRun(row) : null;
    },

    async updateAttemptAndClaimNext(fence, patch, queues, lease) {
      const { columns, values } = attemptSet(patch);
      const written: FenceValues = [values, fence.run_id, fence.lease_owner, fence.attempts];
      if (ctx.dialect === 'postgres') {
        const rows = await attemptAndClaimReusable.rows(
          db,
          [...written, queues, ...leaseValues(lease)],
          columns.join(','),
        );
        const role = (name: string) => {
          const row = rows.find((candidate) => candidate.role === name);
          return row ? toJobRun(row) : null;
        };
        return { updated: role('done'), next: role('next') };
      }
      const claim: [readonly string[], ...LeaseValues] = [queues, ...leaseValues(lease)];
      // A free connection: both statements and the commit at once, without Kysely's transaction.
      const direct = transactNow(db, (run) => {
        const [updated] = run(attemptReusable.compiled(db, written, columns.join(',')));
        if (!updated) return { updated: null, next: null };
        const [next] = run(claimNextReusable.compiled(db, claim, ''));
        return { updated: toJobRun(updated), next: next ? toJobRun(next) : null };
      });
      if (direct) return direct.value;
      return inTransaction(ctx, async (trx) => {
        const updated = await attemptReusable.first(trx, written, columns.join(','));
        if (!updated) return { updated: null, next: null };
        const next = await claimNextReusable.first(trx, claim, '');
        return { updated: toJobRun(updated), next: next ? toJobRun(next) : null };
      });
    },

    async updateAttemptAndClaimById(fence, patch, runId, lease) {
      const { columns, values } = attemptSet(patch);
      const written: FenceValues = [values, fence.run_id, fence.lease_owner, fence.attempts];
      if (ctx.dialect === 'postgres') {
        const rows = await attemptAndClaimByIdReusable.rows(
          db,
          [...written, runId, ...leaseValues(lease)],
          columns.join(','),
        );
        const done = rows.find((row) => row.role === 'done');
        if (!done) return { updated: null, next: null };
        const claimed = rows.find((row) => row.role === 'next');
        if (claimed) return { updated: toJobRun(done), next: { claimed: toJobRun(claimed) } };
        // Not claimable: "later" or "gone", as claimById tells them apart.
        return { updated: toJobRun(done), next: laterOrGone(await findIn(db, runId)) };
      }
      // A free connection: the finish, the claim (and, when not claimable, the look at the row) and the
      // commit at once, without Kysely's transaction, as updateAttemptAndClaimNext does.
      const claim: [string, ...LeaseValues] = [runId, ...leaseValues(lease)];
      const direct = transactNow(db, (run) => {
        const [updated] = run(attemptReusable.compiled(db, written, columns.join(',')));
        if (!updated) return { updated: null, next: null };
        const [claimed] = run(claimByIdReusable.compiled(db, claim, ''));
        if (claimed) return { updated: toJobRun(updated), next: { claimed: toJobRun(claimed) } };
        const [current] = run(byRunId.compiled(db, [runId], ''));
        return { updated: toJobRun(updated), next: laterOrGone(current) };
      });
      if (direct) return direct.value;
      return inTransaction(ctx, async (trx) => {
        const updated = await attemptReusable.first(trx, written, columns.join(','));
        if (!updated) return { updated: null, next: null };
        return { updated: toJobRun(updated), next: await claimByIdIn(trx, runId, lease) };
      });
    },

    async listExpiredLeases(limit) {
      const rows = await db
        .selectFrom('job_runs')
        .selectAll()
        .where('status', '=', RUNNING)
        .where('lease_expires_at', '<', nowIso(ctx))
        .orderBy('lease_expires_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toJobRun);
    },

    async cancel(runId, from, reason) {
      const at = nowIso(ctx);
      const row = await inTransaction(ctx, (trx) => {
        const base = trx.updateTable('job_runs').where('run_id', '=', runId).where('status', '=', from);
        return from === 'queued'
          ? base
              .set({ status: 'cancelled', error: reason, finished_at: at, updated_at: at })
              .returningAll()
              .executeTakeFirst()
          : base.set({ cancel_requested: 1, updated_at: at }).returningAll().executeTakeFirst();
      });
      return row ? toJobRun(row) : null;
    },

    async requeue(runId) {
      const at = nowIso(ctx);
      const row = await inTransaction(ctx, (trx) =>
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
      return row ? toJobRun(row) : null;
    },

    async listQueued(published, limit) {
      const rows = await db
        .selectFrom('job_runs')
        .selectAll()
        .where('published_at', published ? 'is not' : 'is', null)
        .where('status', '=', QUEUED)
        .orderBy('run_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toJobRun);
    },

    // One statement per MARK_CHUNK jobs, no BEGIN/COMMIT around it (BullMQ's publisher marks its
    // published jobs in batches); only a job still in the same queued spell is marked.
    async markPublished(jobs) {
      const at = nowIso(ctx);
      for (let start = 0; start < jobs.length; start += MARK_CHUNK) {
        const chunk = jobs.slice(start, start + MARK_CHUNK);
        await db
          .updateTable('job_runs')
          .set({ published_at: at })
          .where('status', '=', 'queued')
          .where('published_at', 'is', null)
          .where((eb) =>
            eb.or(chunk.map((job) => eb.and([eb('run_id', '=', job.run_id), eb('attempts', '=', job.attempts)]))),
          )
          .execute();
      }
    },

    async queueCounts(filter = {}) {
      if (filter.project_ids?.length === 0) return [];
      const at = nowIso(ctx);
      const scope = filter.project_ids ?? null;
      const rows = await queueCountsReusable.rows(db, [at, scope ?? []], scope ? 'scoped' : '');
      return rows.map((row) => ({
        queue: row.queue,
        status: row.status,
        count: Number(row.n),
        delayed: Number(row.delayed ?? 0),
        retried: Number(row.retried ?? 0),
      }));
    },
  };
}
