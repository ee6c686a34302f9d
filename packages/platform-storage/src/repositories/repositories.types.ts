import type { EventFeed } from './event-feed.js';
import type {
  CiProvider,
  Event,
  IssueLink,
  ProjectIssueSettings,
  JobRun,
  JobStatus,
  JsonObject,
  JsonValue,
  NotificationStatus,
  Page,
  PageRequest,
  Project,
  ProjectWebhook,
  ProtocolRun,
  ProtocolStatus,
  StepRun,
  StepStatus,
  WebhookNotification,
} from '@tasksgodzilla/core';
import type { Executor } from '../database.types.js';

// Patch semantics everywhere: a key that is absent is kept; a key set to null clears the column.

/** A project to create: name and git_url required, the other settings optional (base_branch defaults to main). */
export type NewProject = Pick<Project, 'name' | 'git_url'> &
  Partial<Pick<Project, 'base_branch' | 'local_path' | 'ci_provider' | 'secrets' | 'default_models'>>;

export type ProjectPatch = Partial<Omit<NewProject, 'name' | 'git_url'>> & { name?: string; git_url?: string };

export interface ProjectListFilter {
  /** Only these projects (a request scope); an empty list matches nothing. */
  ids?: readonly number[];
}

export interface ProjectRepository {
  create(input: NewProject): Promise<Project>;
  /** Throws NotFoundError("Project N not found"). */
  get(id: number): Promise<Project>;
  find(id: number): Promise<Project | null>;
  /** Newest first (created_at, id); `filter.ids` keeps only those projects (an empty list: none). */
  list(page?: PageRequest, filter?: ProjectListFilter): Promise<Page<Project>>;
  update(id: number, patch: ProjectPatch): Promise<Project>;
}

export interface NewProtocolRun {
  project_id: number;
  protocol_name: string;
  status?: ProtocolStatus;
  base_branch: string;
  branch_name?: string | null;
  worktree_path?: string | null;
  protocol_root?: string | null;
  description?: string | null;
  template_config?: JsonObject | null;
  template_source?: JsonObject | null;
  auto_advance?: boolean;
}

export type ProtocolRunPatch = Partial<
  Pick<
    NewProtocolRun,
    | 'base_branch'
    | 'branch_name'
    | 'worktree_path'
    | 'protocol_root'
    | 'description'
    | 'template_source'
    | 'auto_advance'
  >
>;

export interface StatusTransition<S extends string> {
  /** The status (or any of the statuses) the row must have now: compare-and-swap. */
  from: S | readonly S[];
  to: S;
}

export interface ProtocolRunListFilter {
  project_id?: number;
  status?: ProtocolStatus;
}

export interface ProtocolRunRepository {
  /** A duplicate (project_id, protocol_name) is a ConflictError. */
  create(input: NewProtocolRun): Promise<ProtocolRun>;
  get(id: number): Promise<ProtocolRun>;
  find(id: number): Promise<ProtocolRun | null>;
  /** The run and its project in one statement (a join), or null without the run. */
  findWithProject(id: number): Promise<{ run: ProtocolRun; project: Project } | null>;
  findByName(projectId: number, protocolName: string): Promise<ProtocolRun | null>;
  /** Matches `branch_name` first, then protocol_name, after stripping refs/heads/ and refs/tags/. */
  findByBranch(branch: string, projectId?: number): Promise<ProtocolRun | null>;
  /** Newest first. */
  list(filter?: ProtocolRunListFilter, page?: PageRequest): Promise<Page<ProtocolRun>>;
  update(id: number, patch: ProtocolRunPatch): Promise<ProtocolRun>;
  /** Replaces template_config wholesale (null clears). */
  setTemplateConfig(id: number, config: JsonObject | null): Promise<ProtocolRun>;
  /** Shallow-merges keys into template_config in one transaction; a key set to null is removed. */
  mergeTemplateConfig(id: number, patch: JsonObject): Promise<ProtocolRun>;
  /**
   * Compare-and-swap status write that also checks the transition table: a lost race or an illegal
   * transition throws ConflictError("ProtocolRun N status conflict" / "Illegal protocol transition a -> b").
   */
  transition(id: number, transition: StatusTransition<ProtocolStatus>, patch?: ProtocolRunPatch): Promise<ProtocolRun>;
}

export interface NewStepRun {
  protocol_run_id: number;
  step_index: number;
  step_name: string;
  step_type: string;
  status?: StepStatus;
  retries?: number;
  model?: string | null;
  engine_id?: string | null;
  policy?: JsonValue | null;
  summary?: string | null;
}

