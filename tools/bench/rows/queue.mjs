// Job throughput: the product's queue (insert + claim + run a no-op + complete, each enqueue in its
// own transaction as producers do) beside a raw loop of the same three statements on the same engine.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Queue, Worker } from 'bullmq';
import { createStorage, migrateToLatest, openDatabase } from '@tasksgodzilla/platform-storage';
import { createQueue, createWorkerRunner } from '@tasksgodzilla/platform-queue';
import { NOOP, benchJobTypes } from '../lib/bench-queue.mjs';

const DAY_MS = 86_400_000;

/** Enqueues `count` due no-op jobs (one transaction each) and drains them; jobs/s over both. */
async function productCycle(handle, queueOptions, { count, concurrency, backlog }) {
  const storage = createStorage(handle);
  const queue = createQueue({ db: handle.db, dialect: handle.dialect, jobTypes: benchJobTypes(), ...queueOptions });
  try {
    for (let i = 0; i < backlog; i++) await queue.enqueue({ job_type: NOOP, payload: { i }, delay_ms: DAY_MS });
    let handled = 0;
    const runner = createWorkerRunner({
      queue,
      concurrency,
      pollIntervalMs: 5,
      maxPollIntervalMs: 20,
      handlers: { [NOOP]: async () => void (handled += 1) },
    });
    runner.start();
    // One job through first, as the raw loops do theirs: connections (Redis, the wake-up channel) are
    // open before the clock starts, like the bare BullMQ loop's waitUntilReady.
    await storage.transaction((tx) => queue.enqueue({ job_type: NOOP, payload: { i: -1 } }, { tx }));
    await waitFor(() => handled >= 1);
    handled = 0;
    const started = performance.now();
    for (let i = 0; i < count; i++)
      await storage.transaction((tx) => queue.enqueue({ job_type: NOOP, payload: { i } }, { tx }));
    await waitFor(() => handled >= count);
    const elapsed = performance.now() - started;
    await runner.stop();
    return (count / elapsed) * 1000;
  } finally {
    await queue.close();
  }
}

async function waitFor(check) {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
}

const RAW_TABLE = `CREATE TABLE raw_jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, status TEXT NOT NULL,
  priority INTEGER NOT NULL, run_at TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)`;

/** The same insert + claim (due, by priority and id) + complete, as three cached statements on better-sqlite3. */
function rawSqliteCycle(path, { count, backlog }) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(RAW_TABLE);
  db.exec('CREATE INDEX raw_jobs_claim ON raw_jobs (queue, status, priority, run_at, id)');
  const insert = db.prepare(
    "INSERT INTO raw_jobs (queue, status, priority, run_at, payload) VALUES ('default', 'queued', 0, ?, ?)",
  );
  const claim = db.prepare(`UPDATE raw_jobs SET status = 'running', attempts = attempts + 1 WHERE id = (
    SELECT id FROM raw_jobs WHERE queue = 'default' AND status = 'queued' AND run_at <= ? ORDER BY priority, run_at, id LIMIT 1)
    RETURNING id, payload`);
  const complete = db.prepare("UPDATE raw_jobs SET status = 'succeeded' WHERE id = ?");
  const later = new Date(Date.now() + DAY_MS).toISOString();
  for (let i = 0; i < backlog; i++) insert.run(later, JSON.stringify({ i }));
  const started = performance.now();
  for (let i = 0; i < count; i++) insert.run(new Date().toISOString(), JSON.stringify({ i }));
  let done = 0;
  for (;;) {
    const job = claim.get(new Date().toISOString());
    if (!job) break;
    JSON.parse(job.payload);
    complete.run(job.id);
    done += 1;
  }
  const elapsed = performance.now() - started;
  db.close();
  if (done !== count) throw new Error(`raw sqlite loop ran ${done} of ${count} jobs`);
  return (count / elapsed) * 1000;
}

