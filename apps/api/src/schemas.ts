import { z } from 'zod';

// Request schemas (validated by http/request-validation.ts, every issue reported at once) and
// response schemas (for the OpenAPI document). Field names are the original's (reference §1.2).
// Unknown body fields are ignored, as FastAPI did; strings are never coerced from numbers.

const PROTOCOL_STATUSES = [
  'pending',
  'planning',
  'planned',
  'running',
  'paused',
  'blocked',
  'failed',
  'cancelled',
  'completed',
] as const;
const STEP_STATUSES = ['pending', 'running', 'needs_qa', 'completed', 'failed', 'cancelled', 'blocked'] as const;
/** Job statuses of the ledger, plus the original's RQ names (`started`, `finished`). */
export const JOB_STATUS_FILTERS = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'started',
  'finished',
] as const;

const json = z.json();
const jsonObject = z.record(z.string(), json);

// ---- parameters ----------------------------------------------------------------------------------

export const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const optionalId = idSchema.optional();
const limit = z.coerce.number().int().min(1).max(500).optional().describe('Page size, 1..500 (default 50).');
const cursor = z.string().min(1).max(2000).optional().describe('The `X-Next-Cursor` of the previous page.');

export const PageQuery = z.object({ limit, cursor });
export const ProjectParams = z.object({ project_id: idSchema });
export const ProtocolParams = z.object({ id: idSchema });
export const StepParams = z.object({ step_id: idSchema });
export const BranchParams = z.object({ project_id: idSchema, '*': z.string() });
/** Run ids are path segments of the runs folder too: no separators, no dot-only names. */
export const RUN_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
export const RunParams = z.object({
  run_id: z.string().regex(RUN_ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"'),
});
export const JobParams = z.object({ job_id: z.string().min(1).max(200) });

export const EventsQuery = z.object({
  limit,
  cursor,
  project_id: optionalId,
  protocol_run_id: optionalId,
  kind: z.enum(['onboarding']).optional().describe('`onboarding` keeps setup events only (filtered before the limit).'),
});
export const EventStreamQuery = z.object({
  project_id: optionalId,
  protocol_run_id: optionalId,
  last_event_id: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Resume after this event id (the `Last-Event-ID` header wins).'),
});
export const QueueJobsQuery = z.object({
  limit,
  cursor,
  status: z.enum(JOB_STATUS_FILTERS).optional(),
  job_type: z.string().max(100).optional(),
});
export const CodexRunsQuery = z.object({
  limit,
  cursor,
  job_type: z.string().max(100).optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
});
export const ConsoleRunsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const WebhookQuery = z.object({
  protocol_run_id: optionalId.describe('Target this run instead of matching the branch.'),
});

// ---- request bodies ------------------------------------------------------------------------------

const defaultModels = z
  .object({ planning: z.string(), decompose: z.string(), exec: z.string(), qa: z.string(), discovery: z.string() })
  .partial();

export const ProjectCreate = z.object({
  name: z.string().trim().min(1),
  git_url: z.string().trim().min(1),
  local_path: z.string().min(1).nullable().optional(),
  base_branch: z.string().trim().min(1).optional(),
  ci_provider: z.enum(['github', 'gitlab']).nullable().optional(),
  default_models: defaultModels.nullable().optional(),
  secrets: jsonObject
    .nullable()
    .optional()
    .describe('Write-only: responses show which keys are set, never the values.'),
});

export const ProtocolRunCreate = z.object({
  protocol_name: z.string().trim().min(1),
  status: z
    .literal('pending', { error: 'a run is created pending; start it with POST /protocols/{id}/actions/start' })
    .optional(),
  base_branch: z.string().trim().min(1).optional(),
  worktree_path: z.null({ error: 'set by planning; leave it null' }).optional(),
  protocol_root: z.null({ error: 'set by planning; leave it null' }).optional(),
  description: z.string().nullable().optional(),
  template_config: jsonObject.nullable().optional(),
  template_source: jsonObject.nullable().optional(),
  template: z
    .string()
    .nullable()
    .optional()
    .describe('Protocol template folder on the server (plan.md, context.md, numbered step files).'),
  engine_id: z.string().nullable().optional(),
  auto_advance: z.boolean().optional().describe('Enqueue the next step by itself after each completed step.'),
});

export const StepRunCreate = z.object({
  step_index: z.number().int().min(0),
  step_name: z.string().trim().min(1),
  step_type: z.string().trim().min(1),
  /** A new step always starts pending: only the orchestrator moves statuses. */
  status: z.enum(['pending']).optional(),
  model: z.string().nullable().optional(),
  summary: z.string().nullable().optional(),
  engine_id: z.string().nullable().optional(),
  policy: z
    .union([jsonObject, z.array(jsonObject)])
    .nullable()
    .optional(),
});

export const BranchDeleteRequest = z.object({ confirm: z.boolean().default(false) });

export const CodeMachineImportRequest = z.object({
  protocol_name: z.string().trim().min(1),
  workspace_path: z.string().trim().min(1),
  base_branch: z.string().trim().min(1).optional(),
  description: z.string().nullable().optional(),
  enqueue: z.boolean().default(false),
  auto_advance: z.boolean().optional(),
});

export const SpecAuditRequest = z.object({
  project_id: idSchema.nullable().optional(),
  protocol_id: idSchema.nullable().optional(),
  backfill: z.boolean().default(false),
  interval_seconds: z
    .number()
    .int()
    .min(1)
    .nullable()
    .optional()
    .describe('Accepted for compatibility; the audit interval is TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS.'),
});

/** A path the file system can take: PATH_MAX and NAME_MAX of common file systems. */
const LOG_PATH_MAX = 1024;
const LOG_PATH_SEGMENT_MAX = 255;

export const CodexRunCreate = z.object({
  job_type: z.string().trim().min(1).max(100),
  prompt_version: z.string().nullable().optional(),
  params: jsonObject.nullable().optional(),
  run_id: z.string().regex(RUN_ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"').nullable().optional(),
  log_path: z
    .string()
    .min(1)
    .max(LOG_PATH_MAX, `must be at most ${LOG_PATH_MAX} characters`)
    .refine(
      (value) => ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f),
      'must not contain control characters',
    )
    .refine(
      (value) => value.split(/[\\/]/).every((segment) => Buffer.byteLength(segment) <= LOG_PATH_SEGMENT_MAX),
      `every path segment must be at most ${LOG_PATH_SEGMENT_MAX} bytes`,
    )
    .nullable()
    .optional()
    .describe('Inside the runs folder (CODEX_RUNS_DIR); relative paths are taken from it.'),
  cost_tokens: z.number().int().min(0).nullable().optional(),
  cost_cents: z.number().int().min(0).nullable().optional(),
});

// ---- responses (documentation) -------------------------------------------------------------------

const timestamp = z.string().describe('ISO-8601 UTC with milliseconds');
const nullableText = z.string().nullable();

export const Detail = z.object({
  detail: z.union([
    z.string(),
    z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })),
  ]),
  code: z.string().optional(),
});

