// Enqueue-to-finished latency of a no-op job: the worker in another process (the deployed shape)
// beside a worker runner in the producer's own process. Times come from the ledger's own
// created_at / finished_at, so the benchmark's waiting does not add to them.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStorage, migrateToLatest, openDatabase } from '@tasksgodzilla/platform-storage';
import { createQueue, createWorkerRunner } from '@tasksgodzilla/platform-queue';
import { NOOP, benchJobTypes } from '../lib/bench-queue.mjs';
import { percentile } from '../lib/http-load.mjs';
import { startScriptServer } from '../lib/processes.mjs';
import { withPgDatabase } from './queue.mjs';

const WORKER = fileURLToPath(new URL('../servers/queue-worker.mjs', import.meta.url));
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Enqueues `count` jobs one at a time, each after the previous finished (plus `gapMs`); returns ledger latencies. */
async function sequentialLatencies(queue, storage, count, gapMs) {
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const job = await storage.transaction((tx) => queue.enqueue({ job_type: NOOP, payload: { i } }, { tx }));
    let done = await queue.get(job.run_id);
    while (done.status !== 'succeeded') {
      await settle(1);
      done = await queue.get(job.run_id);
    }
    // The ledger's timestamps have millisecond resolution: a job finished within the millisecond it was
    // created in counts as 1 ms (its resolution), not 0.
    latencies.push(Math.max(1, Date.parse(done.finished_at) - Date.parse(done.created_at)));
    if (gapMs > 0) await settle(gapMs);
  }
  return latencies.sort((a, b) => a - b);
}

/** Same-process p50, then cross-process latencies (steady, and after idle gaps) against `workerTarget`. */
async function measure(handle, workerTarget, { count, idleMs, idleCount }) {
  const storage = createStorage(handle);
  const queue = createQueue({ backend: 'embedded', db: handle.db, dialect: handle.dialect, jobTypes: benchJobTypes() });
  try {
    const local = createWorkerRunner({ queue, concurrency: 1, handlers: { [NOOP]: async () => undefined } });
    local.start();
    const same = await sequentialLatencies(queue, storage, count, 0);
    await local.stop();
    const worker = await startScriptServer(WORKER, [workerTarget]);
    try {
      await sequentialLatencies(queue, storage, 3, 0); // warm-up: the worker's first statements
      const cross = await sequentialLatencies(queue, storage, count, 0);
      const afterIdle = await sequentialLatencies(queue, storage, idleCount, idleMs);
      return { same, cross, afterIdle };
    } finally {
      await worker.stop();
    }
  } finally {
    await queue.close();
  }
}

export async function latency({ dir, options, pgUrl }) {
  const settings = {
    count: options.quick ? 30 : 200,
    idleMs: options.quick ? 2500 : 5000,
    idleCount: options.quick ? 2 : 5,
  };
  const path = join(dir, 'latency.sqlite');
  const handle = openDatabase({ path });
  await migrateToLatest(handle);
  let sqlite;
  try {
    sqlite = await measure(handle, path, settings);
  } finally {
    await handle.close();
  }
  const row = (id, figure, project, ceiling, max) => ({
    id,
    figure,
    unit: 'ms',
    project,
    ceiling,
    ceilingLabel: 'worker in the same process, p50',
    better: 'lower',
    goal: { max },
  });
  const rows = [
    row(
      'job_latency_p50',
      'enqueue → finished, worker in another process (SQLite), p50',
      percentile(sqlite.cross, 0.5),
      percentile(sqlite.same, 0.5),
      20,
    ),
    row(
      'job_latency_p99',
      'enqueue → finished, worker in another process (SQLite), p99',
      percentile(sqlite.cross, 0.99),
      percentile(sqlite.same, 0.5),
      100,
    ),
    row(
      'job_latency_after_idle',
      `enqueue → finished after ${settings.idleMs / 1000} s idle, worker in another process, worst`,
      sqlite.afterIdle[sqlite.afterIdle.length - 1],
      percentile(sqlite.same, 0.5),
      100,
    ),
  ];
  if (pgUrl) {
    const pgRun = await withPgDatabase(pgUrl, async (url) => {
      const pgHandle = openDatabase({ url });
      await migrateToLatest(pgHandle);
      try {
        return await measure(pgHandle, url, settings);
      } finally {
        await pgHandle.close();
      }
    });
    rows.push(
      row(
        'job_latency_pg_p50',
        'enqueue → finished, worker in another process (PostgreSQL), p50',
        percentile(pgRun.cross, 0.5),
        percentile(pgRun.same, 0.5),
        10,
      ),
      row(
        'job_latency_pg_after_idle',
        `enqueue → finished after ${settings.idleMs / 1000} s idle, worker in another process (PostgreSQL), worst`,
        pgRun.afterIdle[pgRun.afterIdle.length - 1],
        percentile(pgRun.same, 0.5),
        100,
      ),
    );
  }
  return rows;
}
