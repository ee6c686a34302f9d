#!/usr/bin/env node
// `npm run bench`: every performance figure of the product beside the ceiling of its own stack,
// measured in the same run, as a table and a JSON file. Asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { API_MAIN, ROOT } from '@tasksgodzilla/testing/api-process';
import { WORKER_MAIN } from './lib/apps.mjs';
import { formatTable, toJson } from './lib/report.mjs';
import { httpThroughput, startup } from './rows/http.mjs';
import { latency } from './rows/latency.mjs';
import { serverQueues, sqliteQueue } from './rows/queue.mjs';
import { scale } from './rows/scale.mjs';
import { sse } from './rows/sse.mjs';
import { steps } from './rows/steps.mjs';

const HELP = `Usage: npm run bench [-- options]

Measures the api, the queues, job latency, start-up, memory and read latency at scale, each beside
a ceiling of the same stack measured in the same run (bare fastify, a raw SQL loop, bare BullMQ,
the node:http floor, the same request on an empty database). Prints a table and writes JSON.

Options:
  --quick            small sizes and short runs (under two minutes)
  --only <groups>    comma-separated: ${'http,startup,queue,server-queues,latency,scale,steps,sse'}
  --json <file>      where to write the JSON (default tmp/bench/bench-<time>.json)
  --pg <url>         PostgreSQL admin URL (default postgres://postgres@127.0.0.1:5432/postgres; skipped when unreachable)
  --redis <url>      Redis URL (default redis://127.0.0.1:6379; skipped when unreachable)
  --skip-build       use the existing dist folders (default: nx builds first; cached when unchanged)
  -h, --help         this help
`;

const GROUPS = {
  http: httpThroughput,
  startup,
  queue: sqliteQueue,
  'server-queues': serverQueues,
  latency,
  scale,
  steps,
  sse,
};

/** Figures the issue names that this benchmark does not measure yet (printed, so the gap is visible). */
const NOT_YET = [];

function usage(message) {
  process.stderr.write(`${message}\n\n${HELP}`);
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        json: { type: 'string' },
        pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
        redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
        'skip-build': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    usage(error.message);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const only = parsed.only ? parsed.only.split(',').map((name) => name.trim()) : Object.keys(GROUPS);
  for (const name of only) if (!GROUPS[name]) usage(`--only: unknown group ${name}`);
  return { ...parsed, only };
}

async function pgReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function redisReachable(url) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function ensureBuilt(skip) {
  if (skip) {
    for (const file of [API_MAIN, WORKER_MAIN]) if (!existsSync(file)) usage(`--skip-build: ${file} is missing`);
    return;
  }
  process.stdout.write('building (nx run-many -t build) ...\n');
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--parallel', '2'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (result.status !== 0) {
    process.stderr.write('the build failed\n');
    process.exit(1);
  }
}

async function main() {
  const opts = options();
  ensureBuilt(opts['skip-build']);
  const pgUrl = (await pgReachable(opts.pg)) ? opts.pg : null;
  const redisUrl = (await redisReachable(opts.redis)) ? opts.redis : null;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tgz-bench-'));
  const rows = [];
  try {
    for (const name of opts.only) {
      const groupStarted = Date.now();
      process.stdout.write(`${name} ...`);
      const groupRows = await GROUPS[name]({ dir: mkdtempSync(join(dir, `${name}-`)), options: opts, pgUrl, redisUrl });
      rows.push(...groupRows);
      process.stdout.write(` ${((Date.now() - groupStarted) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const meta = {
    node: process.version,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    quick: opts.quick,
    postgres: pgUrl ? 'measured' : 'not reachable, skipped',
    redis: redisUrl ? 'measured' : 'not reachable, skipped',
    not_measured_yet: NOT_YET,
    seconds: Math.round((Date.now() - started) / 1000),
    at: new Date().toISOString(),
  };
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  process.stdout.write(
    `node ${meta.node}, ${meta.cpus} CPUs (${meta.cpu_model}); PostgreSQL ${meta.postgres}; Redis ${meta.redis}; ${meta.seconds} s\n`,
  );
  for (const figure of NOT_YET) process.stdout.write(`not measured yet: ${figure}\n`);
  const jsonPath = resolve(opts.json ?? join(ROOT, 'tmp', 'bench', `bench-${meta.at.replace(/[:.]/g, '-')}.json`));
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(toJson(rows, meta), null, 2)}\n`);
  process.stdout.write(`JSON: ${jsonPath}\n`);
}

await main();
