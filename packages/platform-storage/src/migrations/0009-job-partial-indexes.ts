import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Issue 12: every status change of a job rewrote the six job_runs indexes
// that contained `status` (claim, claim_order, status, type_status, lease, unpublished), about half of a
// no-op job's CPU on SQLite. They become partial indexes over the rows of the one status (or group of
// statuses) their queries read, so a claim (queued -> running) leaves the two queued indexes and
// enters the running one, and a finish leaves that one and enters the two finished ones. The link
// indexes (project, protocol run, step run) skip the jobs without that link.
//
// SQLite only uses a partial index when the query's WHERE clause spells the index's own condition
// (`status = 'queued'` as a literal, not a parameter; `status NOT IN ('queued', 'running')` as written
// here): the job-runs repository spells them (QUEUED, RUNNING, FINISHED there). PostgreSQL proves
// the implication itself but also needs the literal (a parameter is unknown to a generic plan).

const FINISHED = `status NOT IN ('queued', 'running')`;

const NEW_INDEXES: [name: string, columns: string, where: string][] = [
  // The claim: queued rows of a queue in the claim's order (priority desc, run_at, created_at, run_id);
  // also the earliest due time of a queue (one seek per priority level) and the queued counts.
  ['idx_job_runs_queued_claim', 'queue, priority DESC, run_at, created_at, run_id', `status = 'queued'`],
  // The relay of a delivering backend (BullMQ): queued rows not yet published, or published, by run_at.
  ['idx_job_runs_queued_publish', 'published_at, run_at', `status = 'queued'`],
  // Expired leases of running jobs, and running counts.
  ['idx_job_runs_running_lease', 'lease_expires_at', `status = 'running'`],
  // Listing finished jobs by status (newest first), and by job type and status.
  ['idx_job_runs_finished', 'status, created_at, run_id', FINISHED],
  ['idx_job_runs_type_finished', 'job_type, status, created_at, run_id', FINISHED],
  // A job's links, only where it has one (a job of a project has no step or run): a lookup by value
  // (`= ?`, `in (…)`) implies IS NOT NULL, so SQLite uses these with parameters too.
  ['idx_job_runs_project', 'project_id, created_at', 'project_id IS NOT NULL'],
  ['idx_job_runs_protocol', 'protocol_run_id, created_at', 'protocol_run_id IS NOT NULL'],
  ['idx_job_runs_step', 'step_run_id, created_at', 'step_run_id IS NOT NULL'],
];

const OLD_INDEXES: [name: string, columns: string][] = [
  ['idx_job_runs_claim', 'queue, status, run_at, priority'],
  ['idx_job_runs_status', 'status, created_at, run_id'],
  ['idx_job_runs_type_status', 'job_type, status, created_at'],
  ['idx_job_runs_lease', 'status, lease_expires_at'],
  ['idx_job_runs_unpublished', 'published_at, status'],
  ['idx_job_runs_claim_order', 'status, queue, priority DESC, run_at, created_at, run_id'],
  ['idx_job_runs_project', 'project_id, created_at'],
  ['idx_job_runs_protocol', 'protocol_run_id, created_at'],
  ['idx_job_runs_step', 'step_run_id, created_at'],
];

export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  for (const [name] of OLD_INDEXES) await sql.raw(`DROP INDEX ${name}`).execute(db);
  for (const [name, columns, where] of NEW_INDEXES) {
    await sql.raw(`CREATE INDEX ${name} ON job_runs (${columns}) WHERE ${where}`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of NEW_INDEXES) await sql.raw(`DROP INDEX ${name}`).execute(db);
  for (const [name, columns] of OLD_INDEXES) {
    await sql.raw(`CREATE INDEX ${name} ON job_runs (${columns})`).execute(db);
  }
}
