import { Migrator, sql } from 'kysely';
import { createTempDir } from '@tasksgodzilla/testing';
import { migrateToLatest, openDatabase } from '../database.js';
import type { DatabaseHandle, Executor } from '../database.types.js';
import { createMigrationProvider } from '../migrations/index.js';
import {
  BACKENDS,
  START,
  openEmptyDatabase,
  useTestStorage,
  type TestStorage,
} from '../test/test-storage.test-helpers.js';
import type { JobQueueCountRow, JobRunRecord } from './repositories.types.js';
import { queueCountsQuery } from './job-runs.repository.js';

// Issue 12: queue stats read migration 0006's counters for finished jobs instead of grouping every job
// ever run. These cases hold the counters to the GROUP BY over job_runs (the truth) after every kind
// of write, on both backends.

/** The GROUP BY over every row: what queueCounts answered before the counters. */
async function truth(db: Executor, at: string, scope: readonly number[] | null): Promise<JobQueueCountRow[]> {
  const where = scope ? sql`where project_id in (${sql.join(scope)})` : sql``;
  const { rows } = await sql<{ queue: string; status: string; n: string; delayed: string; retried: string }>`
    select queue, status, count(*) as n,
      sum(case when status = 'queued' and run_at > ${at} then 1 else 0 end) as delayed,
      sum(case when status = 'queued' and attempts > 0 then 1 else 0 end) as retried
    from job_runs ${where} group by queue, status`.execute(db);
  return sorted(
    rows.map((row) => ({
      queue: row.queue,
      status: row.status,
      count: Number(row.n),
      delayed: Number(row.delayed),
      retried: Number(row.retried),
    })),
  );
}

function sorted(rows: JobQueueCountRow[]): JobQueueCountRow[] {
  return rows
    .map((row) =>
      // running rows carry no delayed/retried split (the ledger reads it for queued rows only).
      row.status === 'queued' ? row : { ...row, delayed: 0, retried: 0 },
    )
    .sort((a, b) => `${a.queue}/${a.status}`.localeCompare(`${b.queue}/${b.status}`));
}

