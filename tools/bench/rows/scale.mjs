// Latency of the read endpoints that must stay flat as history grows: health, queue stats and
// metrics over many finished jobs, and event lists over many events. The ceiling is the same
// request against an empty database, measured in the same run, requests alternating between the two.
import Database from 'better-sqlite3';
import { API_TOKEN, seedSqlite, spawnApi } from '../lib/apps.mjs';
import { percentile } from '../lib/http-load.mjs';
import { firstOk } from '../lib/processes.mjs';

const ONBOARDING_TYPES = ['setup_started', 'setup_discovery_completed', 'setup_completed'];
const OTHER_TYPES = ['step_started', 'step_completed', 'qa_passed', 'loop_decision', 'job_succeeded'];

/** Adds `jobs` finished job_runs, `events` events and `runs` protocol runs with raw inserts in one transaction each. */
function fill(path, { projectId, runId }, { jobs, events, runs }) {
  const db = new Database(path);
  const now = new Date().toISOString();
  const addJob = db.prepare(`INSERT INTO job_runs (run_id, job_type, status, queue, attempts, max_attempts, params,
    project_id, protocol_run_id, priority, run_at, created_at, updated_at, started_at, finished_at)
    VALUES (?, 'execute_step_job', ?, 'default', 1, 3, '{}', ?, ?, 0, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < jobs; i++)
      addJob.run(`bench-${i}`, i % 20 === 0 ? 'failed' : 'succeeded', projectId, runId, now, now, now, now, now);
  })();
  const addEvent =
    db.prepare(`INSERT INTO events (project_id, protocol_run_id, event_type, message, metadata, created_at)
    VALUES (?, ?, ?, ?, '{}', ?)`);
  db.transaction(() => {
    for (let i = 0; i < events; i++) {
      // One event in a thousand is an onboarding event (as on a busy server with few new projects).
      const type = i % 1000 === 0 ? ONBOARDING_TYPES[i % 3] : OTHER_TYPES[i % OTHER_TYPES.length];
      addEvent.run(projectId, runId, type, `event ${i}`, now);
    }
  })();
  const addRun =
    db.prepare(`INSERT INTO protocol_runs (project_id, protocol_name, status, base_branch, created_at, updated_at)
    VALUES (?, ?, 'completed', 'main', ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < runs; i++) addRun.run(projectId, `${String(i + 2).padStart(4, '0')}-bench`, now, now);
  })();
  db.close();
}

async function timedGet(url) {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return performance.now() - started;
}

/**
 * Medians of the same path on two servers, requests alternating between them, so a burst of load
 * from elsewhere on the machine hits the ceiling and the project alike (the ratio stays meaningful
 * on a busy machine). The first 5 of each are warm-up.
 */
async function pairedMedians(urls, samples) {
  const times = urls.map(() => []);
  for (let i = 0; i < samples + 5; i++) {
    for (const [k, url] of urls.entries()) {
      const ms = await timedGet(url);
      if (i >= 5) times[k].push(ms);
    }
  }
  return times.map((list) =>
    percentile(
      list.sort((a, b) => a - b),
      0.5,
    ),
  );
}

const PATHS = ({ projectId, runId }) => ({
  health: '/health',
  queues: '/queues',
  metrics: '/metrics',
  onboarding: '/events?kind=onboarding&limit=50',
  runEvents: `/events?protocol_run_id=${runId}&limit=50`,
  protocols: `/projects/${projectId}/protocols?limit=50`,
});

/** Every path on the empty database's api (ceiling) and the filled one's (project), interleaved. */
async function measureAll(emptyDir, empty, fullDir, full, samples) {
  const apis = [await spawnApi(emptyDir, empty.path), await spawnApi(fullDir, full.path)];
  try {
    for (const api of apis) await firstOk(`${api.base}/health`, performance.now());
    const out = { empty: {}, full: {} };
    const emptyPaths = PATHS(empty);
    const fullPaths = PATHS(full);
    for (const key of Object.keys(emptyPaths)) {
      [out.empty[key], out.full[key]] = await pairedMedians(
        [`${apis[0].base}${emptyPaths[key]}`, `${apis[1].base}${fullPaths[key]}`],
        samples,
      );
    }
    return out;
  } finally {
    for (const api of apis) await api.stop();
  }
}

/** The read endpoints on an empty database (ceiling) and on a large one (project). */
export async function scale({ dir, options }) {
  const size = options.quick
    ? { jobs: 20_000, events: 100_000, runs: 2_000 }
    : { jobs: 1_000_000, events: 1_000_000, runs: 10_000 };
  const samples = options.quick ? 20 : 100;
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const emptyDir = mkdtempSync(join(dir, 'empty-'));
  const fullDir = mkdtempSync(join(dir, 'full-'));
  const emptySeed = await seedSqlite(emptyDir);
  const seeded = await seedSqlite(fullDir);
  fill(seeded.path, seeded, size);
  const { empty, full } = await measureAll(emptyDir, emptySeed, fullDir, seeded, samples);
  const jobs = `${size.jobs.toLocaleString('en')} finished jobs`;
  const events = `${size.events.toLocaleString('en')} events`;
  const row = (id, figure, key, max) => ({
    id,
    figure,
    unit: 'ms',
    project: full[key],
    ceiling: empty[key],
    ceilingLabel: 'same request, empty database',
    better: 'lower',
    goal: { max },
  });
  return [
    row('health_ms', `GET /health with ${jobs}`, 'health', 2),
    row('queues_ms', `GET /queues with ${jobs}`, 'queues', 2),
    row('metrics_ms', `GET /metrics with ${jobs}`, 'metrics', 2),
    row('events_onboarding_ms', `GET /events?kind=onboarding at ${events}`, 'onboarding', 5),
    row('events_run_ms', `GET /events?protocol_run_id (one run) at ${events}`, 'runEvents', 10),
    row(
      'protocols_list_ms',
      `GET /projects/{id}/protocols?limit=50 at ${size.runs.toLocaleString('en')} runs`,
      'protocols',
      10,
    ),
  ];
}
