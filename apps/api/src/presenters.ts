import {
  expandEventFilter,
  redactSecrets,
  redactUrlCredentials,
  webhookSecretOut,
  type ProjectWebhook,
  type WebhookNotification,
  type Event,
  type JobRun,
  type Project,
  type ProtocolRun,
} from '@tasksgodzilla/core';
import type * as contract from '@tasksgodzilla/api-contract';
import type { Out } from '@tasksgodzilla/api-contract';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { OrchestratorReadModels, ProtocolRunView } from '@tasksgodzilla/runtime';

// Response shapes of the original api (reference §1.2, §0.5), built from the domain records; their types
// are the shared contract's (@tasksgodzilla/api-contract), which the api's tests check every answer against.

export type ProjectOut = Out<typeof contract.ProjectOut>;

// The answers below are copies made with Object.assign into an empty object, then their own fields set:
// same keys in the same order as `{ ...record, field }`, but V8 had the spread literal's site allocate
// straight into the old generation (allocation-site pretenuring), so each `GET /protocols/{id}` answer
// grew the old generation until a full collection and scavenges took 1.3-8 ms instead of 0.3 ms
// (issue 12). An empty literal has no allocation site to pretenure.

/** Secrets never leave the server: the keys that are set, each with `***`. */
/** A project as clients see it: secret values and credentials embedded in `git_url` (`https://user:token@…`) hidden. */
export function projectOut(project: Project): ProjectOut {
  const out = Object.assign({}, project) as unknown as ProjectOut;
  out.git_url = redactUrlCredentials(project.git_url);
  out.secrets = redactSecrets(project.secrets);
  return out;
}

export type ProtocolRunOut = Out<typeof contract.ProtocolRunOut>;

/** ProtocolRunOut: the run plus the fields derived from its spec (reference §1.3). */
export function protocolRunOut(view: ProtocolRunView): ProtocolRunOut {
  const out = Object.assign({}, view.run) as ProtocolRunOut;
  out.spec_hash = view.spec_hash;
  out.spec_validation_status = view.validation.status;
  out.spec_validated_at = view.validation.validated_at;
  return out;
}

/** A run presented with its spec hash and validation, read through the read models. */
export async function presentRun(
  reads: Pick<OrchestratorReadModels, 'protocolRunView'>,
  run: ProtocolRun,
): Promise<ProtocolRunOut> {
  return protocolRunOut(await reads.protocolRunView(run));
}

export type EventOut = Out<typeof contract.EventOut>;

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
export type JobOut = Out<typeof contract.JobOut>;

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

export type ActionResponse = Out<typeof contract.ActionResponse>;

export function actionResponse(message: string, job: QueueJob | null): ActionResponse {
  return { message, job: job ? jobOut(job) : null };
}

export type CodexRunOut = Out<typeof contract.CodexRunOut>;

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

export type WebhookOut = Out<typeof contract.WebhookOut>;

/** A webhook as clients see it: the secret write-only (`***` when set, as project secrets), the filter's types expanded. */
export function webhookOut(webhook: ProjectWebhook): WebhookOut {
  const secret = webhookSecretOut(webhook.secret) === null ? null : '***';
  return { ...webhook, secret, event_types: expandEventFilter(webhook.event_filter) };
}

export type WebhookDeliveryOut = Out<typeof contract.WebhookDeliveryOut>;

export function webhookDeliveryOut(delivery: WebhookNotification): WebhookDeliveryOut {
  return { ...delivery };
}
