import { errorMessage, systemClock, type Config } from '@tasksgodzilla/core';
import { createDefaultEngines, createEngineRegistry } from '@tasksgodzilla/platform-engines';
import {
  createGitService,
  gitServiceDepsFromConfig,
  type GitLogger,
  type GitService,
} from '@tasksgodzilla/platform-git';
import {
  createJobTypeRegistry,
  createQueue,
  createWorkerRunner,
  exponentialBackoff,
  queueOptionsFromConfig,
  type WorkerRunner,
} from '@tasksgodzilla/platform-queue';
import { createStorage, migrateToLatest, openDatabase } from '@tasksgodzilla/platform-storage';
import {
  configSecretValues,
  createLogger,
  createMetrics,
  createTelemetryService,
  createWebhookSender,
  loggerOptionsFromConfig,
  type Logger,
} from '@tasksgodzilla/platform-telemetry';
import { createDecompositionService } from '@tasksgodzilla/services-decomposition';
import { createExecutionService } from '@tasksgodzilla/services-execution';
import { createOnboardingService } from '@tasksgodzilla/services-onboarding';
import {
  createNotificationRelay,
  createOrchestratorService,
  createReadModels,
  registerOrchestratorJobTypes,
} from '@tasksgodzilla/services-orchestrator';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import { createQualityService } from '@tasksgodzilla/services-quality';
import { createSpecService } from '@tasksgodzilla/services-spec';
import { redactedShowCommit } from './commit-redaction.js';
import { createDeadAttemptReaper } from './dead-attempts.js';
import { projectGitCredentials } from './git-credentials.js';
import { createHealthCheck } from './health.js';
import type { Runtime, RuntimeOverrides, RuntimeServices, WorkerOptions } from './runtime.types.js';
import { finalFailureHook, jobMetricsHooks, queueLogger } from './worker.js';

/** Cap of the backoff between two attempts of an outgoing webhook delivery. */
const NOTIFY_BACKOFF_CAP_MS = 3_600_000;

/**
 * A started worker's fallback poll while the queue's wake-ups arrive (jobs enqueued in this process and
 * wake-ups from other processes end its idle wait at once, and it wakes for the earliest delayed job):
 * 10 s instead of platform-queue's 2 s default, since each poll wakes an idle process (issue 12).
 */
export const WORKER_WAKEUP_POLL_MS = 10_000;

/** How often the BullMQ outbox relay publishes jobs committed but not yet handed to Redis. */
const RELAY_INTERVAL_MS = 5000;

function gitLogger(logger: Logger): GitLogger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
  };
}

/**
 * The composition root: opens the database (SQLite at Config.dbPath, or PostgreSQL at Config.dbUrl)
 * and wires storage, queue, telemetry, engines, git and every service once. Nothing is migrated,
 * connected to Redis or started until `start()` / `createWorker()`; `close()` releases everything.
 */
export function createRuntime(config: Readonly<Config>, overrides: RuntimeOverrides = {}): Runtime {
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
  const engines = createEngineRegistry(overrides.engines ?? createDefaultEngines(config), {
    defaultEngineId: config.defaultEngine,
  });
  const git = createGitService({
    ...gitServiceDepsFromConfig(config),
    logger: gitLogger(logger.child({ component: 'git' })),
    credentials: projectGitCredentials(storage.projects),
    ...(overrides.gitEnv ? { env: overrides.gitEnv } : {}),
  });
  // The config's own secrets (and each project's) are redacted from every engine run's log and
  // outputs (planning, decomposition, execution, QA) and from commit patches (the step diff).
  const redactValues = configSecretValues(config);
  const exposedGit: GitService = {
    ...git,
    showCommit: redactedShowCommit({ git, projects: storage.projects, redactValues }),
  };
  const prompts = createPromptService();
  const spec = createSpecService({ clock, defaultEngine: config.defaultEngine, knownEngines: engines.ids() });
  const execution = createExecutionService({ engines, git, prompts, telemetry, config, redactValues });
  const quality = createQualityService({ engines, git, prompts, telemetry, config, redactValues });
  const decomposition = createDecompositionService({ engines, prompts, telemetry, config, redactValues });
  const onboarding = createOnboardingService({ projects: storage.projects, git, engines, prompts, telemetry, config });
  const orchestrator = createOrchestratorService({
    storage,
    queue,
    telemetry,
    engines,
    git,
    spec,
    prompts,
    execution,
    quality,
    decomposition,
    onboarding,
    config,
    redactValues,
    clock,
    notifications: {
      sender: createWebhookSender({ timeoutMs: config.notifyTimeoutMs }),
      maxAttempts: config.notifyMaxAttempts,
      backoff: exponentialBackoff({ baseMs: config.notifyBackoffMs, capMs: NOTIFY_BACKOFF_CAP_MS }),
    },
  });
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
  const reapDeadAttempt = createDeadAttemptReaper({
    storage,
    git,
    logger: logger.child({ component: 'worker' }),
    clock,
  });
  const reads = createReadModels({ storage, spec, onboarding });
  const services: RuntimeServices = {
    orchestrator,
    reads,
    onboarding,
    spec,
    prompts,
    execution,
    quality,
    decomposition,
  };

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
    engines,
    git: exposedGit,
    services,

    createWorker(options: WorkerOptions = {}) {
      const runner = createWorkerRunner({
        queue,
        handlers: orchestrator.jobHandlers(),
        concurrency: options.concurrency ?? config.workerConcurrency,
        leaseSeconds: config.leaseSeconds,
        logger: queueLogger(logger.child({ component: 'worker' })),
        metrics: jobMetricsHooks(telemetry),
        // The runner decides when a job failed for good, for handler failures and dead workers alike.
        onFinalFailure: finalFailureHook({
          onJobFailed: (job, error) => orchestrator.onJobFailed(job, error),
          reapDeadAttempt,
        }),
        // A cancelled job's step (or planning run) gets a way forward at once.
        onCancelled: (job) => orchestrator.onJobEnded(job),
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
        // Step pushes queued behind their jobs record their events before the database closes.
        await execution.settlePushes();
        await queue.close();
        await db.close();
      })();
      return closed;
    },
  };
}