export type StepRunPatch = Partial<
  Pick<StepRun, 'retries' | 'model' | 'engine_id' | 'policy' | 'runtime_state' | 'summary'>
>;

export interface StepRunRepository {
  /** A duplicate (protocol_run_id, step_name) is a ConflictError. */
  create(input: NewStepRun): Promise<StepRun>;
  get(id: number): Promise<StepRun>;
  find(id: number): Promise<StepRun | null>;
  /** Ordered by step_index, then id. Bounded by the protocol's spec. */
  listByRun(protocolRunId: number): Promise<StepRun[]>;
  /** The most recently updated step of the run (ties broken by id), or null. */
  latest(protocolRunId: number): Promise<StepRun | null>;
  update(id: number, patch: StepRunPatch): Promise<StepRun>;
  /** Shallow-merges keys into runtime_state in one transaction; a key set to null is removed. */
  mergeRuntimeState(id: number, patch: JsonObject): Promise<StepRun>;
  /** Compare-and-swap + transition-table check, optionally writing patch fields in the same statement. */
  transition(id: number, transition: StatusTransition<StepStatus>, patch?: StepRunPatch): Promise<StepRun>;
}

export interface NewEvent {
  project_id: number;
  protocol_run_id?: number | null;
  step_run_id?: number | null;
  event_type: string;
  message: string;
  metadata?: JsonObject | null;
  request_id?: string | null;
  job_id?: string | null;
}

export interface EventFilter {
  project_id?: number;
  /** Only events of these projects (a request scope); an empty list matches nothing. */
  project_ids?: readonly number[];
  protocol_run_id?: number;
  step_run_id?: number;
  /** Exact types, or prefixes ending in `_` / `*` (e.g. `loop_`, `trigger_*`). */
  event_types?: string[];
}

export interface EventRepository {
  /**
   * Appends one event; request_id / job_id are also copied into metadata when absent there (and kept in
   * their columns). With only step_run_id, protocol_run_id is taken from the step. A run of another
   * project, or a step of another run, is a ValidationError; a missing project/run/step a NotFoundError.
   */
  append(input: NewEvent): Promise<Event>;
  /** Newest first (id desc), joined with protocol_name and project_name. limit clamped to 1..500. */
  list(filter?: EventFilter, page?: PageRequest): Promise<Page<Event>>;
  /**
   * Oldest first, strictly after `afterId`. Not for following new events on PostgreSQL: an event whose
   * transaction commits after a higher id's would be passed over; use `feed`.
   */
  listAfter(afterId: number, filter?: EventFilter, limit?: number): Promise<Event[]>;
  /** The run's newest `limit` events (id desc, limit clamped to 1..500) without the joined names: one indexed read. */
  newestOfRun(protocolRunId: number, limit: number): Promise<Event[]>;
  /**
   * A gap-safe reader of new events (one per consumer): strictly after `after` (a Last-Event-ID the
   * feed delivered), or, when omitted, after the newest event at the time of the call. See EventFeed.
   */
  feed(filter?: EventFilter, after?: number): Promise<EventFeed>;
  get(id: number): Promise<Event>;
}

export interface NewJobRun {
  run_id: string;
  job_type: string;
  status?: JobStatus;
  queue?: string;
  max_attempts?: number;
  params?: JsonObject | null;
  log_path?: string | null;
  prompt_version?: string | null;
  cost_tokens?: number | null;
  cost_cents?: number | null;
  project_id?: number | null;
  protocol_run_id?: number | null;
  step_run_id?: number | null;
  idempotency_key?: string | null;
  priority?: number;
  run_at?: string;
  timeout_seconds?: number | null;
  started_at?: string | null;
}

export type JobRunPatch = Partial<
  Pick<
    JobRun,
    | 'status'
    | 'attempts'
    | 'params'
    | 'result'
    | 'error'
    | 'log_path'
    | 'prompt_version'
    | 'cost_tokens'
    | 'cost_cents'
    | 'started_at'
    | 'finished_at'
  >
>;

export interface JobRunFilter {
  job_type?: string;
  status?: JobStatus;
  queue?: string;
  project_id?: number;
  /** Only jobs of these projects (a request scope); an empty list matches nothing, jobs of no project never match. */
  project_ids?: readonly number[];
  protocol_run_id?: number;
  step_run_id?: number;
}

/** A job_runs row: core's JobRun plus the columns only the queue reads (every jobRuns read returns it). */
export interface JobRunRecord extends JobRun {
  timeout_seconds: number | null;
  cancel_requested: boolean;
  /** When a distributed transport received the job (null: not yet, or the embedded backend). */
  published_at: string | null;
}

