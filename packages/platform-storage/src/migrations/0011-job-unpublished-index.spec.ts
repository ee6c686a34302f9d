import { Migrator, sql } from 'kysely';
import { createManualClock } from '@tasksgodzilla/core';
import type { DatabaseHandle } from '../database.types.js';
import { createJobRunRepository } from '../repositories/job-runs.repository.js';
import type { NewQueuedJob } from '../repositories/repositories.types.js';
import { BACKENDS, openEmptyDatabase } from '../test/test-storage.test-helpers.js';
import { createMigrationProvider } from './index.js';

const NOW = '2026-01-01T00:00:00.000Z';

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

const job = (runId: string, published: boolean): NewQueuedJob => ({
  run_id: runId,
  job_type: 'noop',
  queue: 'default',
  params: {},
  idempotency_key: null,
  priority: 0,
  run_at: NOW,
  max_attempts: 3,
  timeout_seconds: 60,
  project_id: null,
  protocol_run_id: null,
  step_run_id: null,
  published,
});

describe.each(BACKENDS)('migration 0011-job-unpublished-index on %s', (dialect) => {
  it('indexes only the unpublished queued jobs for the relay, lists both kinds as before, and reverts', async () => {
    const opened = await openEmptyDatabase(dialect);
    if (!opened) return;
    const { handle, cleanup } = opened;
    try {
      const migrator = new Migrator({ db: handle.db, provider: createMigrationProvider(handle.dialect) });
      expect((await migrator.migrateTo('0010-job-idempotency-partial')).error).toBeUndefined();
      const jobRuns = createJobRunRepository({ db: handle.db, dialect, clock: createManualClock(NOW) });
      await jobRuns.enqueue(job('relayed', false));
      expect((await migrator.migrateTo('0011-job-unpublished-index')).error).toBeUndefined();
      const after = await indexes(handle);
      expect(after.has('idx_job_runs_queued_publish')).toBe(false);
      expect(after.get('idx_job_runs_queued_unpublished')).toMatch(
        /where.*status.*=.*'queued'.*and.*published_at is null/i,
      );

      // An embedded job is inserted published (at its created_at); a relayed one is not.
      const embedded = await jobRuns.enqueue(job('embedded', true));
      expect(embedded.job.published_at).toBe(embedded.job.created_at);
      expect((await jobRuns.get('relayed')).published_at).toBeNull();
      expect((await jobRuns.listQueued(false, 10)).map((row) => row.run_id)).toEqual(['relayed']);
      expect((await jobRuns.listQueued(true, 10)).map((row) => row.run_id)).toEqual(['embedded']);
      await jobRuns.markPublished([await jobRuns.get('relayed')]);
      expect(await jobRuns.listQueued(false, 10)).toEqual([]);
      expect((await jobRuns.listQueued(true, 10)).map((row) => row.run_id).sort()).toEqual(['embedded', 'relayed']);

      expect((await migrator.migrateTo('0010-job-idempotency-partial')).error).toBeUndefined();
      const reverted = await indexes(handle);
      expect(reverted.has('idx_job_runs_queued_unpublished')).toBe(false);
      expect(reverted.get('idx_job_runs_queued_publish')).toMatch(/where.*status.*=.*'queued'/i);
    } finally {
      await cleanup();
    }
  });
});
