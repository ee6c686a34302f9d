import {
  isJobStatus,
  type CiProvider,
  type DefaultModels,
  type Event,
  type JobStatus,
  type Project,
  type ProtocolRun,
  type ProtocolStatus,
  type StepRun,
  type StepStatus,
} from '@tasksgodzilla/core';
import type { Selectable } from 'kysely';
import type { EventsTable, JobRunsTable, ProjectsTable, ProtocolRunsTable, StepRunsTable } from '../schema.js';
import { parseJson, parseJsonObject, parseSharedJsonObject } from './json.js';
import type { JobRunRecord } from './repositories.types.js';

// Rows stay inside this package: every repository returns these core domain shapes.

/** pg returns bigint and numeric aggregates as strings; SQLite returns numbers. */
function num(value: number | string | null): number | null {
  if (value === null) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    git_url: row.git_url,
    base_branch: row.base_branch,
    local_path: row.local_path,
    ci_provider: row.ci_provider as CiProvider | null,
    secrets: parseJsonObject(row.secrets),
    default_models: parseJsonObject(row.default_models) as DefaultModels | null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toProtocolRun(row: Selectable<ProtocolRunsTable>): ProtocolRun {
  return {
    id: row.id,
    project_id: row.project_id,
    protocol_name: row.protocol_name,
    status: row.status as ProtocolStatus,
    base_branch: row.base_branch,
    branch_name: row.branch_name,
    worktree_path: row.worktree_path,
    protocol_root: row.protocol_root,
    description: row.description,
    template_config: parseSharedJsonObject(row.template_config),
    template_source: parseJsonObject(row.template_source),
    auto_advance: Number(row.auto_advance) === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toStepRun(row: Selectable<StepRunsTable>): StepRun {
  return {
    id: row.id,
    protocol_run_id: row.protocol_run_id,
    step_index: row.step_index,
    step_name: row.step_name,
    step_type: row.step_type,
    status: row.status as StepStatus,
    retries: row.retries,
    model: row.model,
    engine_id: row.engine_id,
    policy: parseJson(row.policy),
    runtime_state: parseJsonObject(row.runtime_state),
    summary: row.summary,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export type EventRow = Selectable<EventsTable> & { protocol_name?: string | null; project_name?: string | null };

export function toEvent(row: EventRow): Event {
  const event: Event = {
    id: row.id,
    project_id: row.project_id,
    protocol_run_id: row.protocol_run_id,
    step_run_id: row.step_run_id,
    event_type: row.event_type,
    message: row.message,
    metadata: parseJsonObject(row.metadata),
    created_at: row.created_at,
  };
  if (row.protocol_name !== undefined) event.protocol_name = row.protocol_name;
  if (row.project_name !== undefined) event.project_name = row.project_name;
  return event;
}

/** The one mapper of job_runs rows (the queue reads its rows through the same repository). */
export function toJobRun(row: Selectable<JobRunsTable>): JobRunRecord {
  return {
    run_id: row.run_id,
    job_type: row.job_type,
    status: (isJobStatus(row.status) ? row.status : 'failed') as JobStatus,
    queue: row.queue,
    attempts: Number(row.attempts),
    max_attempts: Number(row.max_attempts),
    params: parseJsonObject(row.params),
    result: parseJson(row.result),
    error: row.error,
    log_path: row.log_path,
    prompt_version: row.prompt_version,
    cost_tokens: num(row.cost_tokens),
    cost_cents: num(row.cost_cents),
    project_id: num(row.project_id),
    protocol_run_id: num(row.protocol_run_id),
    step_run_id: num(row.step_run_id),
    idempotency_key: row.idempotency_key,
    priority: Number(row.priority),
    run_at: row.run_at,
    lease_owner: row.lease_owner,
    lease_expires_at: row.lease_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    timeout_seconds: num(row.timeout_seconds),
    cancel_requested: Number(row.cancel_requested) === 1,
    published_at: row.published_at,
  };
}
