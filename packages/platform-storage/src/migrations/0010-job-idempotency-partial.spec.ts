import { ConflictError, createManualClock } from '@tasksgodzilla/core';
import { Migrator, sql } from 'kysely';
import type { DatabaseHandle } from '../database.types.js';
import { createJobRunRepository } from '../repositories/job-runs.repository.js';
import type { NewQueuedJob } from '../repositories/repositories.types.js';
import { BACKENDS, openEmptyDatabase } from '../test/test-storage.test-helpers.js';
import { createMigrationProvider } from './index.js';

const NOW = '2026-01-01T00:00:00.000Z';

/** The job_runs indexes (without SQLite's constraint indexes) and triggers, by name, with their SQL. */
async function schemaObjects(handle: DatabaseHandle): Promise<Map<string, string>> {
  const { rows } =
    handle.dialect === 'postgres'
      ? await sql<{ name: string; definition: string }>`
          select indexname as name, indexdef as definition from pg_indexes where tablename = 'job_runs'
          union all
          select distinct trigger_name, action_statement from information_schema.triggers
          where event_object_table = 'job_runs'`.execute(handle.db)
      : await sql<{ name: string; definition: string }>`
          select name, sql as definition from sqlite_master
          where tbl_name = 'job_runs' and type in ('index', 'trigger') and sql is not null`.execute(handle.db);
  return new Map(rows.map((row) => [row.name, row.definition]));
}

/** How many unique indexes or constraints of job_runs cover idempotency_key, partial or not. */
async function keyUniqueness(handle: DatabaseHandle): Promise<{ full: number; partial: number }> {
  const { rows } =
    handle.dialect === 'postgres'
      ? await sql<{ definition: string }>`
          select indexdef as definition from pg_indexes
          where tablename = 'job_runs' and indexdef ilike '%unique%(idempotency_key)%'`.execute(handle.db)
      : await sql<{ definition: string }>`
          select coalesce(m.sql, '') as definition
          from pragma_index_list('job_runs') i left join sqlite_master m on m.name = i.name
          where i."unique" = 1 and exists (
            select 1 from pragma_index_info(i.name) c where c.name = 'idempotency_key')`.execute(handle.db);
  const partial = rows.filter((row) => /where.*idempotency_key is not null/i.test(row.definition)).length;
  return { full: rows.length - partial, partial };
}

const job = (runId: string, key: string | null): NewQueuedJob => ({
  run_id: runId,
  job_type: 'noop',
  queue: 'default',
  params: { n: 1 },
  idempotency_key: key,
  priority: 0,
  run_at: NOW,
  max_attempts: 3,
  timeout_seconds: 60,
  project_id: null,
  protocol_run_id: null,
  step_run_id: null,
});

describe.each(BACKENDS)('migration 0010-job-idempotency-partial on %s', (dialect) => {
  it('makes the idempotency key unique over keyed jobs only, keeps rows, indexes, triggers and counts, and reverts', async () => {
    const opened = await openEmptyDatabase(dialect);
    if (!opened) return;
    const { handle, cleanup } = opened;
    try {
      const migrator = new Migrator({ db: handle.db, provider: createMigrationProvider(handle.dialect) });
      expect((await migrator.migrateTo('0009-job-partial-indexes')).error).toBeUndefined();
      const clock = createManualClock(NOW);
      const jobRuns = () => createJobRunRepository({ db: handle.db, dialect, clock });
      expect((await jobRuns().enqueue(job('k1', 'key-1'))).created).toBe(true);
      expect((await jobRuns().enqueue(job('n1', null))).created).toBe(true);
      await jobRuns().create({ run_id: 'done', job_type: 'noop', status: 'succeeded', idempotency_key: 'key-2' });
      const objects = await schemaObjects(handle);
      const stats = await jobRuns().queueCounts();
      expect(await keyUniqueness(handle)).toEqual({ full: 1, partial: 0 });

      expect((await migrator.migrateTo('0010-job-idempotency-partial')).error).toBeUndefined();
      expect(await keyUniqueness(handle)).toEqual({ full: 0, partial: 1 });
      // Every other index and trigger of job_runs is there as before.
      const after = await schemaObjects(handle);
      after.delete('idx_job_runs_idempotency');
      objects.delete('job_runs_idempotency_key_key'); // PostgreSQL's index of the dropped constraint
      expect(after).toEqual(objects);
      expect(await jobRuns().queueCounts()).toEqual(stats);
      const repo = jobRuns();
      expect((await repo.get('k1')).idempotency_key).toBe('key-1');
      expect((await repo.get('done')).status).toBe('succeeded');

      // Keys stay unique, a key's second enqueue returns the first job, jobs without a key never conflict.
      const again = await repo.enqueue(job('k2', 'key-1'));
      expect(again).toMatchObject({ created: false, job: { run_id: 'k1' } });
      expect((await repo.enqueue(job('n2', null))).created).toBe(true);
      await expect(repo.create({ run_id: 'k3', job_type: 'noop', idempotency_key: 'key-2' })).rejects.toMatchObject({
        constructor: ConflictError,
        code: 'idempotency_key_exists',
      });
      expect((await repo.findByIdempotencyKey('key-2'))?.run_id).toBe('done');
      // The count triggers still follow job_runs: finishing the claimed job counts it.
      const claimed = await repo.claimNext(['default'], { owner: 'w/1', seconds: 30 });
      const fence = { run_id: claimed?.run_id ?? '', lease_owner: 'w/1', attempts: 1 };
      expect(
        await repo.updateAttempt(fence, { status: 'succeeded', finished_at: NOW, end_lease: true }),
      ).not.toBeNull();
      const succeeded = (await repo.queueCounts()).find((row) => row.status === 'succeeded');
      expect(succeeded?.count).toBe(2);

      expect((await migrator.migrateTo('0009-job-partial-indexes')).error).toBeUndefined();
      expect(await keyUniqueness(handle)).toEqual({ full: 1, partial: 0 });
      expect((await jobRuns().enqueue(job('k4', 'key-1'))).created).toBe(false);
      expect((await migrator.migrateTo('0010-job-idempotency-partial')).error).toBeUndefined();
      expect(await keyUniqueness(handle)).toEqual({ full: 0, partial: 1 });
    } finally {
      await cleanup();
    }
  });
});