/** The same loop on PostgreSQL with FOR UPDATE SKIP LOCKED, one round trip per statement. */
async function rawPgCycle(url, { count, backlog }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(RAW_TABLE.replace('INTEGER PRIMARY KEY', 'BIGSERIAL PRIMARY KEY'));
    await client.query('CREATE INDEX raw_jobs_claim ON raw_jobs (queue, status, priority, run_at, id)');
    const later = new Date(Date.now() + DAY_MS).toISOString();
    for (let i = 0; i < backlog; i++)
      await client.query(
        "INSERT INTO raw_jobs (queue, status, priority, run_at, payload) VALUES ('default', 'queued', 0, $1, $2)",
        [later, JSON.stringify({ i })],
      );
    const started = performance.now();
    for (let i = 0; i < count; i++)
      await client.query({
        name: 'raw_insert',
        text: "INSERT INTO raw_jobs (queue, status, priority, run_at, payload) VALUES ('default', 'queued', 0, $1, $2)",
        values: [new Date().toISOString(), JSON.stringify({ i })],
      });
    let done = 0;
    for (;;) {
      const { rows } = await client.query({
        name: 'raw_claim',
        text: `UPDATE raw_jobs SET status = 'running', attempts = attempts + 1 WHERE id = (
          SELECT id FROM raw_jobs WHERE queue = 'default' AND status = 'queued' AND run_at <= $1
          ORDER BY priority, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, payload`,
        values: [new Date().toISOString()],
      });
      if (rows.length === 0) break;
      JSON.parse(rows[0].payload);
      await client.query({
        name: 'raw_complete',
        text: "UPDATE raw_jobs SET status = 'succeeded' WHERE id = $1",
        values: [rows[0].id],
      });
      done += 1;
    }
    const elapsed = performance.now() - started;
    if (done !== count) throw new Error(`raw pg loop ran ${done} of ${count} jobs`);
    return (count / elapsed) * 1000;
  } finally {
    await client.query('DROP TABLE IF EXISTS raw_jobs');
    await client.end();
  }
}

