import { randomBytes } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type TasksGodzillaClient } from '@tasksgodzilla/client';
import {
  createTempDir,
  createTestPostgresDatabase,
  createTestRepo,
  REDIS_URL,
  type TempDir,
  type TestPostgresDatabase,
  type TestRepo,
} from '@tasksgodzilla/testing';
import {
  API_MAIN,
  deleteRedisKeys,
  freePort,
  startApp,
  WORKER_MAIN,
  type AppProcess,
} from './processes.test-helpers.js';

export const TEMPLATE_DIR = fileURLToPath(new URL('./fixtures/template/', import.meta.url));
export const API_TOKEN = 'e2e-api-token';
export const WEBHOOK_SECRET = 'e2e-webhook-secret';

/**
 * - `sqlite-worker`: api + two separate worker processes sharing one SQLite file (embedded queue);
 * - `sqlite-inline`: the api alone, with its inline worker;
 * - `postgres-bullmq`: api + two workers on a fresh PostgreSQL database and BullMQ on Redis.
 */
export type StackKind = 'sqlite-worker' | 'sqlite-inline' | 'postgres-bullmq';

export interface Stack {
  kind: StackKind;
  dir: TempDir;
  repo: TestRepo;
  api: AppProcess;
  workers: AppProcess[];
  client: TasksGodzillaClient;
  /** A copy of the template with some step files replaced. */
  template(files?: Record<string, string>): string;
  close(): Promise<void>;
}

export interface StackEnvOptions {
  /** PostgreSQL + BullMQ on Redis (`REDIS_URL`) with this database and queue key prefix; SQLite otherwise. */
  postgres?: { url: string; queuePrefix: string };
  /** Variables that win over the defaults (a suite's own lease, attempts, timeouts). */
  overrides?: Record<string, string>;
}

/** The environment every e2e api and worker process of one stack is started with. */
export function stackEnv(dataDir: string, options: StackEnvOptions = {}): Record<string, string> {
  return {
    TASKSGODZILLA_DATA_DIR: dataDir,
    TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
    TASKSGODZILLA_API_TOKEN: API_TOKEN,
    TASKSGODZILLA_WEBHOOK_TOKEN: WEBHOOK_SECRET,
    TASKSGODZILLA_LOG_LEVEL: 'warn',
    TASKSGODZILLA_GIT_USER: 'TasksGodzilla E2E',
    TASKSGODZILLA_GIT_EMAIL: 'e2e@tasksgodzilla.invalid',
    TASKSGODZILLA_GITHUB_API_URL: 'http://127.0.0.1:9',
    TASKSGODZILLA_GITLAB_API_URL: 'http://127.0.0.1:9',
    TASKSGODZILLA_WORKER_CONCURRENCY: '2',
    TASKSGODZILLA_LEASE_SECONDS: '10',
    TASKSGODZILLA_ENGINE_TIMEOUT_SECONDS: '300',
    ...(options.postgres
      ? {
          TASKSGODZILLA_DB_URL: options.postgres.url,
          TASKSGODZILLA_QUEUE_BACKEND: 'bullmq',
          TASKSGODZILLA_REDIS_URL: REDIS_URL,
          TASKSGODZILLA_QUEUE_PREFIX: options.postgres.queuePrefix,
        }
      : {}),
    ...options.overrides,
  };
}

export async function startStack(kind: StackKind): Promise<Stack> {
  const dir = createTempDir(`tgz-e2e-${kind}-`);
  const repo = createTestRepo(join(dir.path, 'git'));
  let database: TestPostgresDatabase | undefined;
  const prefix = `tgz-e2e-${randomBytes(5).toString('hex')}`;
  if (kind === 'postgres-bullmq') database = await createTestPostgresDatabase('tgz_e2e');
  const env = stackEnv(
    join(dir.path, 'data'),
    database ? { postgres: { url: database.url, queuePrefix: prefix } } : {},
  );

  const started: AppProcess[] = [];
  const cleanup = async () => {
    await Promise.all(started.map((app) => app.stop()));
    if (database) await database.drop();
    if (kind === 'postgres-bullmq') await deleteRedisKeys(REDIS_URL, prefix);
    dir.remove();
  };
  try {
    // The api migrates the database; workers start after it.
    const apiPort = await freePort();
    const api = await startApp(
      'api',
      API_MAIN,
      apiPort,
      [
        '--host',
        '127.0.0.1',
        '--port',
        String(apiPort),
        ...(kind === 'sqlite-inline' ? ['--inline-worker'] : ['--no-inline-worker']),
      ],
      env,
      dir.path,
    );
    started.push(api);
    const workerCount = kind === 'sqlite-inline' ? 0 : 2;
    const workers: AppProcess[] = [];
    for (let index = 0; index < workerCount; index++) {
      const port = await freePort();
      const worker = await startApp(
        `worker-${index + 1}`,
        WORKER_MAIN,
        port,
        ['--port', String(port), '--worker-id', `e2e-worker-${index + 1}`, '--shutdown-timeout', '10'],
        env,
        dir.path,
      );
      started.push(worker);
      workers.push(worker);
    }
    return {
      kind,
      dir,
      repo,
      api,
      workers,
      client: createClient({ baseUrl: api.url, token: API_TOKEN, timeoutMs: 60_000 }),
      template(files = {}) {
        const target = join(dir.path, `template-${randomBytes(3).toString('hex')}`);
        cpSync(TEMPLATE_DIR, target, { recursive: true });
        for (const [name, content] of Object.entries(files)) writeFileSync(join(target, name), content);
        return target;
      },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Polls `read` until `check` holds; fails with the last value after `timeoutMs` (never asserts a duration). */
export async function waitFor<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
