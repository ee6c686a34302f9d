// The built apps as the benchmark runs them: a seeded SQLite file, then the api or the worker on it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { API_MAIN, ROOT, freePort } from '@tasksgodzilla/testing/api-process';
import { createStorage, migrateToLatest, openDatabase } from '@tasksgodzilla/platform-storage';
import { stopChild } from './processes.mjs';

export const WORKER_MAIN = join(ROOT, 'apps', 'worker', 'dist', 'bin.cjs');
export const API_TOKEN = 'bench-token';

/** Migrates a fresh SQLite file under `dir` and adds one project and one protocol run; returns their ids and the file. */
export async function seedSqlite(dir) {
  const path = join(dir, 'bench.sqlite');
  const handle = openDatabase({ path });
  await migrateToLatest(handle);
  const storage = createStorage(handle);
  const project = await storage.projects.create({ name: 'bench', git_url: join(dir, 'origin.git') });
  const run = await storage.protocolRuns.create({
    project_id: project.id,
    protocol_name: '0001-bench',
    base_branch: 'main',
  });
  await handle.close();
  return { path, projectId: project.id, runId: run.id };
}

/** The environment of a benchmarked app: the bench's database, a token, the shell engine, the default log level. */
export function appEnv(dir, dbPath, extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('TASKSGODZILLA_') && key !== 'NODE_OPTIONS') env[key] = value;
  return {
    ...env,
    TASKSGODZILLA_DATA_DIR: join(dir, 'data'),
    TASKSGODZILLA_DB_PATH: dbPath,
    TASKSGODZILLA_API_TOKEN: API_TOKEN,
    TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
    ...extra,
  };
}

/** Starts `node <main> ...args` (output discarded unless BENCH_VERBOSE) and returns the child with a stop(). */
export function spawnApp(main, args, env) {
  const child = spawn(process.execPath, [main, ...args], {
    env,
    stdio: [
      'ignore',
      process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
      process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
    ],
  });
  return { child, stop: () => stopChild(child) };
}

/** The built api on a free port. */
export async function spawnApi(dir, dbPath, extra = {}) {
  const port = await freePort();
  const app = spawnApp(API_MAIN, ['--host', '127.0.0.1', '--port', String(port)], appEnv(dir, dbPath, extra));
  return { ...app, base: `http://127.0.0.1:${port}` };
}

/** The built worker with its health port on a free port. */
export async function spawnWorker(dir, dbPath, extra = {}) {
  const port = await freePort();
  const app = spawnApp(WORKER_MAIN, [], appEnv(dir, dbPath, { TASKSGODZILLA_WORKER_PORT: String(port), ...extra }));
  return { ...app, base: `http://127.0.0.1:${port}` };
}
