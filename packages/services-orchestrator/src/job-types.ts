import { z } from 'zod';
import type { JobType } from '@tasksgodzilla/core';
import {
  defineJobType,
  type ActiveJob,
  type JobHandler,
  type JobPayloadInputOf,
  type JobPayloadOf,
  type JobTypeDefinition,
  type JobTypeMap,
  type JobTypeRegistry,
} from '@tasksgodzilla/platform-queue';

// The orchestrator's job types as the queue knows them: payload schemas (the original's, §5.2
// of the reference) and idempotency keys. The queue package itself knows no job type.

const id = z.number().int().positive();
// Every payload may carry the api request id, so events written by the job can be correlated.
const requestId = { request_id: z.string().min(1).max(200).optional() };

/** `<job_type>:<subject>:<n>`: n is one more than the jobs of the type already enqueued for the subject. */
const subjectKey =
  (jobType: JobType, subject: (payload: Record<string, unknown>) => string | null) =>
  (payload: Record<string, unknown>, sequence: number | null): string | undefined => {
    const name = subject(payload);
    return name !== null && sequence !== null ? `${jobType}:${name}:${sequence}` : undefined;
  };

/**
 * A job type whose payload schema is built on its first use (enqueue or claim): building the ten
 * schemas at import was work and memory every process paid at start, an idle worker too (issue 12).
 */
function jobType<S extends z.ZodType>(
  build: () => S,
  rest: Omit<JobTypeDefinition<S>, 'payload'>,
): JobTypeDefinition<S> {
  let payload: S | undefined;
  return defineJobType(
    Object.defineProperty({ ...rest }, 'payload', {
      get: () => (payload ??= build()),
      enumerable: true,
    }) as JobTypeDefinition<S>,
  );
}

/** The payload of a step's jobs (execute, QA): protocol_run_id / project_id are optional context so a failure can be attributed (defect 20). */
const stepPayload = () =>
  z.strictObject({ step_run_id: id, protocol_run_id: id.optional(), project_id: id.optional(), ...requestId });

const ofStep = (payload: Record<string, unknown>) => `step-${String(payload.step_run_id)}`;
const ofRun = (payload: Record<string, unknown>) => `run-${String(payload.protocol_run_id)}`;

// Strict objects: an unknown key is a typo or a caller bug, reported with its path rather than dropped.
export const ORCHESTRATOR_JOB_TYPES = {
  plan_protocol_job: jobType(() => z.strictObject({ protocol_run_id: id, project_id: id.optional(), ...requestId }), {
    idempotencyKey: subjectKey('plan_protocol_job', ofRun),
  }),
  execute_step_job: jobType(stepPayload, { idempotencyKey: subjectKey('execute_step_job', ofStep) }),
  run_quality_job: jobType(stepPayload, { idempotencyKey: subjectKey('run_quality_job', ofStep) }),
  project_setup_job: jobType(
    () => z.strictObject({ project_id: id, protocol_run_id: id.nullable().optional(), ...requestId }),
    {
      idempotencyKey: subjectKey('project_setup_job', (payload) =>
        typeof payload.protocol_run_id === 'number' ? ofRun(payload) : `project-${String(payload.project_id)}`,
      ),
    },
  ),
  // Repository discovery on its own (the original's codex_ci_bootstrap): one per project at a time.
  project_discovery_job: jobType(
    () =>
      z.strictObject({
        project_id: id,
        engine_id: z.string().trim().min(1).max(100).nullable().optional(),
        ...requestId,
      }),
    {
      idempotencyKey: subjectKey('project_discovery_job', (payload) => `project-${String(payload.project_id)}`),
    },
  ),
  open_pr_job: jobType(() => z.strictObject({ protocol_run_id: id, project_id: id.optional(), ...requestId }), {
    idempotencyKey: subjectKey('open_pr_job', ofRun),
  }),
  codemachine_import_job: jobType(
    () =>
      z.strictObject({
        project_id: id,
        protocol_run_id: id,
        workspace_path: z.string().min(1),
        ...requestId,
      }),
    {
      idempotencyKey: subjectKey('codemachine_import_job', ofRun),
    },
  ),
  spec_audit_job: jobType(
    () =>
      z.strictObject({
        project_id: id.nullable().optional(),
        protocol_id: id.nullable().optional(),
        backfill_missing: z.boolean().default(false),
        interval_override: z.number().int().positive().nullable().optional(),
        ...requestId,
      }),
    {
      // The audited run is the job's run (its payload names it protocol_id).
      links: (payload) => ({ protocol_run_id: payload.protocol_id ?? null }),
      idempotencyKey: subjectKey('spec_audit_job', (payload) =>
        typeof payload.protocol_id === 'number'
          ? `run-${payload.protocol_id}`
          : typeof payload.project_id === 'number'
            ? `project-${payload.project_id}`
            : null,
      ),
    },
  ),
  // Issues in (issue 14): brings the run's one status comment on its forge issue up to date.
  issue_comment_job: jobType(() => z.strictObject({ protocol_run_id: id, project_id: id.optional(), ...requestId }), {
    idempotencyKey: subjectKey('issue_comment_job', ofRun),
  }),
  // One HTTP attempt of an outgoing webhook delivery (notifications/). The handler schedules the next
  // attempt itself (its own backoff), so the job's own retries only cover errors before the POST.
  deliver_webhook_job: jobType(
    () => z.strictObject({ delivery_id: id, attempt: id, project_id: id.optional(), ...requestId }),
    {
      idempotencyKey: (payload) => `deliver_webhook_job:delivery-${payload.delivery_id}:${payload.attempt}`,
      defaults: { timeout_seconds: 300 },
    },
  ),
} satisfies Record<JobType, JobTypeMap[string]>;

export type OrchestratorJobTypes = typeof ORCHESTRATOR_JOB_TYPES;
/** What a handler of this job type receives (schema defaults applied). */
export type JobPayload<T extends JobType> = JobPayloadOf<OrchestratorJobTypes[T]>;
/** What a producer passes when enqueuing this job type. */
export type JobPayloadInput<T extends JobType> = JobPayloadInputOf<OrchestratorJobTypes[T]>;
/** A claimed job of this type, its payload parsed. */
export type OrchestratorJob<T extends JobType> = ActiveJob<JobPayload<T>>;
/** The handler of one job type. */
export type OrchestratorJobHandler<T extends JobType> = JobHandler<JobPayload<T>>;
export type OrchestratorJobHandlers = { [T in JobType]: OrchestratorJobHandler<T> };

/**
 * Registers the orchestrator's job types with a queue's registry (the composition root does it
 * before opening the queue), so the queue validates their payloads and keys their jobs.
 */
export function registerOrchestratorJobTypes<M extends JobTypeMap>(
  registry: JobTypeRegistry<M>,
): JobTypeRegistry<M & OrchestratorJobTypes> {
  const definitions: JobTypeMap = ORCHESTRATOR_JOB_TYPES;
  for (const [type, definition] of Object.entries(definitions)) registry.register(type, definition);
  return registry as unknown as JobTypeRegistry<M & OrchestratorJobTypes>;
}
