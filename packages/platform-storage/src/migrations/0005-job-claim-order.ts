import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). An index in the claim's own order (queued rows of a queue by priority
// desc, run_at, created_at, run_id), so taking the next job walks the index to the first due row
// instead of sorting the whole backlog (SQLite's "USE TEMP B-TREE FOR ORDER BY").

export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createIndex('idx_job_runs_claim_order')
    .on('job_runs')
    .columns(['status', 'queue', 'priority desc', 'run_at', 'created_at', 'run_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('idx_job_runs_claim_order').execute();
}
