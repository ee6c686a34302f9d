import { z } from 'zod';

const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The queue's enqueue options (payloads are the job types' own schemas, see job-types.ts), built on
 * the first enqueue: a process that only claims (an idle worker) never builds it (issue 12).
 */
export function enqueueOptionsSchema(): EnqueueOptionsSchema {
  return (built ??= buildEnqueueOptionsSchema());
}

type EnqueueOptionsSchema = ReturnType<typeof buildEnqueueOptionsSchema>;
let built: EnqueueOptionsSchema | undefined;

function buildEnqueueOptionsSchema() {
  const id = z.number().int().positive();
  return z
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
}

export { QUEUE_NAME };