/** Options of the ledger's enqueue insert. */
export interface EnqueueRowOptions {
  /**
   * PostgreSQL: `pg_notify(channel, payload)` in the insert statement itself, so listeners hear of the
   * job when the inserting transaction commits (never before, never on rollback), at no extra round
   * trip. Only when a row is created. Ignored on SQLite.
   */
  notify?: { channel: string; payload: string };
  /**
   * Where to insert (a transaction of the repository's database), instead of the repository's own
   * executor: a producer's transaction then needs no repository of its own per enqueue.
   */
  executor?: Executor;
}

/** A job entering the ledger as `queued` (the queue's enqueue). */
export interface NewQueuedJob {
  run_id: string;
  job_type: string;
  queue: string;
  params: JsonObject;
  idempotency_key: string | null;
  priority: number;
  run_at: string;
  max_attempts: number;
  timeout_seconds: number;
  project_id: number | null;
  protocol_run_id: number | null;
  step_run_id: number | null;
  /**
   * Inserted as delivered (published_at = created_at): the backend's table is its transport (embedded),
   * so no relay has to publish it and it stays out of the unpublished index.
   */
  published?: boolean;
}

/** One claimed attempt: every write of the attempt matches all three, or nothing (fencing). */
export interface AttemptFence {
  run_id: string;
  lease_owner: string;
  attempts: number;
}

/** What one write of a claimed attempt sets. Absent keys are kept; usage is added to the row's totals. */
export interface AttemptPatch {
  status?: 'queued' | 'succeeded' | 'failed' | 'cancelled';
  result?: JsonValue | null;
  error?: string | null;
  log_path?: string;
  usage?: { tokens?: number; cost_cents?: number };
  run_at?: string;
  finished_at?: string;
  /** Renews the lease to now + this many seconds. */
  lease_seconds?: number;
  /** Clears lease_owner and lease_expires_at (the attempt ends). */
  end_lease?: true;
  /** Clears published_at (the job is queued again and must be delivered again). */
  unpublish?: true;
  /** attempts - 1 (a released attempt does not count). */
  uncount_attempt?: true;
}

/** Per queue and status: the count, how many are due later (run_at > now), how many ran before. */
export interface JobQueueCountRow {
  queue: string;
  status: string;
  count: number;
  delayed: number;
  retried: number;
}

export type ClaimByIdResult = { claimed: JobRunRecord } | { notDueUntil: string } | { gone: true };

/**
 * The one writer and reader of `job_runs`. `create` / `update` serve callers that record runs
 * themselves (the api's codex-runs); the ledger methods below are the queue's state machine
 * (platform-queue decides statuses, retries and leases, this repository runs the SQL).
 */
