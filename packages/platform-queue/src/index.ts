export { createQueue, queueOptionsFromConfig } from './create-queue.js';
export { createWorkerRunner } from './worker-runner.js';
export { exponentialBackoff } from './backoff.js';
export type { BackoffFn } from './backoff.js';
export { flattenQueueStats } from './queue-stats.js';
export { LeaseExpiredError, LeaseLostError, UnknownJobTypeError } from './queue.errors.js';
export { createJobTypeRegistry, defineJobType } from './job-types.js';
export type { JobPayloadInputOf, JobPayloadOf, JobTypeDefinition, JobTypeMap, JobTypeRegistry } from './job-types.js';
export { willRetry } from './ledger.js';
export { DEFAULT_QUEUE, DEFAULT_QUEUE_DEFAULTS } from './ledger-queue.js';
export type {
  ActiveJob,
  AttemptReport,
  ClaimedJob,
  CreateQueueOptions,
  EnqueueInput,
  HandlerResult,
  JobQueue,
  QueueDefaults,
  QueueEvent,
  QueueJob,
  QueueLogger,
  QueueStats,
  QueueTx,
} from './queue.types.js';
export type {
  JobContext,
  JobHandler,
  JobHandlers,
  JobHandlersOf,
  JobMetricsHooks,
  JobOutcome,
  WorkerRunner,
  WorkerRunnerOptions,
} from './worker-runner.types.js';
