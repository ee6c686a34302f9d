import { z } from 'zod';
import { JOB_TYPES, ValidationError, type JobType, type JsonObject } from '@tasksgodzilla/core';

const id = z.number().int().positive();
// Every payload may carry the api request id, so events written by the job can be correlated.
const requestId = { request_id: z.string().min(1).max(200).optional() };

// Strict objects: an unknown key is a typo or a caller bug, reported with its path rather than dropped.
export const JOB_PAYLOAD_SCHEMAS = {
  plan_protocol_job: z.strictObject({ protocol_run_id: id, project_id: id.optional(), ...requestId }),
  // protocol_run_id / project_id are optional context so a failure can be attributed (defect 20).
  execute_step_job: z.strictObject({
    step_run_id: id,
    protocol_run_id: id.optional(),
    project_id: id.optional(),
    ...requestId,
  }),
  run_quality_job: z.strictObject({
    step_run_id: id,
    protocol_run_id: id.optional(),
    project_id: id.optional(),
    ...requestId,
  }),
  project_setup_job: z.strictObject({ project_id: id, protocol_run_id: id.nullable().optional(), ...requestId }),
  open_pr_job: z.strictObject({ protocol_run_id: id, project_id: id.optional(), ...requestId }),
  codemachine_import_job: z.strictObject({
    project_id: id,
    protocol_run_id: id,
    workspace_path: z.string().min(1),
    ...requestId,
  }),
  spec_audit_job: z.strictObject({
    project_id: id.nullable().optional(),
    protocol_id: id.nullable().optional(),
    backfill_missing: z.boolean().default(false),
    interval_override: z.number().int().positive().nullable().optional(),
    ...requestId,
  }),
} as const satisfies Record<JobType, z.ZodType>;

type Schemas = typeof JOB_PAYLOAD_SCHEMAS;
/** What a producer passes to `enqueue` for a job type. */
export type JobPayloadInput<T extends JobType> = z.input<Schemas[T]>;
/** What a handler receives (defaults applied). */
export type JobPayload<T extends JobType> = z.output<Schemas[T]>;

export function isJobType(value: unknown): value is JobType {
  return typeof value === 'string' && (JOB_TYPES as readonly string[]).includes(value);
}

/** Checks a payload against its job type's schema; a ValidationError names each bad field (`payload.<field>`). */
export function parseJobPayload(jobType: string, payload: unknown): JsonObject {
  if (!isJobType(jobType)) {
    throw new ValidationError(
      `Unknown job type ${JSON.stringify(jobType)}`,
      [{ path: ['job_type'], message: `must be one of ${JOB_TYPES.join(', ')}` }],
      {
        code: 'unknown_job_type',
      },
    );
  }
  const parsed = JOB_PAYLOAD_SCHEMAS[jobType].safeParse(payload);
  if (!parsed.success)
    throw ValidationError.fromZod(parsed.error, ['payload'], {
      title: `Invalid ${jobType} payload`,
      code: 'invalid_job_payload',
    });
  return parsed.data as JsonObject;
}

const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const enqueueOptionsSchema = z
  .object({
    queue: z.string().regex(QUEUE_NAME, 'letters, digits, _ . - (1-64 characters)').optional(),
    idempotency_key: z.string().min(1).max(255).optional(),
    delay_ms: z.number().int().min(0).optional(),
    run_at: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    max_attempts: z.number().int().min(1).max(100).optional(),
    timeout_seconds: z.number().int().min(1).optional(),
    project_id: id.nullable().optional(),
    protocol_run_id: id.nullable().optional(),
    step_run_id: id.nullable().optional(),
  })
  .refine((v) => v.delay_ms === undefined || v.run_at === undefined, {
    message: 'give delay_ms or run_at, not both',
    path: ['run_at'],
  });

export { QUEUE_NAME };
