export { createQueue, queueOptionsFromConfig } from './create-queue.js';
export type { QueueConfig } from './create-queue.js';
export { createWorkerRunner } from './worker-runner.js';
export { exponentialBackoff } from './backoff.js';
export { flattenQueueStats } from './queue-stats.js';
export type { BackoffFn, ExponentialBackoffOptions } from './backoff.js';
export { LeaseExpiredError, LeaseLostError, UnknownJobTypeError } from './queue.errors.js';
export { createJobTypeRegistry, defineJobType } from './job-types.js';
export type {
  JobLinks,
  JobPayloadInputOf,
  JobPayloadOf,
  JobTypeDefaults,
  JobTypeDefinition,
  JobTypeMap,
  JobTypeRegistry,
} from './job-types.js';
export { willRetry } from './ledger.js';
export { DEFAULT_QUEUE, DEFAULT_QUEUE_DEFAULTS } from './ledger-queue.js';
export { bullmqPriority, messageId } from './bullmq-transport.js';
export type {
  ActiveJob,
  AttemptReport,
  BullmqQueueOptions,
  ClaimOptions,
  ClaimedJob,
  CreateQueueOptions,
  EmbeddedQueueOptions,
  EnqueueInput,
  EnqueueOptions,
  HandlerResult,
  HeartbeatResult,
  JobQueue,
  JobUsage,
  ListJobsRequest,
  QueueStatsRequest,
  QueueBackendName,
  QueueCounts,
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
  StopOptions,
  WorkerRunner,
  WorkerRunnerOptions,
} from './worker-runner.types.js';
