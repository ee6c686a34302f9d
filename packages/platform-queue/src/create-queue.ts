import { ConfigError, systemClock, type Config } from '@tasksgodzilla/core';
import type { Executor, SqlDialect } from '@tasksgodzilla/platform-storage';
import { createEmbeddedTransport } from './embedded-transport.js';
import { createLazyTransport } from './lazy-transport.js';
import { createLedgerQueue, noopLogger } from './ledger-queue.js';
import type { CreateQueueOptions, EmbeddedQueueOptions, JobQueue, QueueLogger } from './queue.types.js';
import { NO_WAKEUPS, postgresWakeups, sqliteDatabaseFile, sqliteWakeups, type WakeupChannel } from './wakeups.js';

function embeddedWakeups(options: EmbeddedQueueOptions, logger: QueueLogger): WakeupChannel {
  const wakeups = options.wakeups ?? {};
  if (wakeups === false) return NO_WAKEUPS;
  if (options.dialect === 'postgres') return postgresWakeups({ db: options.db, url: wakeups.postgresUrl, logger });
  return sqliteWakeups({ path: wakeups.sqlitePath ?? sqliteDatabaseFile(options.db), logger });
}

/**
 * Opens the job queue. `embedded`: jobs live in the ledger table of `db` (SQLite or PostgreSQL).
 * `bullmq`: the ledger stays in `db` (the source of truth) and BullMQ on Redis delivers run ids.
 * Nothing connects until the transport is first used (BullMQ is loaded then); close() releases Redis
 * connections (not the database).
 */
export function createQueue(options: CreateQueueOptions): JobQueue {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  if (options.backend === 'embedded')
    return createLedgerQueue({ ...options, clock, logger }, createEmbeddedTransport(embeddedWakeups(options, logger)));
  if (options.backend === 'bullmq') {
    if (!options.redisUrl)
      throw new ConfigError('The bullmq queue backend needs a Redis URL (TASKSGODZILLA_REDIS_URL)');
    const transportOptions = { redisUrl: options.redisUrl, prefix: options.prefix ?? 'tgz', clock, logger };
    // BullMQ and ioredis are loaded (and Redis connected) on the transport's first use only, so
    // embedded-backend processes never load them.
    const transport = createLazyTransport(
      'bullmq',
      async () => (await import('./bullmq-transport.js')).createBullmqTransport(transportOptions),
      logger,
    );
    return createLedgerQueue({ ...options, clock, logger }, transport);
  }
  throw new ConfigError(
    `Unknown queue backend ${JSON.stringify((options as { backend: unknown }).backend)}: use embedded or bullmq`,
  );
}

/** The config fields the queue reads (core's Config satisfies it). */
export type QueueConfig = Pick<
  Config,
  'queueBackend' | 'redisUrl' | 'queuePrefix' | 'jobMaxAttempts' | 'jobTimeoutSeconds' | 'leaseSeconds'
> &
  Partial<Pick<Config, 'dbUrl'>>;

/** Maps the parsed configuration onto createQueue's options (the composition root's one-liner). */
export function queueOptionsFromConfig(
  config: QueueConfig,
  database: { db: Executor; dialect: SqlDialect },
  extra: Pick<EmbeddedQueueOptions, 'jobTypes'> & Partial<Pick<EmbeddedQueueOptions, 'clock' | 'logger' | 'backoff'>>,
): CreateQueueOptions {
  const common = {
    ...extra,
    db: database.db,
    dialect: database.dialect,
    defaults: {
      maxAttempts: config.jobMaxAttempts,
      timeoutSeconds: config.jobTimeoutSeconds,
      leaseSeconds: config.leaseSeconds,
    },
  };
  if (config.queueBackend === 'bullmq') {
    if (!config.redisUrl) throw new ConfigError('TASKSGODZILLA_QUEUE_BACKEND=bullmq needs TASKSGODZILLA_REDIS_URL');
    return { ...common, backend: 'bullmq', redisUrl: config.redisUrl, prefix: config.queuePrefix };
  }
  // Idle workers of other processes are woken through the database the queue lives in.
  return { ...common, backend: 'embedded', ...(config.dbUrl ? { wakeups: { postgresUrl: config.dbUrl } } : {}) };
}
