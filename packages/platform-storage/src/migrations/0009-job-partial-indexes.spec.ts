import { Migrator, sql } from 'kysely';
import { createManualClock, type JobStatus } from '@tasksgodzilla/core';
import { migrateToLatest } from '../database.js';
import type { DatabaseHandle } from '../database.types.js';
import { createJobRunRepository } from '../repositories/job-runs.repository.js';
import { BACKENDS, openEmptyDatabase } from '../test/test-storage.test-helpers.js';
import { createMigrationProvider } from './index.js';

const NOW = '2026-01-01T00:00:00.000Z';

const PARTIAL = {
  idx_job_runs_queued_claim: /where.*status.*=.*'queued'/i,
  idx_job_runs_queued_publish: /where.*status.*=.*'queued'/i,
  idx_job_runs_running_lease: /where.*status.*=.*'running'/i,
  idx_job_runs_finished: /where.*status.*(not in|<> all).*'queued'.*'running'/i,
  idx_job_runs_type_finished: /where.*status.*(not in|<> all).*'queued'.*'running'/i,
  idx_job_runs_project: /where.*project_id is not null/i,
  idx_job_runs_protocol: /where.*protocol_run_id is not null/i,
  idx_job_runs_step: /where.*step_run_id is not null/i,
};
/** Kept by name, made partial (IS NOT NULL). */
const LINKS = ['idx_job_runs_project', 'idx_job_runs_protocol', 'idx_job_runs_step'];
const REPLACED = [
  'idx_job_runs_claim',
  'idx_job_runs_status',
  'idx_job_runs_type_status',
  'idx_job_runs_lease',
  'idx_job_runs_unpublished',
  'idx_job_runs_claim_order',
];

/** The job_runs indexes by name, with their definitions. */
async function indexes(handle: DatabaseHandle): Promise<Map<string, string>> {
  const { rows } =
    handle.dialect === 'postgres'
      ? await sql<{ name: string; definition: string }>`
          select indexname as name, indexdef as definition from pg_indexes where tablename = 'job_runs'`.execute(
          handle.db,
        )
      : await sql<{ name: string; definition: string | null }>`
          select name, sql as definition from sqlite_master where type = 'index' and tbl_name = 'job_runs'`.execute(
          handle.db,
        );
  return new Map(rows.map((row) => [row.name, row.definition ?? '']));
}

describe.each(BACKENDS)('migration 0009-job-partial-indexes on %s', (dialect) => {
  it('replaces the status indexes of job_runs by partial ones, keeps the rows readable, and reverts', async () => {
    const opened = await openEmptyDatabase(dialect);
    if (!opened) return;
    const { handle, cleanup } = opened;
    try {
      const migrator = new Migrator({ db: handle.db, provider: createMigrationProvider(handle.dialect) });
      expect((await migrator.migrateTo('0008-issue-links')).error).toBeUndefined();
      const before = await indexes(handle);
      for (const name of REPLACED) expect(before.has(name)).toBe(true);
      const insert = (runId: string, status: string, createdAt: string) =>
        sql`insert into job_runs (run_id, job_type, status, queue, run_at, created_at, updated_at)
            values (${runId}, 'noop', ${status}, 'default', ${NOW}, ${createdAt}, ${createdAt})`.execute(handle.db);
      await insert('q1', 'queued', '2026-01-01T00:00:01.000Z');
      await insert('s1', 'succeeded', '2026-01-01T00:00:02.000Z');
      await insert('f1', 'failed', '2026-01-01T00:00:03.000Z');
      await sql`update job_runs set project_id = 3, step_run_id = 7 where run_id = 'f1'`.execute(handle.db);
      await insert('s2', 'succeeded', '2026-01-01T00:00:04.000Z');

      expect((await migrator.migrateTo('0009-job-partial-indexes')).error).toBeUndefined();
      const after = await indexes(handle);
      for (const name of REPLACED) expect(after.has(name)).toBe(false);
      for (const [name, where] of Object.entries(PARTIAL)) expect(after.get(name)).toMatch(where);

      const jobRuns = createJobRunRepository({ db: handle.db, dialect, clock: createManualClock(NOW) });
      const ids = async (status: JobStatus, jobType?: string) =>
        (await jobRuns.list({ status, ...(jobType ? { job_type: jobType } : {}) })).items.map((job) => job.run_id);
      expect(await ids('succeeded')).toEqual(['s2', 's1']);
      expect(await ids('failed', 'noop')).toEqual(['f1']);
      expect(await ids('queued')).toEqual(['q1']);
      expect(await jobRuns.count({ job_type: 'noop', step_run_id: 7 })).toBe(1);
      expect((await jobRuns.list({ project_id: 3 })).items.map((job) => job.run_id)).toEqual(['f1']);
      expect(await jobRuns.nextRunAt(['default'])).toBe(NOW);
      const claimed = await jobRuns.claimNext(['default'], { owner: 'w/1', seconds: 30 });
      expect(claimed?.run_id).toBe('q1');
      expect(await ids('running')).toEqual(['q1']);
      expect(await jobRuns.nextRunAt(['default'])).toBeNull();

      expect((await migrator.migrateTo('0008-issue-links')).error).toBeUndefined();
      const reverted = await indexes(handle);
      for (const name of REPLACED) expect(reverted.has(name)).toBe(true);
      for (const name of Object.keys(PARTIAL)) {
        if (LINKS.includes(name)) expect(reverted.get(name)).not.toMatch(/where/i);
        else expect(reverted.has(name)).toBe(false);
      }
      expect(await migrateToLatest(handle)).toContain('0009-job-partial-indexes');
    } finally {
      await cleanup();
    }
  });
});
