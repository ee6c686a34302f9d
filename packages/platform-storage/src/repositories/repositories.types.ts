import type { EventFeed } from './event-feed.js';
import type {
  CiProvider,
  DefaultModels,
  Event,
  JobRun,
  JobStatus,
  JsonObject,
  JsonValue,
  Page,
  PageRequest,
  Project,
  ProtocolRun,
  ProtocolStatus,
  StepRun,
  StepStatus,
} from '@tasksgodzilla/core';

// Patch semantics everywhere: a key that is absent is kept; a key set to null clears the column.

export interface NewProject {
  name: string;
  git_url: string;
  base_branch?: string;
  local_path?: string | null;
  ci_provider?: CiProvider | null;
  secrets?: JsonObject | null;
  default_models?: DefaultModels | null;
}

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

export type StepRunPatch = Partial<{
  retries: number;
  model: string | null;
  engine_id: string | null;
  policy: JsonValue | null;
  runtime_state: JsonObject | null;
  summary: string | null;
}>;

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

export type JobRunPatch = Partial<{
  status: JobStatus;
  attempts: number;
  params: JsonObject | null;
  result: JsonValue | null;
  error: string | null;
  log_path: string | null;
  prompt_version: string | null;
  cost_tokens: number | null;
  cost_cents: number | null;
  started_at: string | null;
  finished_at: string | null;
}>;

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

/** Ledger queries. The queue package owns claiming, leases and retries on the same table. */
export interface JobRunRepository {
  /** A duplicate run_id or idempotency_key is a ConflictError. */
  create(input: NewJobRun): Promise<JobRun>;
  get(runId: string): Promise<JobRun>;
  find(runId: string): Promise<JobRun | null>;
  /** The job enqueued with this idempotency key, if any (to answer a duplicate enqueue with the first job). */
  findByIdempotencyKey(key: string): Promise<JobRun | null>;
  /** Newest first; limit clamped to 1..500. */
  list(filter?: JobRunFilter, page?: PageRequest): Promise<Page<JobRun>>;
  /**
   * Writes only the keys present in patch (null clears). A `status` key is a compare-and-swap from the
   * status read just before, checked against the job transition table (no self-transitions: pass status
   * only to change it); illegal or lost → ConflictError.
   */
  update(runId: string, patch: JobRunPatch): Promise<JobRun>;
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

export interface Repositories {
  projects: ProjectRepository;
  protocolRuns: ProtocolRunRepository;
  stepRuns: StepRunRepository;
  events: EventRepository;
  jobRuns: JobRunRepository;
  webhookDeliveries: WebhookDeliveryRepository;
}
