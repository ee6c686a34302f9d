import { QueueError, newId, systemClock, ValidationError, type JsonObject } from '@tasksgodzilla/core';
import type { Executor } from '@tasksgodzilla/platform-storage';
import type { z } from 'zod';
import { exponentialBackoff } from './backoff.js';
import type { JobLinks } from './job-types.js';
import { createLedger, type Ledger, type NewJobValues } from './ledger.js';
import { enqueueOptionsSchema } from './queue.schemas.js';
import type {
  CommonQueueOptions,
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

/** The JobQueue of both backends: the ledger for state, the transport for delivery. */
export function createLedgerQueue(options: CommonQueueOptions, transport: Transport): JobQueue {
  const clock = options.clock ?? systemClock;
  const defaults: QueueDefaults = { ...DEFAULT_QUEUE_DEFAULTS, ...options.defaults };
  const logger = options.logger ?? noopLogger;
  const { jobTypes } = options;
  const ledger: Ledger = createLedger({
    db: options.db,
    dialect: options.dialect,
    clock,
    backoff: options.backoff ?? exponentialBackoff(),
  });

  /** The job type's own key; its `sequence` counts the type's jobs of the same subject in this transaction. */
  const registeredKey = async (executor: Executor, jobType: string, params: JsonObject, links: JobLinks) => {
    if (!jobTypes.keysBySequence(jobType)) return undefined;
    const subject =
      links.step_run_id !== null
        ? { step_run_id: links.step_run_id }
        : links.protocol_run_id !== null
          ? { protocol_run_id: links.protocol_run_id }
          : links.project_id !== null
            ? { project_id: links.project_id }
            : null;
    const sequence = subject ? (await ledger.countForSubject(executor, jobType, subject)) + 1 : null;
    return jobTypes.idempotencyKey(jobType, params, sequence);
  };
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

  /** A job became queued (after commit): deliver it, wake this process's workers, then other processes'. */
  const queued = async (job: QueueJob, announced = false) => {
    await transport.jobQueued(ledger, job);
    emit({ type: 'enqueued', queue: job.queue, run_id: job.run_id });
    if (!announced) transport.wakeups.announce(job.queue);
  };
  const insertNotify = transport.wakeups.insertNotify;

  const queue: JobQueue = {
    backend: transport.name,
    defaults,
    clock,
    jobTypes,

    async enqueue(input: EnqueueInput, enqueueOptions: EnqueueOptions = {}) {
      if (closed) throw new QueueError('The queue is closed', { code: 'queue_closed', retryable: false });
      const { job_type, payload, ...rest } = input;
      const params = jobTypes.parse(job_type, payload);
      const given = { ...jobTypes.defaults(job_type), ...rest };
      let opts: z.output<ReturnType<typeof enqueueOptionsSchema>> = {};
      // No option given, none to check (every option is optional): most enqueues skip the parse.
      if (Object.keys(given).length > 0) {
        const parsedOptions = enqueueOptionsSchema().safeParse(given);
        if (!parsedOptions.success)
          throw ValidationError.fromZod(parsedOptions.error, [], { title: 'Invalid enqueue options' });
        opts = parsedOptions.data;
      }
      const now = clock.now().getTime();
      const runAt = opts.run_at !== undefined ? new Date(opts.run_at) : new Date(now + (opts.delay_ms ?? 0));
      const links = jobTypes.links(job_type, params);
      const values: NewJobValues = {
        run_id: newId(),
        job_type,
        queue: opts.queue ?? DEFAULT_QUEUE,
        params,
        idempotency_key: null,
        priority: opts.priority ?? 0,
        run_at: runAt.toISOString(),
        max_attempts: opts.max_attempts ?? defaults.maxAttempts,
        timeout_seconds: opts.timeout_seconds ?? defaults.timeoutSeconds,
        project_id: opts.project_id !== undefined ? opts.project_id : links.project_id,
        protocol_run_id: opts.protocol_run_id !== undefined ? opts.protocol_run_id : links.protocol_run_id,
        step_run_id: opts.step_run_id !== undefined ? opts.step_run_id : links.step_run_id,
        published: transport.publishedOnInsert,
      };
      // PostgreSQL: the insert itself notifies other processes' workers (delivered on commit).
      const notify = insertNotify?.(values.queue);
      const insert = async (executor: Executor) => {
        values.idempotency_key =
          opts.idempotency_key ?? (await registeredKey(executor, job_type, params, links)) ?? null;
        return ledger.insert(executor, values, notify ? { notify } : undefined);
      };
      const tx = enqueueOptions.tx;
      // Without a key to count for, the insert is one statement: no transaction around it.
      const { job, created } = tx
        ? await insert(tx.executor)
        : opts.idempotency_key === undefined && jobTypes.keysBySequence(job_type)
          ? await ledger.db.transaction().execute(insert)
          : await insert(ledger.db);
      if (created) {
        // Delivery only after commit: a rolled-back transaction publishes nothing, and a crash right
        // after commit leaves the row unpublished for the relay (publishPending) to pick up.
        if (tx) tx.afterCommit(() => queued(job, notify !== undefined));
        else await queued(job, notify !== undefined);
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
    nextRunAt: (queues) => ledger.nextRunAt(queues ?? [DEFAULT_QUEUE]),
    heartbeat: (job, leaseSeconds) => ledger.heartbeat(job, leaseSeconds ?? defaults.leaseSeconds),
    complete: (job, outcome = {}) => ledger.complete(job, outcome),
    completeAndClaim: (job, outcome = {}, next) =>
      transport.completeAndClaim(ledger, job, outcome, {
        workerId: next.workerId,
        leaseSeconds: next.leaseSeconds ?? defaults.leaseSeconds,
        queues: next.queues ?? [DEFAULT_QUEUE],
      }),

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

    watch: (handler) => transport.wakeups.watch(handler),

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      await transport.close();
    },
  };
  return queue;
}
