import { ConfigError, systemClock } from '@tasksgodzilla/core';
import { createBullmqTransport } from './bullmq-transport.js';
import { createEmbeddedTransport } from './embedded-transport.js';
import { createLedgerQueue, noopLogger } from './ledger-queue.js';
import type { CreateQueueOptions, JobQueue } from './queue.types.js';

/**
 * Opens the job queue. `embedded`: jobs live in the ledger table of `db` (SQLite or PostgreSQL).
 * `bullmq`: the ledger stays in `db` (the source of truth) and BullMQ on Redis delivers run ids.
 * Nothing connects until this is called; close() releases Redis connections (not the database).
 */
export function createQueue(options: CreateQueueOptions): JobQueue {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  if (options.backend === 'embedded') return createLedgerQueue({ ...options, clock, logger }, createEmbeddedTransport());
  if (options.backend === 'bullmq') {
    if (!options.redisUrl) throw new ConfigError('The bullmq queue backend needs a Redis URL (TASKSGODZILLA_REDIS_URL)');
    const transport = createBullmqTransport({ redisUrl: options.redisUrl, prefix: options.prefix ?? 'tgz', clock, logger });
    return createLedgerQueue({ ...options, clock, logger }, transport);
  }
  throw new ConfigError(`Unknown queue backend ${JSON.stringify((options as { backend: unknown }).backend)}: use embedded or bullmq`);
}