/** A bare BullMQ queue and worker (concurrency 1) running `count` no-op jobs added one by one. */
async function rawBullmqCycle(redisUrl, { count }) {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  const name = `tgz-bench-raw-${process.pid}`;
  const queue = new Queue(name, { connection });
  let handled = 0;
  const worker = new Worker(name, async () => void (handled += 1), { connection, concurrency: 1 });
  try {
    await worker.waitUntilReady();
    await queue.add('noop', { i: -1 }, { removeOnComplete: true, removeOnFail: true });
    await waitFor(() => handled >= 1);
    handled = 0;
    const started = performance.now();
    for (let i = 0; i < count; i++) await queue.add('noop', { i }, { removeOnComplete: true, removeOnFail: true });
    await waitFor(() => handled >= count);
    return count / ((performance.now() - started) / 1000);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** A fresh PostgreSQL database for one measurement, dropped afterwards. */
export async function withPgDatabase(adminUrl, fn) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `tgz_bench_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function sqliteHandle(dir, name) {
  const handle = openDatabase({ path: join(dir, `${name}.sqlite`) });
  await migrateToLatest(handle);
  return handle;
}

/** Jobs run through the product and, as many, through the raw loop before the SQLite rows are measured. */
const SQLITE_WARMUP = { rounds: 2, jobs: 1500 };

/** The embedded queue on SQLite at concurrency 1 and 8 and behind a backlog, each beside the raw loop. */
export async function sqliteQueue({ dir, options }) {
  const count = options.quick ? 300 : 2000;
  const backlog = options.quick ? 2000 : 10_000;
  const run = async (name, settings) => {
    const handle = await sqliteHandle(dir, name);
    try {
      return await productCycle(handle, { backend: 'embedded' }, settings);
    } finally {
      await handle.close();
    }
  };
  // jobs/s is a steady-state figure (cold start has its own rows): both sides run the same number of jobs,
  // in files of their own, before the measured cycles, so neither is measured while V8 still compiles it.
  for (let round = 0; round < SQLITE_WARMUP.rounds; round++) {
    const jobs = SQLITE_WARMUP.jobs;
    await run(`warm-c1-${round}`, { count: jobs, concurrency: 1, backlog: 0 });
    await run(`warm-c8-${round}`, { count: jobs, concurrency: 8, backlog: 0 });
    rawSqliteCycle(join(dir, `raw-warm-a${round}.sqlite`), { count: jobs, backlog: 0 });
    rawSqliteCycle(join(dir, `raw-warm-b${round}.sqlite`), { count: jobs, backlog: 0 });
  }
  const raw = rawSqliteCycle(join(dir, 'raw.sqlite'), { count, backlog: 0 });
  const rawBacklog = rawSqliteCycle(join(dir, 'raw-backlog.sqlite'), { count, backlog });
  const c1 = await run('c1', { count, concurrency: 1, backlog: 0 });
  const c8 = await run('c8', { count, concurrency: 8, backlog: 0 });
  const behind = await run('backlog', { count, concurrency: 1, backlog });
  const row = (id, figure, project, ceiling, ratio) => ({
    id,
    figure,
    unit: 'jobs/s',
    project,
    ceiling,
    ceilingLabel: 'raw insert + claim + complete loop, better-sqlite3',
    better: 'higher',
    goal: { ratio },
  });
  return [
    row('queue_sqlite_c1', 'embedded queue, SQLite, no-op jobs, concurrency 1', c1, raw, 0.4),
    row('queue_sqlite_c8', 'embedded queue, SQLite, no-op jobs, concurrency 8', c8, raw, 0.4),
    row(
      'queue_sqlite_backlog',
      `embedded queue, SQLite, concurrency 1, ${backlog} delayed jobs queued`,
      behind,
      rawBacklog,
      0.36,
    ),
  ];
}

/** The embedded queue on PostgreSQL and the BullMQ queue (ledger on SQLite), each beside its raw loop. */
export async function serverQueues({ dir, options, pgUrl, redisUrl }) {
  const count = options.quick ? 200 : 1000;
  const rows = [];
  // Each side runs `warmup` jobs untimed before its measured run, product and raw loop alike:
  // they share the client libraries (pg, ioredis, bullmq), so without it the side measured second ran
  // on code the first had already compiled.
  const warmup = options.quick ? 200 : 500;
  if (pgUrl) {
    const productRun = (jobs) =>
      withPgDatabase(pgUrl, async (url) => {
        const handle = openDatabase({ url });
        await migrateToLatest(handle);
        try {
          return await productCycle(handle, { backend: 'embedded' }, { count: jobs, concurrency: 1, backlog: 0 });
        } finally {
          await handle.close();
        }
      });
    const rawRun = (jobs) => withPgDatabase(pgUrl, (url) => rawPgCycle(url, { count: jobs, backlog: 0 }));
    await productRun(warmup);
    await rawRun(warmup);
    const project = await productRun(count);
    const ceiling = await rawRun(count);
    rows.push({
      id: 'queue_pg_c1',
      figure: 'embedded queue, PostgreSQL, no-op jobs, concurrency 1',
      unit: 'jobs/s',
      project,
      ceiling,
      ceilingLabel: 'raw pg SKIP LOCKED insert + claim + complete loop',
      better: 'higher',
      goal: { ratio: 0.4 },
    });
  }
  if (redisUrl) {
    let runs = 0;
    const productRun = async (jobs) => {
      runs += 1;
      const handle = await sqliteHandle(dir, `bullmq-ledger-${runs}`);
      const prefix = `tgzbench${process.pid}r${runs}`;
      try {
        return await productCycle(
          handle,
          { backend: 'bullmq', redisUrl, prefix },
          { count: jobs, concurrency: 1, backlog: 0 },
        );
      } finally {
        await handle.close();
        // The queue's keys go with the run (its jobs are removed on completion already).
        const url = new URL(redisUrl);
        const queue = new Queue('default', {
          connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
          prefix,
        });
        await queue.obliterate({ force: true });
        await queue.close();
      }
    };
    await productRun(warmup);
    await rawBullmqCycle(redisUrl, { count: warmup });
    const project = await productRun(count);
    const ceiling = await rawBullmqCycle(redisUrl, { count });
    rows.push({
      id: 'queue_bullmq_c1',
      figure: 'BullMQ queue (ledger on SQLite), no-op jobs, concurrency 1',
      unit: 'jobs/s',
      project,
      ceiling,
      ceilingLabel: 'bare BullMQ queue + worker',
      better: 'higher',
      goal: { ratio: 0.4 },
    });
  }
  return rows;
}
