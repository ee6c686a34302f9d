import type {
  CiProvider,
  DefaultModels,
  IsoTimestamp,
  JobRun,
  JobType,
  JsonObject,
  JsonValue,
  PageRequest,
  Project,
  ProtocolRun,
  ProtocolStatus,
  StepRun,
} from '@tasksgodzilla/core';

// Request and response shapes of the api, in its snake_case JSON. They mirror the original's
// schemas (reference §1.2) plus the fields the TypeScript api adds.

/** Ids are integers; strings are accepted so CLI arguments can be passed as they are. */
export type Id = number | string;

/** The subset of `fetch` the client calls; `globalThis.fetch` in Node 20 and browsers. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Api root, e.g. `http://127.0.0.1:8010` (a path prefix such as `/api` is kept). */
  baseUrl: string;
  /** Global bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-project token, sent as `X-Project-Token`. */
  projectToken?: string;
  /** Defaults to `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Per-request timeout in ms (0 disables). Default 30 000. Does not apply to `streamEvents`. */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call overrides, the last argument of every method. */
export interface CallOptions {
  /** Sent as `X-Request-ID`; the api echoes it and stores it on the events it records. */
  requestId?: string;
  /** Overrides the client's project token for this call (`null` sends none). */
  projectToken?: string | null;
  signal?: AbortSignal;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

// ---- system ----------------------------------------------------------------------------------

export interface HealthComponent {
  status?: string;
  error?: string;
  [key: string]: unknown;
}

/** `GET /health`: 200 with `ok`, 503 with `degraded` (both returned, neither thrown). */
export interface HealthOut {
  status: 'ok' | 'degraded';
  db?: HealthComponent;
  queue?: HealthComponent;
  [key: string]: unknown;
}

// ---- projects --------------------------------------------------------------------------------

export interface ProjectCreate {
  name: string;
  git_url: string;
  local_path?: string | null;
  /** Default `main`. */
  base_branch?: string;
  ci_provider?: CiProvider | null;
  default_models?: DefaultModels | null;
  /** Write-only: responses show the keys with `***` values. */
  secrets?: JsonObject | null;
}

export interface ProjectOut extends Omit<Project, 'secrets'> {
  /** Redacted: key → `"***"`. */
  secrets: Record<string, string> | null;
}

export interface BranchListResponse {
  branches: string[];
}

export interface BranchDeleteRequest {
  /** Must be true, or the api answers 400. */
  confirm: boolean;
}

export interface BranchDeleteResponse {
  deleted: boolean;
  branch: string;
}

// ---- protocols -------------------------------------------------------------------------------

export interface ProtocolRunCreate {
  protocol_name: string;
  /** Default `pending`. */
  status?: ProtocolStatus;
  /** Default `main`. */
  base_branch?: string;
  worktree_path?: string | null;
  protocol_root?: string | null;
  description?: string | null;
  template_config?: JsonObject | null;
  template_source?: JsonObject | null;
  /** Enqueue the next step by itself after each completed step. */
  auto_advance?: boolean;
  /** Protocol template folder on the server (plan.md, context.md, numbered step files). */
  template?: string | null;
}

export type SpecValidationStatus = 'valid' | 'invalid';

/** A protocol run with the derived spec fields of reference §1.3. */
export interface ProtocolRunOut extends ProtocolRun {
  spec_hash: string | null;
  spec_validation_status: SpecValidationStatus | null;
  spec_validated_at: IsoTimestamp | null;
}

export interface ProtocolSpecOut {
  protocol_run_id: number;
  protocol_name: string;
  project_id: number;
  spec: JsonObject | null;
  spec_hash: string | null;
  validation_status: SpecValidationStatus | null;
  validation_errors: string[] | null;
  validated_at: IsoTimestamp | null;
}

export interface UsageTotals {
  tokens: number;
  cost_usd: number;
}

export interface PhaseUsage extends UsageTotals {
  phase: string;
}

export interface ModelUsage extends UsageTotals {
  model: string;
}

/** `GET /protocols/{id}/usage`. */
export interface ProtocolUsageOut extends UsageTotals {
  protocol_run_id?: number;
  by_phase: PhaseUsage[];
  by_model: ModelUsage[];
}

// ---- steps -----------------------------------------------------------------------------------

export interface StepRunCreate {
  step_index: number;
  step_name: string;
  step_type: string;
  /** Only `pending` (the default): the server alone moves step statuses (another value is a 422). */
  status?: 'pending';
  model?: string | null;
  summary?: string | null;
  engine_id?: string | null;
  policy?: JsonObject | JsonObject[] | null;
}

export type StepRunOut = StepRun;

// ---- events ----------------------------------------------------------------------------------

export interface EventOut {
  id: number;
  /** Set on every event of the TypeScript api; null only from servers that do not know it. */
  project_id: number | null;
  /** Null for project-level events (branches, onboarding before a run exists). */
  protocol_run_id: number | null;
  step_run_id: number | null;
  event_type: string;
  message: string;
  metadata: JsonObject | null;
  created_at: IsoTimestamp;
  /** Joined context, filled by `GET /events`. */
  protocol_name?: string | null;
  project_name?: string | null;
}

// ---- jobs and queues -------------------------------------------------------------------------

/** The job object of reference §0.5, returned in `ActionResponse.job` and by `/queues/jobs`. */
export interface Job {
  job_id: string;
  job_type: JobType | string;
  /** Includes `job_id`. */
  payload: JsonObject;
  status: string;
  queue: string;
  /** Epoch seconds in the original; ISO timestamps from the ledger. */
  created_at: number | IsoTimestamp;
  attempts: number;
  max_attempts: number;
  next_run_at?: number | IsoTimestamp | null;
  started_at?: number | IsoTimestamp | null;
  ended_at?: number | IsoTimestamp | null;
  result?: JsonValue | null;
  error?: string | null;
  meta?: JsonObject | null;
}

export interface ActionResponse {
  message: string;
  job: Job | null;
}

export interface QueueCounts {
  [status: string]: number;
}

/** `GET /queues`: `{ backend, <queue name>: { <status>: count } }`. */
export interface QueueStats {
  backend: string;
  [queue: string]: QueueCounts | string;
}

// ---- codex runs (the job ledger) -------------------------------------------------------------

export interface CodexRunCreate {
  job_type: string;
  prompt_version?: string | null;
  params?: JsonObject | null;
  run_id?: string | null;
  log_path?: string | null;
  cost_tokens?: number | null;
  cost_cents?: number | null;
}

export interface CodexRunOut
  extends
    Pick<
      JobRun,
      | 'run_id'
      | 'job_type'
      | 'status'
      | 'created_at'
      | 'updated_at'
      | 'started_at'
      | 'finished_at'
      | 'prompt_version'
      | 'params'
      | 'result'
      | 'error'
      | 'log_path'
      | 'cost_tokens'
      | 'cost_cents'
    >,
    Partial<Pick<JobRun, 'queue' | 'attempts' | 'max_attempts' | 'project_id' | 'protocol_run_id' | 'step_run_id'>> {}

// ---- onboarding, CodeMachine, spec audit -----------------------------------------------------

export type OnboardingStageKey = 'resolve' | 'discovery' | 'assets' | 'git' | 'clarifications';
export type OnboardingStageStatus = 'pending' | 'running' | 'skipped' | 'warning' | 'blocked' | 'completed' | 'failed';

export interface OnboardingStage {
  key: OnboardingStageKey;
  name: string;
  status: OnboardingStageStatus;
  event_type: string | null;
  message: string | null;
  created_at: IsoTimestamp | null;
  metadata: JsonObject | null;
}

export interface OnboardingSummary {
  project_id: number;
  protocol_run_id: number | null;
  /** The setup run's status, or `pending` when there is none. */
  status: ProtocolStatus;
  workspace_path: string | null;
  last_event: EventOut | null;
  stages: OnboardingStage[];
  events: EventOut[];
}

export interface CodeMachineImportRequest {
  protocol_name: string;
  workspace_path: string;
  /** Default `main`. */
  base_branch?: string;
  description?: string | null;
  /** Default false: import synchronously. */
  enqueue?: boolean;
}

export interface CodeMachineImportResponse {
  protocol_run: ProtocolRunOut;
  message: string;
  job: Job | null;
}

export interface SpecAuditRequest {
  project_id?: number | null;
  protocol_id?: number | null;
  backfill?: boolean;
  interval_seconds?: number | null;
}

// ---- list parameters -------------------------------------------------------------------------

/** `limit` and `cursor` (the previous page's `next_cursor`). */
export type PageParams = PageRequest;

export interface ListEventsParams extends PageParams {
  project_id?: Id;
  protocol_run_id?: Id;
  /** `onboarding` keeps setup events only. */
  kind?: string;
}

export interface ListQueueJobsParams extends PageParams {
  status?: string;
}

export interface ListCodexRunsParams extends PageParams {
  job_type?: string;
  status?: string;
}

export interface ConsoleRunsParams {
  limit?: number;
}

// ---- event stream ----------------------------------------------------------------------------

export interface StreamEventsParams {
  project_id?: Id;
  protocol_run_id?: Id;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  last_event_id?: Id | null;
  /** Ends the iteration (without an error) when aborted. */
  signal?: AbortSignal;
  /** Reconnect after a drop, with `Last-Event-ID`. Default true. */
  reconnect?: boolean;
  /** First reconnect delay in ms, doubled per failed attempt. Default 500 (the server's `retry:` wins). */
  retryDelayMs?: number;
  /** Upper bound of the reconnect delay. Default 10 000. */
  maxRetryDelayMs?: number;
  /** Failed connection attempts in a row before giving up with the last error. Default unlimited. */
  maxRetries?: number;
  /** Reconnect when nothing (not even a heartbeat) arrives for this long. Default 0: off. */
  idleTimeoutMs?: number;
  requestId?: string;
  projectToken?: string | null;
  headers?: Record<string, string>;
}

// ---- webhooks --------------------------------------------------------------------------------

interface WebhookRequestBase {
  /** JSON-serialized as the body unless `body` is given. */
  payload?: unknown;
  /** The exact raw body to send (and sign). */
  body?: string;
  /** `?protocol_run_id=`: target a run instead of matching by branch. */
  protocol_run_id?: Id;
  /** Also send the bearer and project tokens (the original required the bearer on webhooks). */
  include_auth?: boolean;
}

export interface GithubWebhookRequest extends WebhookRequestBase {
  /** `X-GitHub-Event`, e.g. `workflow_run`, `pull_request`, `check_suite`, `status`, `push`. */
  event: string;
  /** Webhook secret: signs the body into `X-Hub-Signature-256: sha256=<hex>`. */
  secret?: string;
  /** Explicit `X-Hub-Signature-256` value (to test rejected signatures). */
  signature?: string;
  /** `X-GitHub-Delivery`. */
  delivery_id?: string;
}

export interface GitlabWebhookRequest extends WebhookRequestBase {
  /** `X-Gitlab-Event`, e.g. `Pipeline Hook`, `Merge Request Hook`. */
  event: string;
  /** Shared webhook token, sent as `X-Gitlab-Token`. */
  token?: string;
  /** Optional: also sign the body into `X-Gitlab-Signature-256: sha256=<hex>`. */
  secret?: string;
}
