export { openDatabase, migrateToLatest } from './database.js';
export { MIGRATION_NAMES } from './migrations/index.js';
export { createStorage } from './storage.js';
export type { Storage, StorageOptions, StorageTx } from './storage.js';
export type { DatabaseHandle, DatabaseOptions, Executor, SqlDialect } from './database.types.js';
export type {
  DatabaseSchema,
  EventsTable,
  JobRunsTable,
  ProjectsTable,
  ProtocolRunsTable,
  StepRunsTable,
  WebhookDeliveriesTable,
} from './schema.js';
export { createRepositories } from './repositories/index.js';
export { createJobRunRepository } from './repositories/job-runs.repository.js';
export type { EventFeed, EventFeedBatch } from './repositories/event-feed.js';
export { decodeCursor, encodeCursor, clampLimit } from './pagination.js';
export type {
  EventFilter,
  EventRepository,
  AttemptFence,
  AttemptPatch,
  ClaimByIdResult,
  JobQueueCountRow,
  JobRunFilter,
  JobRunPatch,
  JobRunRecord,
  JobRunRepository,
  NewQueuedJob,
  NewEvent,
  NewJobRun,
  NewProject,
  NewProtocolRun,
  NewStepRun,
  ProjectPatch,
  ProjectListFilter,
  ProjectRepository,
  ProtocolRunListFilter,
  ProtocolRunPatch,
  ProtocolRunRepository,
  Repositories,
  StatusTransition,
  StepRunPatch,
  StepRunRepository,
  WebhookDeliveryRepository,
} from './repositories/repositories.types.js';
