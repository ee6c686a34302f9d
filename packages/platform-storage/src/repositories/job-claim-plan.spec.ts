import { sql } from 'kysely';
import { createTempDir } from '@tasksgodzilla/testing';
import { migrateToLatest, openDatabase } from '../database.js';
import type { DatabaseHandle } from '../database.types.js';
import { nextClaimable } from './job-runs.repository.js';

// Issue 12: taking the next job must not sort the backlog. The plan is SQLite's own answer, so this
// checks the shape of the query, never its speed.
describe('the job claim query plan (SQLite)', () => {
  let handle: DatabaseHandle;
  let dir: ReturnType<typeof createTempDir>;
  beforeAll(async () => {
    dir = createTempDir('tgz-claim-plan-');
    handle = openDatabase({ path: `${dir.path}/db.sqlite` });
    await migrateToLatest(handle);
  });
  afterAll(async () => {
    await handle.close();
    dir.remove();
  });

  it('walks idx_job_runs_claim_order in the claim order, with no temporary sort', async () => {
    const query = nextClaimable(handle.db, ['default'], '2026-01-01T00:00:00.000Z').compile();
    // EXPLAIN QUERY PLAN of the very statement the claim runs, its parameters inlined as literals.
    const params = [...query.parameters];
    const statement = query.sql.replace(/\?/g, () => {
      const value = params.shift();
      return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
    });
    const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${sql.raw(statement)}`.execute(handle.db);
    const details = rows.map((row) => row.detail).join('\n');
    expect(details).toContain('idx_job_runs_claim_order');
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});
