import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Issue 12: idx_job_runs_queued_publish held every queued job, so each
// enqueue entered it and each claim left it (two index pages written per job), yet only a delivering
// backend's relay (BullMQ) reads it. The embedded backend now inserts its jobs published (the table is
// its transport), so an index over the unpublished queued rows only holds what a relay still has to
// deliver. The relay's reconcile pass (published queued rows, every 30 s) reads the claim index instead.

const OLD = ['idx_job_runs_queued_publish', 'published_at, run_at', `status = 'queued'`] as const;
const NEW = ['idx_job_runs_queued_unpublished', 'run_at', `status = 'queued' AND published_at IS NULL`] as const;

export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql.raw(`CREATE INDEX ${NEW[0]} ON job_runs (${NEW[1]}) WHERE ${NEW[2]}`).execute(db);
  await sql.raw(`DROP INDEX ${OLD[0]}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`CREATE INDEX ${OLD[0]} ON job_runs (${OLD[1]}) WHERE ${OLD[2]}`).execute(db);
  await sql.raw(`DROP INDEX ${NEW[0]}`).execute(db);
}
