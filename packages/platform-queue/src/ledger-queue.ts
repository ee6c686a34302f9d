import {
  QueueError,
  newId,
  systemClock,
  ValidationError,
  type Clock,
  type JobType,
  type JsonObject,
} from '@tasksgodzilla/core';
import type { Executor, SqlDialect } from '@tasksgodzilla/platform-storage';
import { exponentialBackoff, type BackoffFn } from './backoff.js';
import { createLedger, type Ledger } from './ledger.js';
import { enqueueOptionsSchema, parseJobPayload } from './queue.schemas.js';
import type {
  EnqueueInput,
  EnqueueOptions,
  JobQueue,
  QueueDefaults,
  QueueEvent,
  QueueJob,
  QueueLogger,
} from './queue.types.js';
import type { Transport } from './transport.types.js';

export const DEFAULT_QUEUE = 'default';
export const DEFAULT_QUEUE_DEFAULTS: QueueDefaults = { maxAttempts: 3, timeoutSeconds: 3600, leaseSeconds: 30 };

export const noopLogger: QueueLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface LedgerQueueOptions {
  db: Executor;
  dialect: SqlDialect;
  clock?: Clock;
  defaults?: Partial<QueueDefaults>;
  backoff?: BackoffFn;
  logger?: QueueLogger;
}

function optionalId(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** The JobQueue of both backends: the ledger for state, the transport for delivery. */
export function createLedgerQueue(options: LedgerQueueOptions, transport: Transport): JobQueue {
  const clock = options.clock ?? systemClock;
  const defaults: QueueDefaults = { ...DEFAULT_QUEUE_DEFAULTS, ...options.defaults };
  const logger = options.logger ?? noopLogger;
  const ledger: Ledger = createLedger({
    db: options.db,
    dialect: options.dialect,
    clock,
    defaults,
    backoff: options.backoff ?? exponentialBackoff(),
  });
  const listeners = new Set<(event: QueueEvent) => void>();
  let closed = false;

  const emit = (event: QueueEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.warn({ err: error }, 'queue listener failed');
      }
    }
  };

  const queued = async (job: QueueJob) => {
    await transport.jobQueued(ledger, job);
    emit({ type: 'enqueued', queue: job.queue, run_id: job.run_id });
  };

  const queue: JobQueue = {
    backend: transport.name,
    defaults,
    clock,

    async enqueue<T extends JobType>(input: EnqueueInput<T>, enqueueOptions: EnqueueOptions = {}) {
      if (closed) throw new QueueError('The queue is closed', { code: 'queue_closed', retryable: false });
      const { job_type, payload, ...rest } = input;
      const params = parseJobPayload(job_type, payload);
      const parsedOptions = enqueueOptionsSchema.safeParse(rest);
      if (!parsedOptions.success)
        throw ValidationError.fromZod(parsedOptions.error, [], { title: 'Invalid enqueue options' });
      const opts = parsedOptions.data;
      const now = clock.now().getTime();
      const runAt = opts.run_at !== undefined ? new Date(opts.run_at) : new Date(now + (opts.delay_ms ?? 0));
      const p = params as JsonObject;
      const values = {
        run_id: newId(),
        job_type,
        queue: opts.queue ?? DEFAULT_QUEUE,
        params,
        idempotency_key: opts.idempotency_key ?? null,
        priority: opts.priority ?? 0,
        run_at: runAt.toISOString(),
        max_attempts: opts.max_attempts ?? defaults.maxAttempts,
        timeout_seconds: opts.timeout_seconds ?? defaults.timeoutSeconds,
        project_id: opts.project_id !== undefined ? opts.project_id : optionalId(p.project_id),
        protocol_run_id:
          opts.protocol_run_id !== undefined ? opts.protocol_run_id : optionalId(p.protocol_run_id ?? p.protocol_id),
        step_run_id: opts.step_run_id !== undefined ? opts.step_run_id : optionalId(p.step_run_id),
      };
      const tx = enqueueOptions.tx;
      const { job, created } = tx
        ? await ledger.insert(tx.executor, values)
        : await ledger.db.transaction().execute((trx) => ledger.insert(trx, values));
      if (created) {
        // Delivery only after commit: a rolled-back transaction publishes nothing, and a crash right
        // after commit leaves the row unpublished for the relay (publishPending) to pick up.
        if (tx) tx.afterCommit(() => queued(job));
        else await queued(job);
      }
      return job;
    },

    get: (runId) => ledger.get(runId),
    find: (runId) => ledger.find(runId),
    list: (request = {}) => ledger.list(request),

    async stats(request = {}) {
      return { backend: transport.name, queues: await ledger.stats(request) };
    },

    async cancel(runId, reason = 'cancelled by request') {
      const job = await ledger.cancel(runId, reason);
      if (job.status === 'cancelled') await transport.jobCancelled(ledger, job);
      else emit({ type: 'cancel_requested', run_id: runId });
      return job;
    },

    async retry(runId) {
      const job = await ledger.retry(runId);
      await queued(job);
      return job;
    },

    claim: ({ workerId, leaseSeconds, queues }) =>
      transport.claim(ledger, workerId, leaseSeconds ?? defaults.leaseSeconds, queues ?? [DEFAULT_QUEUE]),
    heartbeat: (job, leaseSeconds) => ledger.heartbeat(job, leaseSeconds ?? defaults.leaseSeconds),
    complete: (job, outcome = {}) => ledger.complete(job, outcome),

    async fail(job, error, report = {}) {
      const result = await ledger.fail(job, error, report);
      if (result.outcome === 'retried') await queued(result.job);
      return result.job;
    },

    markCancelled: (job, reason = 'cancelled by request', report = {}) => ledger.markCancelled(job, reason, report),

    async release(job, report = {}) {
      const released = await ledger.release(job, report);
      await queued(released);
      return released;
    },

    async reclaimExpired(limit = 100) {
      const results = await ledger.reclaimExpired(limit);
      for (const { job, outcome } of results) {
        logger.warn(
          { run_id: job.run_id, job_type: job.job_type, attempts: job.attempts, outcome },
          'reclaimed a job whose lease expired',
        );
        if (outcome === 'retried') await queued(job);
      }
      return results.map((r) => r.job);
    },

    publishPending: ({ reconcile = false, limit = 100 } = {}) => transport.publishPending(ledger, { reconcile, limit }),

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await transport.close();
    },
  };
  return queue;
}
