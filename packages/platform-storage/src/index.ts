export { openDatabase, migrateToLatest, SPACE_CHECK_MAX_AGE_MS } from './database.js';
export { createStorage } from './storage.js';
export type { Storage, StorageOptions, StorageTx } from './storage.js';
export type { DatabaseHandle, DatabaseOptions, Executor, SqlDialect } from './database.types.js';
export { createJobRunRepository } from './repositories/job-runs.repository.js';
export { projectWebhookNotFound } from './repositories/project-webhooks.repository.js';
export type { EventFeed } from './repositories/event-feed.js';
export { createEventHub, eventMatches } from './event-hub.js';
export type { EventHub, EventHubOptions, EventSink, EventSubscription } from './event-hub.js';
export { decodeCursor, encodeCursor } from './pagination.js';
export type {
  EventFilter,
  IssueKey,
  IssueLinkRepository,
  NewIssueLink,
  ProjectIssueSettingsRepository,
  ProjectIssueSettingsWrite,
  EventRepository,
  AttemptPatch,
  JobRunFilter,
  JobRunRecord,
  JobRunRepository,
  NewQueuedJob,
  EnqueueRowOptions,
  NewEvent,
  NewProjectWebhook,
  NewWebhookNotification,
  NotificationAttempt,
  NotificationCursorRepository,
  ProjectWebhookPatch,
  ProjectWebhookRepository,
  WebhookNotificationRepository,
  ProjectPatch,
  ProjectListFilter,
  ProjectRepository,
  ProtocolRunListFilter,
  Repositories,
  StepRunPatch,
} from './repositories/repositories.types.js';