export const ProjectOut = z.object({
  id: z.number().int(),
  name: z.string(),
  git_url: z.string(),
  base_branch: z.string(),
  local_path: nullableText,
  ci_provider: nullableText,
  default_models: defaultModels.nullable(),
  secrets: z.record(z.string(), z.string()).nullable().describe('Redacted: which keys are set.'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const ProtocolRunOut = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  protocol_name: z.string(),
  status: z.enum(PROTOCOL_STATUSES),
  base_branch: z.string(),
  branch_name: nullableText,
  worktree_path: nullableText,
  protocol_root: nullableText,
  description: nullableText,
  template_config: jsonObject.nullable(),
  template_source: jsonObject.nullable(),
  auto_advance: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
  spec_hash: nullableText,
  spec_validation_status: z.enum(['valid', 'invalid']).nullable(),
  spec_validated_at: nullableText,
});

export const ProtocolSpecOut = z.object({
  protocol_run_id: z.number().int(),
  protocol_name: z.string(),
  project_id: z.number().int(),
  spec: jsonObject.nullable(),
  spec_hash: nullableText,
  validation_status: z.enum(['valid', 'invalid']).nullable(),
  validation_errors: z.array(z.string()).nullable(),
  validated_at: nullableText,
});

export const StepRunOut = z.object({
  id: z.number().int(),
  protocol_run_id: z.number().int(),
  step_index: z.number().int(),
  step_name: z.string(),
  step_type: z.string(),
  status: z.enum(STEP_STATUSES),
  retries: z.number().int(),
  model: nullableText,
  engine_id: nullableText,
  policy: json.nullable(),
  runtime_state: jsonObject.nullable(),
  summary: nullableText,
  created_at: timestamp,
  updated_at: timestamp,
});

export const EventOut = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  protocol_run_id: z.number().int().nullable(),
  step_run_id: z.number().int().nullable(),
  event_type: z.string(),
  message: z.string(),
  metadata: jsonObject.nullable(),
  created_at: timestamp,
  protocol_name: nullableText,
  project_name: nullableText,
});