/** A small deterministic generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUEUES = ['default', 'fast'];
const PROJECTS = [null, 1, 2];
const SCOPES: (readonly number[] | null)[] = [null, [1], [2], [1, 2], [3]];

async function expectCountsTrue({ storage, handle, clock }: TestStorage, step: string): Promise<void> {
  const at = clock.now().toISOString();
  for (const scope of SCOPES) {
    const counted = sorted(await storage.jobRuns.queueCounts(scope ? { project_ids: scope } : {}));
    expect({ step, scope, counts: counted }).toEqual({ step, scope, counts: await truth(handle.db, at, scope) });
  }
}

describe.each(BACKENDS)('queue counts on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('equal the GROUP BY over job_runs after random enqueue/claim/complete/fail/retry/cancel/delete sequences', async (t) => {
    const { storage, handle, clock } = t;
    const jobs = storage.jobRuns;
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      let serial = 0;
      const byStatus = async (status: string): Promise<JobRunRecord | undefined> => {
        const page = await jobs.list({ status: status as JobRunRecord['status'] }, { limit: 50 });
        return page.items.length ? pick(page.items) : undefined;
      };
      const lease = { owner: 'w', seconds: 30 };
      const fence = (job: JobRunRecord) => ({
        run_id: job.run_id,
        lease_owner: job.lease_owner ?? '',
        attempts: job.attempts,
      });
      for (let i = 0; i < 60; i++) {
        const action = pick([
          'enqueue',
          'enqueue',
          'create-finished',
          'claim',
          'complete',
          'fail',
          'retry-later',
          'release',
          'cancel-queued',
          'requeue',
          'update-status',
          'delete',
          'prune',
          'tick',
        ]);
        switch (action) {
          case 'enqueue':
            await jobs.enqueue({
              run_id: `s${seed}-${serial++}`,
              job_type: 'noop',
              queue: pick(QUEUES),
              params: {},
              project_id: pick(PROJECTS),
              protocol_run_id: null,
              step_run_id: null,
              idempotency_key: null,
              priority: 0,
              max_attempts: 3,
              timeout_seconds: 60,
              run_at: new Date(clock.now().getTime() + (next() < 0.3 ? 60_000 : 0)).toISOString(),
            });
            break;
          case 'create-finished': {
            const project = pick(PROJECTS);
            await jobs.create({
              run_id: `s${seed}-${serial++}`,
              job_type: 'codex_run',
              status: pick(['succeeded', 'failed', 'running'] as const),
              queue: pick(QUEUES),
              ...(project === null ? {} : { project_id: project }),
            });
            break;
          }
          case 'claim':
            await jobs.claimNext(QUEUES, lease);
            break;
          case 'complete':
          case 'fail': {
            const job = await byStatus('running');
            if (job?.lease_owner)
              await jobs.updateAttempt(fence(job), {
                status: action === 'complete' ? 'succeeded' : 'failed',
                finished_at: clock.now().toISOString(),
                end_lease: true,
              });
            break;
          }
          case 'retry-later':
          case 'release': {
            const job = await byStatus('running');
            if (job?.lease_owner)
              await jobs.updateAttempt(fence(job), {
                status: 'queued',
                run_at: new Date(clock.now().getTime() + (action === 'release' ? 0 : 30_000)).toISOString(),
                end_lease: true,
                ...(action === 'release' ? { uncount_attempt: true as const } : {}),
              });
            break;
          }
          case 'cancel-queued': {
            const job = await byStatus('queued');
            if (job) await jobs.cancel(job.run_id, 'queued', 'stop');
            break;
          }
          case 'requeue': {
            const job = (await byStatus('failed')) ?? (await byStatus('cancelled'));
            if (job) await jobs.requeue(job.run_id);
            break;
          }
          case 'update-status': {
            const job = await byStatus('running');
            if (job) await jobs.update(job.run_id, { status: pick(['succeeded', 'failed', 'cancelled'] as const) });
            break;
          }
          case 'delete': {
            const job = await byStatus(pick(['succeeded', 'failed', 'cancelled', 'queued', 'running']));
            if (job) await handle.db.deleteFrom('job_runs').where('run_id', '=', job.run_id).execute();
            break;
          }
          case 'prune':
            // A bulk delete of finished history (several rows, queues and projects in one statement).
            if (next() < 0.3)
              await handle.db.deleteFrom('job_runs').where('status', 'in', ['succeeded', 'cancelled']).execute();
            break;
          case 'tick':
            clock.advance(45_000);
            break;
        }
        await expectCountsTrue(t, `seed ${seed} step ${i} ${action}`);
      }
    }
  });

  it('counts statements that write many rows at once (bulk insert, status update, delete)', async (t) => {
    const { handle } = t;
    const at = START;
    const values = [];
    for (let i = 0; i < 30; i++) {
      const status = ['succeeded', 'failed', 'cancelled', 'queued', 'running'][i % 5];
      const project = PROJECTS[i % 3] ?? null;
      values.push(sql`(${`bulk-${i}`}, 't', ${status}, ${QUEUES[i % 2]}, ${project}, ${at}, ${at}, ${at})`);
    }
    await sql`insert into job_runs (run_id, job_type, status, queue, project_id, run_at, created_at, updated_at)
      values ${sql.join(values)}`.execute(handle.db);
    await expectCountsTrue(t, 'bulk insert');
    await handle.db
      .updateTable('job_runs')
      .set({ status: 'cancelled' })
      .where('status', 'in', ['queued', 'failed'])
      .execute();
    await expectCountsTrue(t, 'bulk status update');
    await handle.db.updateTable('job_runs').set({ queue: 'fast' }).where('project_id', '=', 1).execute();
    await expectCountsTrue(t, 'bulk queue move');
    await handle.db.deleteFrom('job_runs').where('queue', '=', 'fast').execute();
    await expectCountsTrue(t, 'bulk delete');
  });

  it('moves a finished job between counters when its queue or project changes, and ignores other writes', async (t) => {
    const { storage, handle } = t;
    await storage.jobRuns.create({ run_id: 'a', job_type: 't', status: 'succeeded', project_id: 1 });
    await handle.db.updateTable('job_runs').set({ queue: 'other', project_id: 2 }).execute();
    await handle.db.updateTable('job_runs').set({ status: 'succeeded', error: 'x' }).execute();
    await expectCountsTrue(t, 'moved');
    expect(await storage.jobRuns.queueCounts({ project_ids: [2] })).toEqual([
      { queue: 'other', status: 'succeeded', count: 1, delayed: 0, retried: 0 },
    ]);
  });
});

describe('the queue counts query plan (SQLite)', () => {
  let handle: DatabaseHandle;
  let dir: ReturnType<typeof createTempDir>;
  beforeAll(async () => {
    dir = createTempDir('tgz-counts-plan-');
    handle = openDatabase({ path: `${dir.path}/db.sqlite` });
    await migrateToLatest(handle);
  });
  afterAll(async () => {
    await handle.close();
    dir.remove();
  });

  it.each([null, [1, 2]])('reads job_runs only through an index (scope %p), never every row', async (scope) => {
    const query = queueCountsQuery(handle.db, '2026-01-01T00:00:00.000Z', scope).compile();
    const params = [...query.parameters];
    const statement = query.sql.replace(/\?/g, () => {
      const value = params.shift();
      return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
    });
    const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${sql.raw(statement)}`.execute(handle.db);
    const onJobRuns = rows.map((row) => row.detail).filter((detail) => /\bjob_runs\b/.test(detail));
    expect(onJobRuns.length).toBeGreaterThan(0);
    for (const detail of onJobRuns) expect(detail).toMatch(/^(SEARCH|SCAN) job_runs USING (COVERING )?INDEX \w+/);
    // Unscoped, each live status is read through its own partial index (migration 0009).
    if (!scope) {
      expect(onJobRuns.join('\n')).toMatch(/idx_job_runs_queued_/);
      expect(onJobRuns.join('\n')).toMatch(/idx_job_runs_running_lease/);
    }
  });
});

describe.each(BACKENDS)('migration 0006-job-queue-counts on %s', (dialect) => {
  it('backfills the counters from the jobs already in job_runs', async () => {
    const opened = await openEmptyDatabase(dialect);
    if (!opened) return;
    const { handle, cleanup } = opened;
    try {
      const migrator = new Migrator({ db: handle.db, provider: createMigrationProvider(handle.dialect) });
      expect((await migrator.migrateTo('0005-job-claim-order')).error).toBeUndefined();
      const at = '2026-01-01T00:00:00.000Z';
      const rows: [string, string, number | null][] = [
        ['succeeded', 'default', 1],
        ['succeeded', 'default', 1],
        ['succeeded', 'default', null],
        ['failed', 'fast', 2],
        ['cancelled', 'default', 2],
        ['queued', 'default', 1],
        ['running', 'fast', null],
      ];
      let i = 0;
      for (const [status, queue, projectId] of rows) {
        await sql`insert into job_runs (run_id, job_type, status, queue, project_id, run_at, created_at, updated_at)
          values (${`old-${i++}`}, 't', ${status}, ${queue}, ${projectId}, ${at}, ${at}, ${at})`.execute(handle.db);
      }
      expect(await migrateToLatest(handle)).toContain('0006-job-queue-counts');
      for (const scope of SCOPES) {
        const counted = await queueCountsQuery(handle.db, at, scope).execute();
        const asRows = counted.map((row) => ({
          queue: row.queue,
          status: row.status,
          count: Number(row.n),
          delayed: Number(row.delayed),
          retried: Number(row.retried),
        }));
        expect(sorted(asRows)).toEqual(await truth(handle.db, at, scope));
      }
      const stored = await sql<{ n: string }>`select sum(n) as n from job_queue_counts`.execute(handle.db);
      expect(Number(stored.rows[0]?.n)).toBe(5);
    } finally {
      await cleanup();
    }
  });
});
