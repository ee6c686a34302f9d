import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createManualClock, type Clock } from '@tasksgodzilla/core';
import {
  createStorage,
  migrateToLatest,
  openDatabase,
  type DatabaseHandle,
  type Storage,
} from '@tasksgodzilla/platform-storage';
import {
  REDIS_URL,
  createTempDir,
  createTestPostgresDatabase,
  postgresAvailable,
  redisAvailable,
  type TempDir,
  type TestPostgresDatabase,
} from '@tasksgodzilla/testing';
import { createQueue, type BackoffFn, type JobQueue, type QueueDefaults } from '../src/index.js';
import type { EmbeddedQueueOptions } from '../src/queue.types.js';
import { testJobTypes } from './fixtures/test-job-types.js';

export type BackendName = 'sqlite' | 'postgres' | 'bullmq';

export interface QueueFactoryOptions {
  /** Another connection to the same database (see openHandle); default the harness's own. */
  handle?: DatabaseHandle;
  clock?: Clock;
  backoff?: BackoffFn;
  defaults?: Partial<QueueDefaults>;
  /** The embedded backend's wake-ups (default: its own default). */
  wakeups?: EmbeddedQueueOptions['wakeups'];
}

/** One backend under test: a migrated database, plus Redis for bullmq, and per-test isolation. */
export interface Harness {
  readonly name: BackendName;
  readonly handle: DatabaseHandle;
  readonly storage: Storage;
  /** PostgreSQL URL of the test database (postgres and bullmq backends). */
  readonly databaseUrl: string | undefined;
  /** Redis key prefix of the current test (bullmq only). */
  readonly prefix: string;
  createQueue(options?: QueueFactoryOptions): JobQueue;
  /**
   * Another pool to the same PostgreSQL database, closed by cleanup(). On SQLite this is the harness's
   * own handle: one connection per process (a second one in the same process would block the event
   * loop on the file lock its sibling holds); several processes are covered by the crash test.
   */
  openHandle(): DatabaseHandle;
  /** A raw BullMQ queue on the current test's prefix, for assertions (bullmq only). */
  bullQueue(name?: string): Queue;
  /** Empties the ledger and starts a fresh Redis prefix. */
  reset(): Promise<void>;
  /** Closes queues, deletes Redis keys; call in afterEach. */
  cleanup(): Promise<void>;
  teardown(): Promise<void>;
}

/** The backends this machine can run; under CI=true an unreachable service throws instead. */
export async function availableBackends(): Promise<BackendName[]> {
  const names: BackendName[] = ['sqlite'];
  const pg = await postgresAvailable();
  if (pg) names.push('postgres');
  if (pg && (await redisAvailable())) names.push('bullmq');
  return names;
}

export const START = '2026-03-01T10:00:00.000Z';

export function manualClock() {
  return createManualClock(START);
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export async function createHarness(name: BackendName): Promise<Harness> {
  let dir: TempDir | undefined;
  let database: TestPostgresDatabase | undefined;
  let handle: DatabaseHandle;
  if (name === 'sqlite') {
    dir = createTempDir('tgz-queue-');
    handle = openDatabase({ path: `${dir.path}/queue.sqlite` });
  } else {
    database = await createTestPostgresDatabase('tgz_queue');
    handle = openDatabase({ url: database.url, poolSize: 10 });
  }
  await migrateToLatest(handle);
  const storage = createStorage(handle);
  const redis = name === 'bullmq' ? new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }) : undefined;
  const queues: JobQueue[] = [];
  const peeks: Queue[] = [];
  const extraHandles: DatabaseHandle[] = [];
  let prefix = '';

  const newPrefix = () => `tgz-test-${randomBytes(5).toString('hex')}`;

  const harness: Harness = {
    name,
    handle,
    storage,
    databaseUrl: database?.url,
    get prefix() {
      return prefix;
    },
    createQueue(options = {}) {
      const db = options.handle ?? handle;
      const common = {
        db: db.db,
        dialect: db.dialect,
        jobTypes: testJobTypes(),
        clock: options.clock,
        backoff: options.backoff ?? (() => 0),
        defaults: options.defaults,
      };
      const queue =
        name === 'bullmq'
          ? createQueue({ ...common, backend: 'bullmq', redisUrl: REDIS_URL, prefix })
          : createQueue({
              ...common,
              backend: 'embedded',
              ...(options.wakeups !== undefined ? { wakeups: options.wakeups } : {}),
            });
      queues.push(queue);
      return queue;
    },
    openHandle() {
      if (name === 'sqlite') return handle;
      const extra = openDatabase({ url: database!.url, poolSize: 5 });
      extraHandles.push(extra);
      return extra;
    },
    bullQueue(queueName = 'default') {
      if (name !== 'bullmq') throw new Error('bullQueue is for the bullmq backend');
      const queue = new Queue(queueName, { connection: { url: REDIS_URL, maxRetriesPerRequest: 1 }, prefix });
      peeks.push(queue);
      return queue;
    },
    async reset() {
      await handle.db.deleteFrom('job_runs').execute();
      prefix = newPrefix();
    },
    async cleanup() {
      await Promise.all(queues.splice(0).map((queue) => queue.close()));
      await Promise.all(peeks.splice(0).map((queue) => queue.close()));
      await Promise.all(extraHandles.splice(0).map((extra) => extra.close()));
      if (redis && prefix) await deleteKeys(redis, prefix);
    },
    async teardown() {
      await harness.cleanup();
      await redis?.quit();
      await handle.close();
      await database?.drop();
      dir?.remove();
    },
  };
  prefix = newPrefix();
  return harness;
}

/** Polls `check` until it returns a truthy value (default: give up after 15 s). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what = 'condition',
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A promise plus its resolver, for handlers that signal the test. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Resolves never; rejects with the signal's reason once aborted (a well-behaved long handler), and
 * first notes that reason in `reasons` when given.
 */
export function untilAborted(signal: AbortSignal, reasons?: unknown[]): Promise<never> {
  return new Promise<never>((_, reject) => {
    const abort = () => {
      reasons?.push(signal.reason);
      reject(signal.reason);
    };
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Registers the hooks of one backend's suite and returns its harness: created once, reset before each
 * test, cleaned up after it (after `beforeCleanup`, which stops what the test started), torn down at
 * the end. The returned object forwards to the harness of the running suite.
 */
export function useHarness(name: BackendName, beforeCleanup?: () => unknown): Harness {
  let current: Harness | undefined;
  const harness = (): Harness => {
    if (!current) throw new Error(`the ${name} harness exists only while its suite runs`);
    return current;
  };
  beforeAll(async () => {
    current = await createHarness(name);
  });
  afterAll(async () => {
    await current?.teardown();
    current = undefined;
  });
  beforeEach(() => harness().reset());
  afterEach(async () => {
    await beforeCleanup?.();
    await harness().cleanup();
  });
  return new Proxy({} as Harness, { get: (_target, key) => Reflect.get(harness(), key) as unknown });
}
