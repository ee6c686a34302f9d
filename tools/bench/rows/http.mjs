// HTTP throughput of the api beside fastify's own ceilings, and the start-up cost and idle memory
// of the api and the worker beside the node:http floor.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_TOKEN, seedSqlite, spawnApi, spawnWorker } from '../lib/apps.mjs';
import { httpLoad } from '../lib/http-load.mjs';
import { firstOk, rssMiB, startScriptServer } from '../lib/processes.mjs';

const servers = fileURLToPath(new URL('../servers/', import.meta.url));
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function load(url, options, headers = {}) {
  const result = await httpLoad({
    url,
    connections: 10,
    durationMs: options.quick ? 1500 : 8000,
    warmupMs: options.quick ? 300 : 2000,
    headers,
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${url}: ${result.errors} connection errors, ${result.non2xx} non-2xx answers`);
  return result.rps;
}

/** GET /health and GET /protocols/{id} (auth on) at 10 connections, each beside its ceiling. */
export async function httpThroughput({ dir, options }) {
  const seeded = await seedSqlite(dir);
  const api = await spawnApi(dir, seeded.path);
  let health;
  let read;
  try {
    await firstOk(`${api.base}/health`, performance.now());
    health = await load(`${api.base}/health`, options);
    read = await load(`${api.base}/protocols/${seeded.runId}`, options, { authorization: `Bearer ${API_TOKEN}` });
  } finally {
    await api.stop();
  }
  const bare = await startScriptServer(join(servers, 'bare-fastify.mjs'));
  let bareHealth;
  try {
    bareHealth = await load(`${bare.url}/health`, options);
  } finally {
    await bare.stop();
  }
  const rowServer = await startScriptServer(join(servers, 'fastify-sqlite.mjs'), [seeded.path]);
  let rowRead;
  try {
    rowRead = await load(`${rowServer.url}/protocols/${seeded.runId}`, options);
  } finally {
    await rowServer.stop();
  }
  return [
    {
      id: 'api_health_rps',
      figure: 'GET /health, 10 connections',
      unit: 'req/s',
      project: health,
      ceiling: bareHealth,
      ceilingLabel: 'bare fastify 5',
      better: 'higher',
      goal: { ratio: 0.5 },
    },
    {
      id: 'api_protocol_read_rps',
      figure: 'GET /protocols/{id}, 10 connections, auth on',
      unit: 'req/s',
      project: read,
      ceiling: rowRead,
      ceilingLabel: 'fastify 5 + one better-sqlite3 row + JSON',
      better: 'higher',
      goal: { ratio: 0.5 },
    },
  ];
}

/** Start to first 200 and idle RSS: api (/health) and worker (its health port), beside node:http. */
export async function startup({ dir, options }) {
  const seeded = await seedSqlite(join(dir));
  const idleMs = options.quick ? 1000 : 5000;
  const measure = async (spawnIt, path) => {
    const started = performance.now();
    const app = await spawnIt();
    try {
      const ms = await firstOk(`${app.base ?? app.url}${path}`, started);
      await settle(idleMs);
      return { ms, rss: rssMiB(app.child.pid) };
    } finally {
      await app.stop();
    }
  };
  // Each measured twice and the better taken: the first start of a process also warms the page cache.
  const best = async (spawnIt, path) => {
    const a = await measure(spawnIt, path);
    const b = await measure(spawnIt, path);
    return { ms: Math.min(a.ms, b.ms), rss: Math.min(a.rss, b.rss) };
  };
  const floor = await best(() => startScriptServer(join(servers, 'node-floor.mjs')), '/');
  const api = await best(() => spawnApi(dir, seeded.path), '/health');
  const worker = await best(() => spawnWorker(dir, seeded.path), '/health');
  const row = (id, figure, unit, project, ceiling, max) => ({
    id,
    figure,
    unit,
    project,
    ceiling,
    ceilingLabel: 'node:http floor',
    better: 'lower',
    goal: { max },
  });
  return [
    row('api_start_ms', 'api start to first 200 /health', 'ms', api.ms, floor.ms, 350),
    row('api_idle_rss', 'api idle RSS', 'MiB', api.rss, floor.rss, 80),
    row('worker_start_ms', 'worker start to first 200 /health', 'ms', worker.ms, floor.ms, 200),
    row('worker_idle_rss', 'worker idle RSS', 'MiB', worker.rss, floor.rss, 60),
  ];
}
