import { errorMessage, systemClock, type Clock, type Config } from '@tasksgodzilla/core';
import {
  createJobTypeRegistry,
  createQueue,
  createWorkerRunner,
  queueOptionsFromConfig,
  type JobHandlers,
  type JobQueue,
  type QueueJob,
  type WorkerRunner,
} from '@tasksgodzilla/platform-queue';
import {
  createStorage,
  migrateToLatest,
  openDatabase,
  type DatabaseHandle,
  type Storage,
} from '@tasksgodzilla/platform-storage';
import {
  createLogger,
  createMetrics,
  createTelemetryService,
  loggerOptionsFromConfig,
  type Logger,
  type Metrics,
  type TelemetryService,
} from '@tasksgodzilla/platform-telemetry';
import { createNotificationRelay, registerOrchestratorJobTypes } from '@tasksgodzilla/services-orchestrator/queue';
import { createHealthCheck } from './health.js';
import type { RuntimeOverrides, WorkerOptions, WorkerRuntime } from './runtime.types.js';
import { finalFailureHook, jobMetricsHooks, queueLogger } from './worker.js';

/**
 * A started worker's fallback poll while the queue's wake-ups arrive (jobs enqueued in this process and
 * wake-ups from other processes end its idle wait at once, and it wakes for the earliest delayed job):
 * 10 s instead of platform-queue's 2 s default, since each poll wakes an idle process (issue 12).
 */
export const WORKER_WAKEUP_POLL_MS = 10_000;

/** How often the BullMQ outbox relay publishes jobs committed but not yet handed to Redis. */
const RELAY_INTERVAL_MS = 5000;

/** What the services are built from: the database, storage, queue and telemetry of one runtime. */
export interface RuntimeParts {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly db: DatabaseHandle;
  readonly storage: Storage;
  readonly telemetry: TelemetryService;
  readonly queue: JobQueue;
}

/** What a worker runner takes from the orchestrator: its job handlers and its end-of-job hooks. */
export interface WorkerHooks {
  /** A worker runner's job handlers by job type (called once per runner). */
  handlers(): JobHandlers;
  onJobFailed(job: QueueJob, error: unknown): Promise<void>;
  onJobEnded(job: QueueJob): Promise<void>;
  reapDeadAttempt(job: QueueJob): Promise<void>;
}

/**
 * The part of a runtime every process needs at start: the database, storage, telemetry, the queue
 * (with the orchestrator's job types), health, the notification relay and the worker runners. The
 * services are `hooks(parts)`'s business, called once here: createRuntime builds them at once,
 * createWorkerRuntime on a worker's first job.
 */
export function createRuntimeCore(
  config: Readonly<Config>,
  overrides: RuntimeOverrides,
  hooks: (parts: RuntimeParts) => WorkerHooks,
): WorkerRuntime {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger({ ...loggerOptionsFromConfig(config), clock });
  const metrics = overrides.metrics ?? createMetrics();
  const db = config.dbUrl
    ? openDatabase({ url: config.dbUrl, poolSize: config.dbPoolSize })
    : openDatabase({ path: config.dbPath, clock });
  const storage = createStorage(db, {
    clock,
    onAfterCommitError: (error) => logger.warn({ err: error }, `after-commit hook failed: ${errorMessage(error)}`),
  });
  const telemetry = createTelemetryService({ events: storage.events, logger, metrics, clock });
  // The orchestrator's job types are the only ones the queue accepts (payload schemas, idempotency keys).
  const jobTypes = registerOrchestratorJobTypes(createJobTypeRegistry());
  const queue = createQueue(
    queueOptionsFromConfig(config, db, {
      jobTypes,
      clock,
      logger: queueLogger(logger.child({ component: 'queue' })),
    }),
  );
  const parts: RuntimeParts = { clock, logger, metrics, db, storage, telemetry, queue };
  const worker = hooks(parts);
  // Follows the event log and turns subscribed events into webhook deliveries (started by start()).
  const notificationRelay = createNotificationRelay({
    storage,
    queue,
    logger: logger.child({ component: 'notifications' }),
    pollMs: config.notifyPollMs,
  });
  // Events recorded in this process wake the relay at once; it polls only for other processes' events,
  // backing off while the log is idle (issue 12: its 1 s poll was most of an idle api's CPU).
  telemetry.subscribe(() => notificationRelay.notify());

  const workers = new Set<WorkerRunner>();
  let relay: NodeJS.Timeout | null = null;
  let started: Promise<void> | null = null;
  let closed: Promise<void> | null = null;

  const relayOnce = async () => {
    try {
      await queue.publishPending({ reconcile: false });
    } catch (error) {
      logger.warn({ err: error }, `queue relay failed: ${errorMessage(error)}`);
    }
  };

  return {
    config,
    db,
    storage,
    queue,
    telemetry,
    logger,
    metrics,

    createWorker(options: WorkerOptions = {}) {
      const runner = createWorkerRunner({
        queue,
        handlers: worker.handlers(),
        concurrency: options.concurrency ?? config.workerConcurrency,
        leaseSeconds: config.leaseSeconds,
        logger: queueLogger(logger.child({ component: 'worker' })),
        metrics: jobMetricsHooks(telemetry),
        // The runner decides when a job failed for good, for handler failures and dead workers alike.
        onFinalFailure: finalFailureHook({
          onJobFailed: (job, error) => worker.onJobFailed(job, error),
          reapDeadAttempt: (job) => worker.reapDeadAttempt(job),
        }),
        // A cancelled job's step (or planning run) gets a way forward at once.
        onCancelled: (job) => worker.onJobEnded(job),
        ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
        ...(options.queues !== undefined ? { queues: options.queues } : {}),
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
        ...(options.maxPollIntervalMs !== undefined ? { maxPollIntervalMs: options.maxPollIntervalMs } : {}),
        wakeupPollIntervalMs: Math.max(WORKER_WAKEUP_POLL_MS, options.maxPollIntervalMs ?? 0),
        ...(options.abortGraceMs !== undefined ? { abortGraceMs: options.abortGraceMs } : {}),
      });
      workers.add(runner);
      return runner;
    },

    health: createHealthCheck(db, queue, clock),

    start() {
      started ??= (async () => {
        await migrateToLatest(db);
        notificationRelay.start();
        if (queue.backend === 'bullmq') {
          await relayOnce();
          relay = setInterval(() => void relayOnce(), RELAY_INTERVAL_MS);
          relay.unref();
        }
      })();
      return started;
    },

    close() {
      closed ??= (async () => {
        if (relay) clearInterval(relay);
        relay = null;
        await notificationRelay.stop();
        for (const runner of workers) {
          if (runner.started) await runner.stop({ graceful: true, timeoutMs: 10_000 });
        }
        workers.clear();
        await queue.close();
        await db.close();
      })();
      return closed;
    },
  };
}
