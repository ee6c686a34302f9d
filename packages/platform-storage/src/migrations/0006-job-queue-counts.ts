import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Queue stats must not grow with history (issue 12): a GROUP BY over every
// job ever run cost milliseconds per /health at 20,000 jobs. Jobs in a finished status (anything but
// queued and running) are counted in job_queue_counts, kept by triggers on job_runs so every writer
// (the queue's ledger, jobRuns.create/update, a raw DELETE) keeps it right without knowing about it.
// Live jobs (queued, running) are few and are still counted from job_runs through the status indexes.
//
// One row per (queue, status, project_id, shard); project_id 0 stands for "no project" (ids start at
// 1). SQLite uses row-level triggers (its upsert updates the row in place); PostgreSQL statement-level
// ones (see below). On PostgreSQL the shard is the backend's pid modulo 8, so concurrent workers
// finishing jobs of the same queue and project mostly update different rows instead of queueing on
// one row lock; a shard may go negative (a job finished on one connection, deleted on another), only
// the sum is meaningful. SQLite has one writer, so its shard is always 0.

const LIVE = `('queued', 'running')`;
const SHARDS = 8;

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('job_queue_counts')
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_queue_counts_pk', ['queue', 'status', 'project_id', 'shard'])
    .execute();

  if (dialect === 'postgres') {
    // Statement-level triggers over the transition tables: one upsert per (queue, status, project) a
    // statement changed, in key order. Row-level upserts would update the same counter row once per
    // row of a bulk INSERT or DELETE, and within one transaction each update adds a row version the
    // next one must walk past: quadratic (a 200,000-row insert ran for over 10 minutes).
    const delta = (table: string, sign: string) =>
      `SELECT queue, status, coalesce(project_id, 0) AS project_id, ${sign}1 AS d FROM ${table} WHERE status NOT IN ${LIVE}`;
    const apply = (deltas: string) => `
    INSERT INTO job_queue_counts AS c (queue, status, project_id, shard, n)
    SELECT queue, status, project_id, slot, sum(d) FROM (${deltas}) AS deltas
    GROUP BY queue, status, project_id HAVING sum(d) <> 0 ORDER BY queue, status, project_id
    ON CONFLICT (queue, status, project_id, shard) DO UPDATE SET n = c.n + excluded.n;`;
    await sql
      .raw(
        `CREATE FUNCTION job_queue_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  slot integer := pg_backend_pid() % ${SHARDS};
BEGIN
  IF TG_OP = 'INSERT' THEN${apply(delta('new_rows', '+'))}
  ELSIF TG_OP = 'DELETE' THEN${apply(delta('old_rows', '-'))}
  ELSE${apply(`${delta('old_rows', '-')} UNION ALL ${delta('new_rows', '+')}`)}
  END IF;
  RETURN NULL;
END
$$`,
      )
      .execute(db);
    for (const [name, event, tables] of [
      ['insert', 'INSERT', 'NEW TABLE AS new_rows'],
      ['delete', 'DELETE', 'OLD TABLE AS old_rows'],
      ['update', 'UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
    ] as const) {
      await sql
        .raw(
          `CREATE TRIGGER job_queue_counts_${name} AFTER ${event} ON job_runs REFERENCING ${tables}
           FOR EACH STATEMENT EXECUTE FUNCTION job_queue_counts_apply()`,
        )
        .execute(db);
    }
  } else {
    const add = (row: 'NEW' | 'OLD', delta: '+ 1' | '- 1') =>
      `INSERT INTO job_queue_counts (queue, status, project_id, shard, n)
       SELECT ${row}.queue, ${row}.status, coalesce(${row}.project_id, 0), 0, 0 ${delta} WHERE ${row}.status NOT IN ${LIVE}
       ON CONFLICT (queue, status, project_id, shard) DO UPDATE SET n = n ${delta};`;
    const changed = `(OLD.status IS NOT NEW.status OR OLD.queue IS NOT NEW.queue OR OLD.project_id IS NOT NEW.project_id)`;
    await sql
      .raw(
        `CREATE TRIGGER job_queue_counts_insert AFTER INSERT ON job_runs
         WHEN NEW.status NOT IN ${LIVE} BEGIN ${add('NEW', '+ 1')} END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER job_queue_counts_delete AFTER DELETE ON job_runs
         WHEN OLD.status NOT IN ${LIVE} BEGIN ${add('OLD', '- 1')} END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER job_queue_counts_update AFTER UPDATE OF status, queue, project_id ON job_runs
         WHEN (OLD.status NOT IN ${LIVE} OR NEW.status NOT IN ${LIVE}) AND ${changed}
         BEGIN ${add('OLD', '- 1')} ${add('NEW', '+ 1')} END`,
      )
      .execute(db);
  }

  // Backfill after the triggers exist: on PostgreSQL CREATE TRIGGER locks job_runs against writes
  // until this migration's transaction commits, so no job finishes between the count and the trigger.
  await sql
    .raw(
      `INSERT INTO job_queue_counts (queue, status, project_id, shard, n)
       SELECT queue, status, coalesce(project_id, 0), 0, count(*) FROM job_runs
       WHERE status NOT IN ${LIVE} GROUP BY queue, status, coalesce(project_id, 0)`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  for (const name of ['job_queue_counts_insert', 'job_queue_counts_delete', 'job_queue_counts_update']) {
    await sql.raw(dialect === 'postgres' ? `DROP TRIGGER ${name} ON job_runs` : `DROP TRIGGER ${name}`).execute(db);
  }
  if (dialect === 'postgres') await sql.raw(`DROP FUNCTION job_queue_counts_apply()`).execute(db);
  await db.schema.dropTable('job_queue_counts').execute();
}
