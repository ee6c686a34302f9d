import { randomBytes } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type ClientOptions, type TasksGodzillaClient } from '@tasksgodzilla/client';
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
import { createContractWatch, type ContractWatch } from '../src/contract-watch.test-helpers.js';

export const TEMPLATE_DIR = fileURLToPath(new URL('./fixtures/template/', import.meta.url));
export const API_TOKEN = 'e2e-api-token';
export const WEBHOOK_SECRET = 'e2e-webhook-secret';

/**
 * - `sqlite-worker`: api + two separate worker processes sharing one SQLite file (embedded queue);
 * - `sqlite-inline`: the api alone, with its inline worker;
 * - `postgres-bullmq`: api + two workers on a fresh PostgreSQL database and BullMQ on Redis.
 */
export type StackKind = 'sqlite-worker' | 'sqlite-inline' | 'postgres-bullmq';

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

/** The files, database and environment of one stack, and clients of its api checked against the contract. */
export interface StackResources {
  dir: TempDir;
  repo: TestRepo;
  /** The environment of every api and worker process of the stack (`stackEnv`). */
  env: Record<string, string>;
  /** Every answer a client of the stack got that was off the api contract (such a call fails). */
  contract: ContractWatch;
  /** A client of `baseUrl` (the bearer token by default) whose every answer is checked against the contract. */
  client(baseUrl: string, options?: Omit<ClientOptions, 'baseUrl' | 'fetch'>): TasksGodzillaClient;
  /** A copy of the template with some step files replaced. */
  template(files?: Record<string, string>): string;
  /** Drops the database and the queue's Redis keys, removes the folder; then fails on answers off the contract. */
  release(): Promise<void>;
}

export interface StackResourceOptions extends Pick<StackEnvOptions, 'overrides'> {
  /** A fresh PostgreSQL database and a random Redis prefix (BullMQ) instead of a SQLite file. */
  distributed?: boolean;
}

/** A temp folder with a test repo, the database of the stack and the environment its processes share. */
export async function createStackResources(name: string, options: StackResourceOptions = {}): Promise<StackResources> {
  const dir = createTempDir(`tgz-${name}-`);
  const repo = createTestRepo(join(dir.path, 'git'));
  const queuePrefix = `tgz-${name}-${randomBytes(5).toString('hex')}`;
  const database: TestPostgresDatabase | undefined = options.distributed
    ? await createTestPostgresDatabase('tgz_e2e')
    : undefined;
  const env = stackEnv(join(dir.path, 'data'), {
    ...(database ? { postgres: { url: database.url, queuePrefix } } : {}),
    overrides: options.overrides,
  });
  const contract = createContractWatch();
  return {
    dir,
    repo,
    env,
    contract,
    client: (baseUrl, clientOptions = {}) =>
      createClient({ token: API_TOKEN, timeoutMs: 60_000, ...clientOptions, baseUrl, fetch: contract.fetch }),
    template(files = {}) {
      const target = join(dir.path, `template-${randomBytes(3).toString('hex')}`);
      cpSync(TEMPLATE_DIR, target, { recursive: true });
      for (const [file, content] of Object.entries(files)) writeFileSync(join(target, file), content);
      return target;
    },
    async release() {
      if (database) await database.drop();
      if (options.distributed) await deleteRedisKeys(REDIS_URL, queuePrefix);
      dir.remove();
      contract.assertAllReported();
    },
  };
}

/** The built api of a stack on `port`, with or without its inline worker. */
export async function startStackApi(
  stack: Pick<StackResources, 'env' | 'dir'>,
  options: { port: number; inlineWorker: boolean },
): Promise<AppProcess> {
  const { port } = options;
  const worker = options.inlineWorker ? '--inline-worker' : '--no-inline-worker';
  return startApp(
    'api',
    API_MAIN,
    port,
    ['--host', '127.0.0.1', '--port', String(port), worker],
    stack.env,
    stack.dir.path,
  );
}

/** A built worker of a stack on a free port. */
export async function startStackWorker(
  stack: Pick<StackResources, 'env' | 'dir'>,
  options: { name: string; workerId: string; shutdownTimeoutSeconds: number },
): Promise<AppProcess> {
  const port = await freePort();
  const args = ['--port', String(port), '--worker-id', options.workerId];
  args.push('--shutdown-timeout', String(options.shutdownTimeoutSeconds));
  return startApp(options.name, WORKER_MAIN, port, args, stack.env, stack.dir.path);
}

export interface Stack extends Omit<StackResources, 'client' | 'release'> {
  kind: StackKind;
  api: AppProcess;
  workers: AppProcess[];
  /** A client of the api with the bearer token, its answers checked against the contract. */
  client: TasksGodzillaClient;
  /** Another client of the api (say, without the token), checked the same way. */
  clientWith(options?: Omit<ClientOptions, 'baseUrl' | 'fetch'>): TasksGodzillaClient;
  /** Stops the processes and releases the resources; fails on answers off the contract. */
  close(): Promise<void>;
}

export async function startStack(kind: StackKind): Promise<Stack> {
  const resources = await createStackResources(`e2e-${kind}`, { distributed: kind === 'postgres-bullmq' });
  const started: AppProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((app) => app.stop()));
    await resources.release();
  };
  try {
    // The api migrates the database; workers start after it.
    const api = await startStackApi(resources, { port: await freePort(), inlineWorker: kind === 'sqlite-inline' });
    started.push(api);
    const workers: AppProcess[] = [];
    for (let index = 0; index < (kind === 'sqlite-inline' ? 0 : 2); index++) {
      const name = `worker-${index + 1}`;
      workers.push(await startStackWorker(resources, { name, workerId: `e2e-${name}`, shutdownTimeoutSeconds: 10 }));
      started.push(workers[index]!);
    }
    const { client, release: _release, ...rest } = resources;
    return {
      ...rest,
      kind,
      api,
      workers,
      client: client(api.url),
      clientWith: (options) => client(api.url, options),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

export { waitFor } from '@tasksgodzilla/testing';
