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
    latencies.push(Date.parse(done.finished_at) - Date.parse(done.created_at));
    if (gapMs > 0) await settle(gapMs);
  }
  return latencies.sort((a, b) => a - b);
}

export async function latency({ dir, options }) {
  const count = options.quick ? 30 : 200;
  const idleMs = options.quick ? 2500 : 5000;
  const path = join(dir, 'latency.sqlite');
  const handle = openDatabase({ path });
  await migrateToLatest(handle);
  const storage = createStorage(handle);
  const queue = createQueue({ backend: 'embedded', db: handle.db, dialect: handle.dialect, jobTypes: benchJobTypes() });
  try {
    const local = createWorkerRunner({ queue, concurrency: 1, handlers: { [NOOP]: async () => undefined } });
    local.start();
    const same = await sequentialLatencies(queue, storage, count, 0);
    await local.stop();
    const worker = await startScriptServer(WORKER, [path]);
    let cross;
    let afterIdle;
    try {
      cross = await sequentialLatencies(queue, storage, count, 0);
      afterIdle = await sequentialLatencies(queue, storage, options.quick ? 2 : 5, idleMs);
    } finally {
      await worker.stop();
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
    const p50 = percentile(same, 0.5);
    return [
      row(
        'job_latency_p50',
        'enqueue → finished, worker in another process (SQLite), p50',
        percentile(cross, 0.5),
        p50,
        20,
      ),
      row(
        'job_latency_p99',
        'enqueue → finished, worker in another process (SQLite), p99',
        percentile(cross, 0.99),
        p50,
        100,
      ),
      row(
        'job_latency_after_idle',
        `enqueue → finished after ${idleMs / 1000} s idle, worker in another process, worst`,
        afterIdle[afterIdle.length - 1],
        p50,
        100,
      ),
    ];
  } finally {
    await queue.close();
    await handle.close();
  }
}
