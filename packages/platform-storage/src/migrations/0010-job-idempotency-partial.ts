import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Issue 12: job_runs.idempotency_key was UNIQUE, so its index held an entry
// for every job, most of them NULL (a job without a key): one more index page written per enqueue. The
// uniqueness moves to a partial unique index over the keyed rows only; NULL keys never conflicted, so
// what is allowed stays the same. An upsert on the key names the index's condition
// (`ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL`) on both engines.
//
// PostgreSQL drops the column's constraint. SQLite cannot drop a column constraint, so job_runs is
// rebuilt without it (one transaction: copy the rows, then recreate its indexes and triggers from
// their stored SQL); no table references job_runs and none is referenced from it.

const INDEX = 'idx_job_runs_idempotency';
const PG_CONSTRAINT = 'job_runs_idempotency_key_key';

/** job_runs as 0001 created it on SQLite (idempotency_key's own definition is rebuildSqlite's `key`). */
const SQLITE_COLUMNS: [name: string, definition: string][] = [
  ['run_id', 'text primary key'],
  ['job_type', 'text not null'],
  ['status', 'text not null'],
  ['queue', `text default 'default' not null`],
  ['attempts', 'integer default 0 not null'],
  ['max_attempts', 'integer default 3 not null'],
  ['params', 'text'],
  ['result', 'text'],
  ['error', 'text'],
  ['log_path', 'text'],
  ['prompt_version', 'text'],
  ['cost_tokens', 'integer'],
  ['cost_cents', 'real'],
  ['project_id', 'integer'],
  ['protocol_run_id', 'integer'],
  ['step_run_id', 'integer'],
  ['idempotency_key', 'text'],
  ['priority', 'integer default 0 not null'],
  ['run_at', 'text not null'],
  ['timeout_seconds', 'integer'],
  ['lease_owner', 'text'],
  ['lease_expires_at', 'text'],
  ['cancel_requested', 'integer default 0 not null'],
  ['published_at', 'text'],
  ['created_at', 'text not null'],
  ['updated_at', 'text not null'],
  ['started_at', 'text'],
  ['finished_at', 'text'],
];

/**
 * Rebuilds job_runs on SQLite with `idempotency_key` defined as `key` (one transaction): the rows are
 * copied, then its indexes and triggers are recreated from their stored SQL (but `skip`).
 */
async function rebuildSqlite(db: Kysely<unknown>, key: string, skip: string, then: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ sql: string }>`
      select sql from sqlite_master
      where tbl_name = 'job_runs' and type in ('index', 'trigger') and sql is not null and name <> ${skip}`.execute(
      trx,
    );
    const names = SQLITE_COLUMNS.map(([name]) => `"${name}"`).join(', ');
    const columns = SQLITE_COLUMNS.map(
      ([name, definition]) => `"${name}" ${name === 'idempotency_key' ? key : definition}`,
    ).join(', ');
    await sql.raw(`CREATE TABLE job_runs_0010 (${columns})`).execute(trx);
    await sql.raw(`INSERT INTO job_runs_0010 (${names}) SELECT ${names} FROM job_runs`).execute(trx);
    // The implicit delete of DROP TABLE fires no trigger: job_queue_counts keeps its counts.
    await sql.raw('DROP TABLE job_runs').execute(trx);
    await sql.raw('ALTER TABLE job_runs_0010 RENAME TO job_runs').execute(trx);
    for (const row of rows) await sql.raw(row.sql).execute(trx);
    if (then) await sql.raw(then).execute(trx);
  });
}

const PARTIAL = `CREATE UNIQUE INDEX ${INDEX} ON job_runs (idempotency_key) WHERE idempotency_key IS NOT NULL`;

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql.raw(PARTIAL).execute(db);
    await sql.raw(`ALTER TABLE job_runs DROP CONSTRAINT ${PG_CONSTRAINT}`).execute(db);
    return;
  }
  await rebuildSqlite(db, 'text', INDEX, PARTIAL);
}

export async function down(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql.raw(`ALTER TABLE job_runs ADD CONSTRAINT ${PG_CONSTRAINT} UNIQUE (idempotency_key)`).execute(db);
    await sql.raw(`DROP INDEX ${INDEX}`).execute(db);
    return;
  }
  await rebuildSqlite(db, 'text unique', INDEX, null);
}
