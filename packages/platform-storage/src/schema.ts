import type { ColumnType, Generated } from 'kysely';

// Row shapes as stored. Timestamps are ISO-8601 UTC text with milliseconds on both backends (so
// they sort as text and read back identically); JSON columns are text; booleans are 0/1 integers.
// These types are for platform packages only: services see the core domain types.

type Timestamp = string;
type JsonText = string | null;

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  git_url: string;
  base_branch: string;
  local_path: string | null;
  ci_provider: string | null;
  secrets: JsonText;
  default_models: JsonText;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProtocolRunsTable {
  id: Generated<number>;
  project_id: number;
  protocol_name: string;
  status: string;
  base_branch: string;
  branch_name: string | null;
  worktree_path: string | null;
  protocol_root: string | null;
  description: string | null;
  template_config: JsonText;
  template_source: JsonText;
  auto_advance: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StepRunsTable {
  id: Generated<number>;
  protocol_run_id: number;
  step_index: number;
  step_name: string;
  step_type: string;
  status: string;
  retries: ColumnType<number, number | undefined, number>;
  model: string | null;
  engine_id: string | null;
  policy: JsonText;
  runtime_state: JsonText;
  summary: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventsTable {
  id: Generated<number>;
  project_id: number;
  protocol_run_id: number | null;
  step_run_id: number | null;
  event_type: string;
  message: string;
  metadata: JsonText;
  request_id: string | null;
  job_id: string | null;
  created_at: Timestamp;
}

/** The job ledger (the original's codex_runs) and, for the embedded backend, the queue itself. */
export interface JobRunsTable {
  run_id: string;
  job_type: string;
  status: string;
  queue: string;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  params: JsonText;
  result: JsonText;
  error: string | null;
  log_path: string | null;
  prompt_version: string | null;
  cost_tokens: number | null;
  cost_cents: number | null;
  project_id: number | null;
  protocol_run_id: number | null;
  step_run_id: number | null;
  idempotency_key: string | null;
  priority: ColumnType<number, number | undefined, number>;
  run_at: Timestamp;
  timeout_seconds: number | null;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  cancel_requested: ColumnType<number, number | undefined, number>;
  /** Set when a distributed backend has received the job (outbox relay). */
  published_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  provider: string;
  delivery_id: string;
  received_at: string;
}

/**
 * Finished jobs (any status but queued and running) per queue, status and project (0 = none), kept by
 * migration 0006's triggers on job_runs. A row is one shard of the count: only the sum is meaningful.
 */
export interface JobQueueCountsTable {
  queue: string;
  status: string;
  project_id: number;
  shard: number;
  n: number | string;
}

export interface IssueLinksTable {
  id: Generated<number>;
  project_id: number;
  protocol_run_id: number;
  provider: string;
  repository: string;
  issue_number: number;
  issue_url: string | null;
  comment_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A project's outgoing webhook (migration 0007). `event_filter` is a JSON array of names. */
export interface ProjectWebhooksTable {
  id: Generated<number>;
  project_id: number;
  url: string;
  secret: string | null;
  event_filter: string;
  format: string;
  enabled: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectIssueSettingsTable {
  project_id: number;
  label: string;
  auto_start: number;
  auto_advance: number;
  template: string | null;
  updated_at: Timestamp;
}

/** One event to deliver to one webhook, with its attempts (the delivery log). */
export interface WebhookNotificationsTable {
  id: Generated<number>;
  webhook_id: number;
  project_id: number;
  event_id: number;
  event_type: string;
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_attempt_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
}

/** Where a follower of the event log (the notification relay) stands. */
export interface NotificationCursorsTable {
  name: string;
  position: number;
  updated_at: Timestamp;
}

export interface DatabaseSchema {
  projects: ProjectsTable;
  protocol_runs: ProtocolRunsTable;
  step_runs: StepRunsTable;
  events: EventsTable;
  job_runs: JobRunsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  job_queue_counts: JobQueueCountsTable;
  issue_links: IssueLinksTable;
  project_issue_settings: ProjectIssueSettingsTable;
  project_webhooks: ProjectWebhooksTable;
  webhook_notifications: WebhookNotificationsTable;
  notification_cursors: NotificationCursorsTable;
}