export const JobOut = z.object({
  job_id: z.string(),
  job_type: z.string(),
  payload: jsonObject.describe('Includes `job_id`.'),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  queue: z.string(),
  created_at: timestamp,
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  next_run_at: nullableText,
  started_at: nullableText,
  ended_at: nullableText,
  result: json.nullable(),
  error: nullableText,
  meta: jsonObject,
});

export const ActionResponse = z.object({ message: z.string(), job: JobOut.nullable() });

export const CodexRunOut = z.object({
  run_id: z.string(),
  job_type: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  queue: z.string(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
  started_at: nullableText,
  finished_at: nullableText,
  prompt_version: nullableText,
  params: jsonObject.nullable(),
  result: json.nullable(),
  error: nullableText,
  log_path: nullableText,
  cost_tokens: z.number().int().nullable(),
  cost_cents: z.number().int().nullable(),
  project_id: z.number().int().nullable(),
  protocol_run_id: z.number().int().nullable(),
  step_run_id: z.number().int().nullable(),
});

export const OnboardingStageOut = z.object({
  key: z.string(),
  name: z.string(),
  status: z.string(),
  event_type: nullableText,
  message: nullableText,
  created_at: nullableText,
  metadata: jsonObject.nullable().optional(),
});

export const OnboardingSummaryOut = z.object({
  project_id: z.number().int(),
  protocol_run_id: z.number().int().nullable(),
  status: z.string(),
  workspace_path: nullableText,
  hint: nullableText.optional(),
  last_event: EventOut.nullable(),
  stages: z.array(OnboardingStageOut),
  events: z.array(EventOut).describe('Newest first.'),
});

export const CodeMachineImportResponse = z.object({
  protocol_run: ProtocolRunOut,
  message: z.string(),
  job: JobOut.nullable(),
});

const usageLine = { tokens: z.number(), cost_usd: z.number() };
export const ProtocolUsageOut = z.object({
  protocol_run_id: z.number().int(),
  ...usageLine,
  by_phase: z.array(z.object({ phase: z.string(), jobs: z.number().int(), ...usageLine })),
  by_model: z.array(z.object({ phase: z.string(), model: nullableText, engine_id: nullableText, ...usageLine })),
  by_step: z.array(z.object({ step_run_id: z.number().int(), step_name: z.string(), ...usageLine })),
});

export const QueueStatsOut = z.record(z.string(), z.unknown()).describe('`{ backend, <queue>: { <status>: count } }`');

export const HealthOut = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.object({ ok: z.boolean(), backend: z.string() }),
  queue: z.object({ ok: z.boolean(), backend: z.string(), stats: z.unknown().optional() }),
});

export const BranchListResponse = z.object({ branches: z.array(z.string()) });
export const BranchDeleteResponse = z.object({ deleted: z.boolean(), branch: z.string() });
