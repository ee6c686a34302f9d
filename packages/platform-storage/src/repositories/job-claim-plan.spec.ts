import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { createManualClock } from '@tasksgodzilla/core';
import { createTempDir } from '@tasksgodzilla/testing';
import { migrateToLatest, openDatabase } from '../database.js';
import type { DatabaseSchema } from '../schema.js';
import { createJobRunRepository } from './job-runs.repository.js';
import type { JobRunRepository } from './repositories.types.js';

// Issue 12: the queue's reads of job_runs go through migration 0009's partial indexes (SQLite uses one
// only when the query spells its condition) and never sort the backlog. The plan is SQLite's own
// answer, so these check the shape of each statement the repository runs, never its speed.
describe('the job_runs query plans (SQLite)', () => {
  let dir: ReturnType<typeof createTempDir>;
  let sqlite: SQLite.Database;
  let db: Kysely<DatabaseSchema>;
  let jobRuns: JobRunRepository;
  const ran: CompiledQuery[] = [];

  beforeAll(async () => {
    dir = createTempDir('tgz-claim-plan-');
    const path = `${dir.path}/db.sqlite`;
    const handle = openDatabase({ path });
    await migrateToLatest(handle);
    await handle.close();
    // The repository over a Kysely that records every statement it runs.
    sqlite = new SQLite(path);
    db = new Kysely<DatabaseSchema>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (event) => void (event.level === 'query' && ran.push(event.query)),
    });
    jobRuns = createJobRunRepository({ db, dialect: 'sqlite', clock: createManualClock('2026-01-01T00:00:00.000Z') });
  });
  afterAll(async () => {
    await db.destroy();
    dir.remove();
  });

  /** EXPLAIN QUERY PLAN of each statement `call` ran, with its own parameters bound. */
  async function plansOf(call: () => Promise<unknown>): Promise<string[]> {
    ran.length = 0;
    await call();
    expect(ran.length).toBeGreaterThan(0);
    return ran.map((query) =>
      sqlite
        .prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
        .all(...(query.parameters as unknown[]))
        .map((row) => (row as { detail: string }).detail)
        .join('\n'),
    );
  }

  /** Every read of job_runs in `plan` goes through an index (no full scan of the table). */
  function expectNoFullScan(plan: string | undefined): void {
    expect(plan).not.toMatch(/SCAN job_runs$/m);
  }

  it('claims through idx_job_runs_queued_claim in the claim order, with no temporary sort', async () => {
    const [plan] = await plansOf(() => jobRuns.claimNext(['default'], { owner: 'w/1', seconds: 30 }));
    expect(plan).toContain('idx_job_runs_queued_claim');
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('reads the next due time by seeks in idx_job_runs_queued_claim, never scanning the backlog', async () => {
    const [plan] = await plansOf(() => jobRuns.nextRunAt(['default']));
    const onJobRuns = plan!.split('\n').filter((line) => /\bjob_runs\b|\bj\b/.test(line));
    expect(onJobRuns.length).toBeGreaterThan(0);
    // Every read is a SEARCH on the claim index with the queue (and priority) bound.
    for (const line of onJobRuns)
      expect(line).toMatch(/^SEARCH \w+ USING COVERING INDEX idx_job_runs_queued_claim \(queue=\?/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('finds expired leases through idx_job_runs_running_lease, in lease order', async () => {
    const [plan] = await plansOf(() => jobRuns.listExpiredLeases(10));
    expect(plan).toContain('idx_job_runs_running_lease');
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('lists unpublished queued jobs through idx_job_runs_queued_unpublished, in run_at order', async () => {
    const [unpublished] = await plansOf(() => jobRuns.listQueued(false, 10));
    expect(unpublished).toContain('idx_job_runs_queued_unpublished');
    expect(unpublished).not.toMatch(/TEMP B-TREE/);
    // The relay's reconcile (published ones, every 30 s) reads the queued rows of the claim index.
    const [published] = await plansOf(() => jobRuns.listQueued(true, 10));
    expect(published).toContain('idx_job_runs_queued_claim');
    expectNoFullScan(published);
  });

  it('lists finished jobs by status, and by type and status, newest first through the finished indexes', async () => {
    const [byStatus] = await plansOf(() => jobRuns.list({ status: 'failed' }, { limit: 10 }));
    expect(byStatus).toContain('idx_job_runs_finished');
    expect(byStatus).not.toMatch(/TEMP B-TREE/);
    const [byType] = await plansOf(() => jobRuns.list({ status: 'succeeded', job_type: 'noop' }, { limit: 10 }));
    expect(byType).toContain('idx_job_runs_type_finished');
    expect(byType).not.toMatch(/TEMP B-TREE/);
  });

  it('looks jobs up by their links through the partial link indexes (a parameter implies IS NOT NULL)', async () => {
    const [byProject] = await plansOf(() => jobRuns.list({ project_id: 1 }, { limit: 10 }));
    expect(byProject).toContain('idx_job_runs_project');
    const [byProjects] = await plansOf(() => jobRuns.list({ project_ids: [1, 2] }, { limit: 10 }));
    expectNoFullScan(byProjects);
    const [byStep] = await plansOf(() => jobRuns.count({ job_type: 'noop', step_run_id: 1 }));
    expect(byStep).toContain('idx_job_runs_step');
    const [byRun] = await plansOf(() => jobRuns.count({ job_type: 'noop', protocol_run_id: 1 }));
    expect(byRun).toContain('idx_job_runs_protocol');
  });

  it.each(['queued', 'running'] as const)('lists %s jobs through an index, with no full scan', async (status) => {
    const [plan] = await plansOf(() => jobRuns.list({ status }, { limit: 10 }));
    expectNoFullScan(plan);
  });
});