export interface JobRunRepository {
  /** A duplicate run_id or idempotency_key is a ConflictError. */
  create(input: NewJobRun): Promise<JobRunRecord>;
  get(runId: string): Promise<JobRunRecord>;
  find(runId: string): Promise<JobRunRecord | null>;
  /** The job enqueued with this idempotency key, if any (to answer a duplicate enqueue with the first job). */
  findByIdempotencyKey(key: string): Promise<JobRunRecord | null>;
  /** Newest first; limit clamped to 1..500. */
  list(filter?: JobRunFilter, page?: PageRequest): Promise<Page<JobRunRecord>>;
  /** How many rows match (no paging). */
  count(filter?: JobRunFilter): Promise<number>;
  /**
   * Inserts a queued job. With an idempotency key already in use, the existing row comes back with
   * `created: false` (ON CONFLICT DO NOTHING: the caller's PostgreSQL transaction is never aborted).
   */
  enqueue(job: NewQueuedJob, options?: EnqueueRowOptions): Promise<{ job: JobRunRecord; created: boolean }>;
  /**
   * Takes the next due queued job of these queues (priority desc, run_at, created_at, run_id); SKIP LOCKED on
   * PostgreSQL. One statement (`UPDATE … WHERE run_id = (SELECT …) RETURNING *`), no transaction of its own.
   */
  claimNext(queues: readonly string[], lease: { owner: string; seconds: number }): Promise<JobRunRecord | null>;
  /** The earliest run_at of the queued jobs of these queues (due or not), or null when none is queued. */
  nextRunAt(queues: readonly string[]): Promise<string | null>;
  /** Takes this job if it is queued and due. */
  claimById(runId: string, lease: { owner: string; seconds: number }): Promise<ClaimByIdResult>;
  /** One fenced write of a claimed attempt; null when the attempt no longer owns the row. */
  updateAttempt(fence: AttemptFence, patch: AttemptPatch): Promise<JobRunRecord | null>;
  /**
   * `updateAttempt`, then (only when it wrote) `claimNext` in the same commit: one transaction on
   * SQLite, one statement on PostgreSQL (two data-modifying CTEs), so a worker finishing a job and
   * taking the next commits once instead of twice. `updated` null: the attempt no longer owns the row,
   * and nothing was claimed.
   */
  updateAttemptAndClaimNext(
    fence: AttemptFence,
    patch: AttemptPatch,
    queues: readonly string[],
    lease: { owner: string; seconds: number },
  ): Promise<{ updated: JobRunRecord | null; next: JobRunRecord | null }>;
  /**
   * `updateAttempt`, then (only when it wrote) `claimById(runId)` in the same commit (one SQLite
   * transaction; one PostgreSQL statement of two data-modifying CTEs), so a worker
   * finishing a job and taking the one its transport handed over (BullMQ) commits once instead of
   * twice. `updated` null: the attempt no longer owns the row, and nothing was claimed (`next` null).
   */
  updateAttemptAndClaimById(
    fence: AttemptFence,
    patch: AttemptPatch,
    runId: string,
    lease: { owner: string; seconds: number },
  ): Promise<{ updated: JobRunRecord | null; next: ClaimByIdResult | null }>;
  /** Running jobs whose lease expired, oldest expiry first. */
  listExpiredLeases(limit: number): Promise<JobRunRecord[]>;
  /** queued → cancelled (with `reason` as error), or running → cancel requested; null when the status was not `from`. */
  cancel(runId: string, from: 'queued' | 'running', reason: string): Promise<JobRunRecord | null>;
  /** failed | cancelled → queued, due now, attempts reset; null when the job is in no such status. */
  requeue(runId: string): Promise<JobRunRecord | null>;
  /** Queued jobs not yet delivered (published_at null), or already delivered, by run_at. */
  listQueued(published: boolean, limit: number): Promise<JobRunRecord[]>;
  /**
   * Records delivery of these queued spells (each matched by attempts, so a newer spell stays
   * unpublished), in one statement per 100 jobs.
   */
  markPublished(jobs: readonly Pick<JobRunRecord, 'run_id' | 'attempts'>[]): Promise<void>;
  /**
   * Counts per queue and status; `project_ids` narrows to those projects (an empty list counts nothing).
   * Finished jobs come from migration 0006's counters, live ones from job_runs: the cost does not grow with history.
   */
  queueCounts(filter?: { project_ids?: readonly number[] }): Promise<JobQueueCountRow[]>;
  /**
   * Writes only the keys present in patch (null clears). A `status` key is a compare-and-swap from the
   * status read just before, checked against the job transition table (no self-transitions: pass status
   * only to change it); illegal or lost → ConflictError.
   */
  update(runId: string, patch: JobRunPatch): Promise<JobRunRecord>;
  /** Token and cost totals over the ledger rows of a protocol run (or one step); one of the two is required. */
  usageTotals(filter: {
    protocol_run_id?: number;
    step_run_id?: number;
  }): Promise<{ tokens: number; cost_cents: number }>;
}

/** Webhook deliveries already taken, by (provider, delivery id): a redelivery is recognised. */
export interface WebhookDeliveryRepository {
  /** Records the delivery; true the first time, false when it was recorded before (a duplicate). */
  claim(provider: string, deliveryId: string): Promise<boolean>;
  /** Forgets a delivery whose processing failed, so the forge's redelivery is processed. */
  release(provider: string, deliveryId: string): Promise<void>;
}

/** What identifies a forge issue within a project. */
export interface IssueKey {
  project_id: number;
  provider: CiProvider;
  repository: string;
  issue_number: number;
}

export interface NewIssueLink extends IssueKey {
  protocol_run_id: number;
  issue_url?: string | null;
}

/** Forge issues and the protocol runs opened from them: one run per issue and project. */
export interface IssueLinkRepository {
  /**
   * Links the issue to the run; when the issue (or the run) is linked already, nothing is written and
   * the existing link comes back with `created: false`. An unknown project or run is a ValidationError.
   */
  link(input: NewIssueLink): Promise<{ link: IssueLink; created: boolean }>;
  findByIssue(key: IssueKey): Promise<IssueLink | null>;
  findByRun(protocolRunId: number): Promise<IssueLink | null>;
  /**
   * Compare-and-swap of the status comment's id (`expected` null: none yet): true when it was
   * `expected` and is now `next`, false when another writer changed it first (nothing written).
   */
  swapCommentId(id: number, expected: string | null, next: string): Promise<boolean>;
}

