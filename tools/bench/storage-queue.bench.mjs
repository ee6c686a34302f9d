#!/usr/bin/env node
// Throughput and memory of the storage and the embedded queue, on SQLite and (when reachable)
// PostgreSQL. Prints numbers; asserts nothing. Run `npm run build` first.
//   node tools/bench/storage-queue.bench.mjs [--jobs 500] [--events 2000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createStorage, migrateToLatest, openDatabase } from '@tasksgodzilla/platform-storage';
import { createJobTypeRegistry, createQueue, createWorkerRunner } from '@tasksgodzilla/platform-queue';
import { registerOrchestratorJobTypes } from '@tasksgodzilla/services-orchestrator';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '500' },
    events: { type: 'string', default: '2000' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const JOBS = Number(values.jobs);
const EVENTS = Number(values.events);

const mib = () => (process.memoryUsage().rss / 1024 / 1024).toFixed(1);
const rate = (n, ms) => `${Math.round((n / ms) * 1000)}/s`;
async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function bench(label, handle) {
  await migrateToLatest(handle);
  const storage = createStorage(handle);
  const project = await storage.projects.create({ name: 'bench', git_url: '/tmp/bench.git' });
  const run = await storage.protocolRuns.create({
    project_id: project.id,
    protocol_name: '0001-bench',
    base_branch: 'main',
  });

  const appendMs = await timed(async () => {
    for (let i = 0; i < EVENTS; i++) {
      await storage.events.append({
        project_id: project.id,
        protocol_run_id: run.id,
        event_type: i % 10 === 0 ? 'loop_decision' : 'step_completed',
        message: `event ${i}`,
        metadata: { i },
      });
    }
  });
  let pages = 0;
  const listMs = await timed(async () => {
    let cursor = null;
    do {
      const page = await storage.events.list({ protocol_run_id: run.id }, { limit: 100, cursor });
      pages += 1;
      cursor = page.next_cursor;
    } while (cursor);
  });

  // The product's job types, as the runtime registers them: payloads are validated as in production.
  const jobTypes = registerOrchestratorJobTypes(createJobTypeRegistry());
  const queue = createQueue({ backend: 'embedded', db: handle.db, dialect: handle.dialect, jobTypes });
  const enqueueMs = await timed(async () => {
    for (let i = 0; i < JOBS; i++) {
      await storage.transaction(async (tx) => {
        await queue.enqueue(
          {
            job_type: 'spec_audit_job',
            payload: { project_id: project.id, protocol_id: null, backfill_missing: false },
            idempotency_key: `bench-${i}`,
          },
          { tx },
        );
      });
    }
  });
  let handled = 0;
  const runner = createWorkerRunner({
    queue,
    concurrency: 4,
    handlers: { spec_audit_job: async () => void (handled += 1) },
  });
  const drainMs = await timed(() => runner.drain());
  await runner.stop();
  const stats = await queue.stats();
  await queue.close();
  await handle.close();

  console.log(`${label}`);
  console.log(
    `  events: append ${EVENTS} in ${appendMs.toFixed(0)} ms (${rate(EVENTS, appendMs)}), list ${pages} pages of 100 in ${listMs.toFixed(0)} ms`,
  );
  console.log(
    `  queue:  enqueue ${JOBS} (one tx each) in ${enqueueMs.toFixed(0)} ms (${rate(JOBS, enqueueMs)}), claim+run+complete ${handled} in ${drainMs.toFixed(0)} ms (${rate(handled, drainMs)}), succeeded ${stats.queues.default.succeeded}`,
  );
  console.log(`  rss:    ${mib()} MiB`);
}

const dir = mkdtempSync(join(tmpdir(), 'tgz-bench-'));
try {
  console.log(`node ${process.version}, ${JOBS} jobs, ${EVENTS} events; rss at start ${mib()} MiB`);
  await bench('sqlite (file, WAL)', openDatabase({ path: join(dir, 'bench.sqlite') }));
  const admin = new pg.Client({ connectionString: values.pg });
  const reachable = await admin.connect().then(
    () => true,
    () => false,
  );
  if (reachable) {
    const name = `tgz_bench_${process.pid}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(values.pg);
      url.pathname = `/${name}`;
      await bench('postgresql', openDatabase({ url: url.toString() }));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  } else {
    console.log('postgresql: not reachable, skipped');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
