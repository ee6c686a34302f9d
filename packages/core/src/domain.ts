import type { JobStatus, ProtocolStatus, StepStatus } from './statuses.js';

// Domain records use the original's snake_case field names: they are what the api returns, what
// the events carry and what the client reads, so one shape serves every edge without mappers.

/** ISO-8601 UTC timestamp with milliseconds, e.g. `2026-11-27T17:00:00.000Z`. */
export type IsoTimestamp = string;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type CiProvider = 'github' | 'gitlab';
export const CI_PROVIDERS: readonly CiProvider[] = ['github', 'gitlab'];

/** Per-project default model names by phase. */
export interface DefaultModels {
  planning?: string;
  decompose?: string;
  exec?: string;
  qa?: string;
  discovery?: string;
}

export interface Project {
  id: number;
  name: string;
  git_url: string;
  base_branch: string;
  local_path: string | null;
  ci_provider: CiProvider | null;
  /** Stored server-side only; the api redacts values (see `redactSecrets`). */
  secrets: JsonObject | null;
  default_models: DefaultModels | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export interface ProtocolRun {
  id: number;
  project_id: number;
  protocol_name: string;
  status: ProtocolStatus;
  base_branch: string;
  /** The pushed branch (used to match CI webhooks to the run). */
  branch_name: string | null;
  worktree_path: string | null;
  protocol_root: string | null;
  description: string | null;
  template_config: JsonObject | null;
  template_source: JsonObject | null;
  /** When true, a completed step enqueues the next one until the run is done. */
  auto_advance: boolean;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export type StepType = 'setup' | 'work' | 'qa';

export interface StepRun {
  id: number;
  protocol_run_id: number;
  step_index: number;
  step_name: string;
  step_type: StepType | string;
  status: StepStatus;
  retries: number;
  model: string | null;
  engine_id: string | null;
  policy: JsonValue | null;
  runtime_state: JsonObject | null;
  summary: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export interface Event {
  id: number;
  project_id: number;
  /** Null for project-level events (branches, onboarding before a run exists). */
  protocol_run_id: number | null;
  step_run_id: number | null;
  event_type: string;
  message: string;
  metadata: JsonObject | null;
  created_at: IsoTimestamp;
  /** Filled by listings that join the run and the project. */
  protocol_name?: string | null;
  project_name?: string | null;
}

export const JOB_TYPES = [
  'plan_protocol_job',
  'execute_step_job',
  'run_quality_job',
  'project_setup_job',
  'open_pr_job',
  'codemachine_import_job',
  'spec_audit_job',
  'issue_comment_job',
  'deliver_webhook_job',
  'project_discovery_job',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

/**
 * A row of the job ledger (the original's codex_runs): one per job from `queued` on, and one per
 * run started through the api's `/codex/runs/start`.
 */
export interface JobRun {
  run_id: string;
  job_type: string;
  status: JobStatus;
  queue: string;
  attempts: number;
  max_attempts: number;
  params: JsonObject | null;
  result: JsonValue | null;
  error: string | null;
  log_path: string | null;
  prompt_version: string | null;
  cost_tokens: number | null;
  /** Cost in US cents, as the original column. */
  cost_cents: number | null;
  project_id: number | null;
  protocol_run_id: number | null;
  step_run_id: number | null;
  idempotency_key: string | null;
  priority: number;
  run_at: IsoTimestamp;
  lease_owner: string | null;
  lease_expires_at: IsoTimestamp | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
  started_at: IsoTimestamp | null;
  finished_at: IsoTimestamp | null;
}

/** Cursor-paginated list result. `next_cursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

/** Replaces secret values by a marker so clients see which keys are set, never the values. */
export function redactSecrets(secrets: JsonObject | null): Record<string, string> | null {
  if (!secrets) return secrets;
  return Object.fromEntries(Object.keys(secrets).map((key) => [key, '***']));
}