export type ProjectIssueSettingsWrite = Pick<ProjectIssueSettings, 'label' | 'auto_start' | 'auto_advance'> & {
  template?: string | null;
};

/** A project's issue intake settings (a row only once they were set). */
export interface ProjectIssueSettingsRepository {
  find(projectId: number): Promise<ProjectIssueSettings | null>;
  /** Writes every setting (upsert); an unknown project is a NotFoundError. */
  put(projectId: number, settings: ProjectIssueSettingsWrite): Promise<ProjectIssueSettings>;
}

/** A webhook to create: the project, the receiver and the filter; format defaults to json, enabled to true. */
export type NewProjectWebhook = Pick<ProjectWebhook, 'project_id' | 'url' | 'event_filter'> &
  Partial<Pick<ProjectWebhook, 'secret' | 'format' | 'enabled'>>;

/** Absent keys are kept; `secret: null` clears the secret. */
export type ProjectWebhookPatch = Partial<
  Pick<ProjectWebhook, 'url' | 'secret' | 'event_filter' | 'format' | 'enabled'>
>;

export interface ProjectWebhookRepository {
  /** A missing project is its NotFoundError. */
  create(input: NewProjectWebhook): Promise<ProjectWebhook>;
  find(id: number): Promise<ProjectWebhook | null>;
  /** Throws NotFoundError("Webhook N not found"). */
  get(id: number): Promise<ProjectWebhook>;
  /** A project's webhooks, newest first. */
  list(projectId: number, page?: PageRequest): Promise<Page<ProjectWebhook>>;
  /** The enabled webhooks of these projects, by id (what the notification relay matches events against). */
  listEnabled(projectIds: readonly number[]): Promise<ProjectWebhook[]>;
  update(id: number, patch: ProjectWebhookPatch): Promise<ProjectWebhook>;
  /** Deletes the webhook and its delivery log; false when it did not exist. */
  remove(id: number): Promise<boolean>;
}

export interface NewWebhookNotification {
  webhook_id: number;
  project_id: number;
  event_id: number;
  event_type: string;
}

/** The outcome of delivery attempt number `attempt` (1-based). */
export interface NotificationAttempt {
  attempt: number;
  status: NotificationStatus;
  status_code: number | null;
  last_error: string | null;
  /** When the next attempt is due (null when there is none). */
  next_attempt_at: string | null;
  /**
   * When this attempt was made (ISO 8601; default: the repository's clock now). Pass the time the
   * caller computed `next_attempt_at` from, so the two stored times are exactly one backoff apart.
   */
  attempted_at?: string;
}

export interface WebhookNotificationRepository {
  /** A pending delivery of an event to a webhook; null when that pair already has one. */
  create(input: NewWebhookNotification): Promise<WebhookNotification | null>;
  find(id: number): Promise<WebhookNotification | null>;
  get(id: number): Promise<WebhookNotification>;
  /** A webhook's delivery log, newest first. */
  list(webhookId: number, page?: PageRequest): Promise<Page<WebhookNotification>>;
  /**
   * Records attempt `attempt` of a pending delivery (compare-and-set on status and attempts: a repeat
   * of an attempt already recorded, or of a finished delivery, changes nothing and returns null).
   */
  recordAttempt(id: number, attempt: NotificationAttempt): Promise<WebhookNotification | null>;
  /** Ends a pending delivery without sending it (its webhook was disabled); null when not pending. */
  cancel(id: number, reason: string): Promise<WebhookNotification | null>;
}

/** Positions of followers of the event log, by name. */
export interface NotificationCursorRepository {
  /** The position, or null when the name has none; `lock` holds it until the transaction ends (PostgreSQL). */
  read(name: string, options?: { lock?: boolean }): Promise<number | null>;
  /** Moves the position forward (never back); creates it when absent. */
  advance(name: string, position: number): Promise<void>;
}

export interface Repositories {
  projects: ProjectRepository;
  protocolRuns: ProtocolRunRepository;
  stepRuns: StepRunRepository;
  events: EventRepository;
  jobRuns: JobRunRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  issueLinks: IssueLinkRepository;
  projectIssueSettings: ProjectIssueSettingsRepository;
  projectWebhooks: ProjectWebhookRepository;
  webhookNotifications: WebhookNotificationRepository;
  notificationCursors: NotificationCursorRepository;
}
