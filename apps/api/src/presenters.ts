import {
  redactSecrets,
  redactUrlCredentials,
  type Event,
  type JobRun,
  type JobStatus,
  type JsonObject,
  type JsonValue,
  type Project,
  type ProtocolRun,
} from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { Runtime } from '@tasksgodzilla/runtime';

// Response shapes of the original api (reference §1.2, §0.5), built from the domain records.

// The template_config keys of the spec and its validation result (the original's JSON contract).
const PROTOCOL_SPEC_KEY = 'protocol_spec';
const SPEC_META_KEY = 'spec_meta';
/** Events scanned for the validation summary of a run that has a spec but no spec_meta. */
const VALIDATION_SCAN_LIMIT = 50;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ProjectOut = Omit<Project, 'secrets'> & { secrets: Record<string, string> | null };

/** Secrets never leave the server: the keys that are set, each with `***`. */
/** A project as clients see it: secret values and credentials embedded in `git_url` (`https://user:token@…`) hidden. */
export function projectOut(project: Project): ProjectOut {
  return { ...project, git_url: redactUrlCredentials(project.git_url), secrets: redactSecrets(project.secrets) };
}

export interface ValidationSummary {
  status: 'valid' | 'invalid' | null;
  errors: string[] | null;
  validated_at: string | null;
}

export type ProtocolRunOut = ProtocolRun & {
  spec_hash: string | null;
  spec_validation_status: 'valid' | 'invalid' | null;
  spec_validated_at: string | null;
};

function specOf(run: ProtocolRun): JsonObject | null {
  const spec = run.template_config?.[PROTOCOL_SPEC_KEY];
  return isObject(spec) && Object.keys(spec).length > 0 ? spec : null;
}

function stringList(value: JsonValue | undefined): string[] | null {
  if (value === undefined || value === null) return null;
  const list = (Array.isArray(value) ? value : [value]).map((item) =>
    typeof item === 'string' ? item : JSON.stringify(item),
  );
  return list.length > 0 ? list : null;
}

/**
 * The validation summary of reference §1.3: `template_config.spec_meta` when present, else the
 * newest event that says something about validation (`spec_validation_error` → invalid, an event
 * with `metadata.spec_validated` → valid). Newest wins; the original let any old error win.
 */
export async function validationSummary(runtime: Runtime, run: ProtocolRun): Promise<ValidationSummary> {
  const meta = run.template_config?.[SPEC_META_KEY];
  if (isObject(meta) && Object.keys(meta).length > 0) {
    const status = meta['status'] === 'valid' || meta['status'] === 'invalid' ? meta['status'] : null;
    return {
      status,
      errors: stringList(meta['errors']),
      validated_at: typeof meta['validated_at'] === 'string' ? meta['validated_at'] : null,
    };
  }
  // Without a spec there is nothing whose validation could be reported; skip the extra read.
  if (!specOf(run)) return { status: null, errors: null, validated_at: null };
  const page = await runtime.storage.events.list({ protocol_run_id: run.id }, { limit: VALIDATION_SCAN_LIMIT });
  for (const event of page.items) {
    if (event.event_type === 'spec_validation_error') {
      return { status: 'invalid', errors: stringList(event.metadata?.['errors']), validated_at: event.created_at };
    }
    if (event.metadata?.['spec_validated']) return { status: 'valid', errors: null, validated_at: event.created_at };
  }
  return { status: null, errors: null, validated_at: null };
}

export function specHashOf(runtime: Runtime, run: ProtocolRun): string | null {
  const spec = specOf(run);
  return spec ? runtime.services.spec.hash(spec) : null;
}

/** ProtocolRunOut: the run plus the derived spec fields (reference §1.3). */
export async function protocolRunOut(runtime: Runtime, run: ProtocolRun): Promise<ProtocolRunOut> {
  const summary = await validationSummary(runtime, run);
  return {
    ...run,
    spec_hash: specHashOf(runtime, run),
    spec_validation_status: summary.status,
    spec_validated_at: summary.validated_at,
  };
}

export async function protocolRunsOut(runtime: Runtime, runs: ProtocolRun[]): Promise<ProtocolRunOut[]> {
  return Promise.all(runs.map((run) => protocolRunOut(runtime, run)));
}

export interface EventOut {
  id: number;
  project_id: number;
  protocol_run_id: number | null;
  step_run_id: number | null;
  event_type: string;
  message: string;
  metadata: JsonObject | null;
  created_at: string;
  protocol_name: string | null;
  project_name: string | null;
}

export function eventOut(event: Event): EventOut {
  return {
    id: event.id,
    project_id: event.project_id,
    protocol_run_id: event.protocol_run_id,
    step_run_id: event.step_run_id,
    event_type: event.event_type,
    message: event.message,
    metadata: event.metadata,
    created_at: event.created_at,
    protocol_name: event.protocol_name ?? null,
    project_name: event.project_name ?? null,
  };
}

/** The Job object of reference §0.5 from a ledger row; the payload carries `job_id` as the original's. */
export interface JobOut {
  job_id: string;
  job_type: string;
  payload: JsonObject;
  status: JobStatus;
  queue: string;
  created_at: string;
  attempts: number;
  max_attempts: number;
  next_run_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  result: JsonValue | null;
  error: string | null;
  meta: JsonObject;
}

export function jobOut(job: QueueJob): JobOut {
  return {
    job_id: job.run_id,
    job_type: job.job_type,
    payload: { ...(job.params ?? {}), job_id: job.run_id },
    status: job.status,
    queue: job.queue,
    created_at: job.created_at,
    attempts: job.attempts,
    max_attempts: job.max_attempts,
    next_run_at: job.status === 'queued' ? job.run_at : null,
    started_at: job.started_at,
    ended_at: job.finished_at,
    result: job.result,
    error: job.error,
    meta: {
      project_id: job.project_id,
      protocol_run_id: job.protocol_run_id,
      step_run_id: job.step_run_id,
      log_path: job.log_path,
      priority: job.priority,
      idempotency_key: job.idempotency_key,
      timeout_seconds: job.timeout_seconds,
      cancel_requested: job.cancel_requested,
    },
  };
}

export interface ActionResponse {
  message: string;
  job: JobOut | null;
}

export function actionResponse(message: string, job: QueueJob | null): ActionResponse {
  return { message, job: job ? jobOut(job) : null };
}

export type CodexRunOut = Pick<
  JobRun,
  | 'run_id'
  | 'job_type'
  | 'status'
  | 'queue'
  | 'attempts'
  | 'max_attempts'
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
  | 'project_id'
  | 'protocol_run_id'
  | 'step_run_id'
>;

/** CodexRunOut: a ledger row (the original's codex_runs) without the lease internals. */
export function codexRunOut(run: JobRun): CodexRunOut {
  return {
    run_id: run.run_id,
    job_type: run.job_type,
    status: run.status,
    queue: run.queue,
    attempts: run.attempts,
    max_attempts: run.max_attempts,
    created_at: run.created_at,
    updated_at: run.updated_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    prompt_version: run.prompt_version,
    params: run.params,
    result: run.result,
    error: run.error,
    log_path: run.log_path,
    cost_tokens: run.cost_tokens,
    cost_cents: run.cost_cents,
    project_id: run.project_id,
    protocol_run_id: run.protocol_run_id,
    step_run_id: run.step_run_id,
  };
}
