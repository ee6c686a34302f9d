import {
  ANSWER_MAX_CHARS,
  CI_PROVIDERS,
  ERROR_CATEGORIES,
  JOB_STATUSES,
  PROTOCOL_STATUSES,
  STEP_STATUSES,
} from '@tasksgodzilla/core';
import { z } from 'zod';

// Every request and response shape of the api, in its snake_case JSON (the original's field names,
// reference §1.2). Requests: unknown body fields are ignored, as FastAPI did; strings are never coerced
// from numbers. Responses are strict: a field the contract does not name is a contract violation.

/** Job statuses of the ledger, plus the original's RQ names (`started`, `finished`). */
export const JOB_STATUS_FILTERS = [...JOB_STATUSES, 'started', 'finished'] as const;

const json = z.json();
const jsonObject = z.record(z.string(), json);

// ---- parameters ----------------------------------------------------------------------------------

export const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const optionalId = idSchema.optional();
const limit = z.coerce.number().int().min(1).max(500).optional().describe('Page size, 1..500 (default 50).');
/** The response header of a list route that carries the next page's cursor (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';
const cursor = z.string().min(1).max(2000).optional().describe('The `X-Next-Cursor` of the previous page.');

export const PageQuery = z.object({ limit, cursor });
export const ProjectParams = z.object({ project_id: idSchema });
export const ProtocolParams = z.object({ id: idSchema });
export const StepParams = z.object({ step_id: idSchema });
export const BranchParams = z.object({ project_id: idSchema, '*': z.string() });
export const WildcardParams = z.object({ '*': z.string() });
/** Run ids are path segments of the runs folder too: no separators, no dot-only names. */
export const RUN_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
const runId = z.string().regex(RUN_ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"');
export const RunParams = z.object({ run_id: runId });
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
  status: z.enum(JOB_STATUSES).optional(),
});
export const ConsoleRunsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const WebhookQuery = z.object({
  protocol_run_id: optionalId.describe('Target this run instead of matching the branch.'),
});
export const StartProtocolQuery = z.object({
  replan: z
    .enum(['true', 'false', '1', '0'])
    .transform((value) => value === 'true' || value === '1')
    .optional()
    .describe('Plan a planned, paused or blocked run again.'),
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
  ci_provider: z.enum(CI_PROVIDERS).nullable().optional(),
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

/** `POST /steps/{id}/answer`: a person's answer to the question of a `needs_input` step. */
export const StepAnswer = z.object({ answer: z.string().trim().min(1).max(ANSWER_MAX_CHARS) });

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

export const BranchDeleteRequest = z.object({
  confirm: z.boolean().default(false).describe('Must be true, or the api answers 400.'),
});

export const CodeMachineImportRequest = z.object({
  protocol_name: z.string().trim().min(1),
  workspace_path: z.string().trim().min(1),
  base_branch: z.string().trim().min(1).optional(),
  description: z.string().nullable().optional(),
  enqueue: z.boolean().default(false).describe('Default false: import synchronously.'),
  auto_advance: z.boolean().optional(),
});

export const ProjectDiscoverRequest = z
  .object({
    engine_id: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe("Run this engine instead of the project's / configured default one (must be registered)."),
  })
  .default({ engine_id: null })
  .describe('Optional: an empty body runs the default engine.');

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
const utf8 = new TextEncoder();

export const CodexRunCreate = z.object({
  job_type: z.string().trim().min(1).max(100),
  prompt_version: z.string().nullable().optional(),
  params: jsonObject.nullable().optional(),
  run_id: runId.nullable().optional(),
  log_path: z
    .string()
    .min(1)
    .max(LOG_PATH_MAX, `must be at most ${LOG_PATH_MAX} characters`)
    .refine(
      (value) => ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f),
      'must not contain control characters',
    )
    .refine(
      (value) => value.split(/[\\/]/).every((segment) => utf8.encode(segment).length <= LOG_PATH_SEGMENT_MAX),
      `every path segment must be at most ${LOG_PATH_SEGMENT_MAX} bytes`,
    )
    .nullable()
    .optional()
    .describe('Inside the runs folder (CODEX_RUNS_DIR); relative paths are taken from it.'),
  cost_tokens: z.number().int().min(0).nullable().optional(),
  cost_cents: z.number().int().min(0).nullable().optional(),
});

// ---- responses -----------------------------------------------------------------------------------

const timestamp = z.string().describe('ISO-8601 UTC with milliseconds');
const nullableTimestamp = timestamp.nullable();
const nullableText = z.string().nullable();
const int = z.number().int();

/** One item of a FastAPI-like 422 `detail` array: where (`loc` = part + field path), what, which kind. */
export const DetailIssue = z.strictObject({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});

/** Every error answer (4xx, 5xx): the original's `detail` plus a machine-readable `code` and the core `category`. */
export const ErrorBody = z.strictObject({
  detail: z.union([z.string(), z.array(DetailIssue)]),
  code: z.string().optional(),
  category: z.enum(ERROR_CATEGORIES).optional(),
});

export const ProjectOut = z.strictObject({
  id: int,
  name: z.string(),
  git_url: z.string().describe('Credentials in the URL are replaced by `***`.'),
  base_branch: z.string(),
  local_path: nullableText,
  ci_provider: z.enum(CI_PROVIDERS).nullable(),
  default_models: defaultModels.nullable(),
  secrets: z.record(z.string(), z.string()).nullable().describe('Redacted: key → `***`.'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const SpecValidationStatus = z.enum(['valid', 'invalid']);

export const ProtocolRunOut = z.strictObject({
  id: int,
  project_id: int,
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
  spec_validation_status: SpecValidationStatus.nullable(),
  spec_validated_at: nullableTimestamp,
});

export const ProtocolSpecOut = z.strictObject({
  protocol_run_id: int,
  protocol_name: z.string(),
  project_id: int,
  spec: jsonObject.nullable(),
  spec_hash: nullableText,
  validation_status: SpecValidationStatus.nullable(),
  validation_errors: z.array(z.string()).nullable(),
  validated_at: nullableTimestamp,
});

export const StepRunOut = z.strictObject({
  id: int,
  protocol_run_id: int,
  step_index: int,
  step_name: z.string(),
  step_type: z.string(),
  status: z.enum(STEP_STATUSES),
  retries: int,
  model: nullableText,
  engine_id: nullableText,
  policy: json.nullable(),
  runtime_state: jsonObject.nullable(),
  summary: nullableText,
  created_at: timestamp,
  updated_at: timestamp,
});

export const EventOut = z.strictObject({
  id: int,
  project_id: int,
  protocol_run_id: int.nullable().describe('Null for project-level events (branches, onboarding before a run).'),
  step_run_id: int.nullable(),
  event_type: z.string(),
  message: z.string(),
  metadata: jsonObject.nullable(),
  created_at: timestamp,
  protocol_name: nullableText.describe('Joined by listings; null when the event has no run.'),
  project_name: nullableText,
});

/** The job object of reference §0.5, from a ledger row. */
export const JobOut = z.strictObject({
  job_id: z.string(),
  job_type: z.string(),
  payload: jsonObject.describe('Includes `job_id`.'),
  status: z.enum(JOB_STATUSES),
  queue: z.string(),
  created_at: timestamp,
  attempts: int,
  max_attempts: int,
  next_run_at: nullableTimestamp,
  started_at: nullableTimestamp,
  ended_at: nullableTimestamp,
  result: json.nullable(),
  error: nullableText,
  meta: jsonObject,
});

export const ActionResponse = z.strictObject({ message: z.string(), job: JobOut.nullable() });

export const CodexRunOut = z.strictObject({
  run_id: z.string(),
  job_type: z.string(),
  status: z.enum(JOB_STATUSES),
  queue: z.string(),
  attempts: int,
  max_attempts: int,
  created_at: timestamp,
  updated_at: timestamp,
  started_at: nullableTimestamp,
  finished_at: nullableTimestamp,
  prompt_version: nullableText,
  params: jsonObject.nullable(),
  result: json.nullable(),
  error: nullableText,
  log_path: nullableText,
  cost_tokens: int.nullable(),
  cost_cents: int.nullable(),
  project_id: int.nullable(),
  protocol_run_id: int.nullable(),
  step_run_id: int.nullable(),
});

export const ONBOARDING_STAGE_KEYS = ['resolve', 'discovery', 'assets', 'git', 'clarifications'] as const;
export const ONBOARDING_STAGE_STATUSES = [
  'pending',
  'running',
  'skipped',
  'warning',
  'blocked',
  'completed',
  'failed',
] as const;

export const OnboardingStage = z.strictObject({
  key: z.enum(ONBOARDING_STAGE_KEYS),
  name: z.string(),
  status: z.enum(ONBOARDING_STAGE_STATUSES),
  event_type: nullableText,
  message: nullableText,
  created_at: nullableTimestamp,
  metadata: jsonObject.nullable().optional().describe("The deciding event's metadata."),
});

export const OnboardingSummary = z.strictObject({
  project_id: int,
  protocol_run_id: int.nullable(),
  status: z.string().describe("The setup run's status, or `pending` when there is none."),
  workspace_path: nullableText,
  hint: nullableText,
  last_event: EventOut.nullable().describe('The newest event.'),
  stages: z.array(OnboardingStage),
  events: z.array(EventOut).describe('Newest first.'),
});

export const CodeMachineImportResponse = z.strictObject({
  protocol_run: ProtocolRunOut,
  message: z.string(),
  job: JobOut.nullable(),
});

export const UsageTotals = z.strictObject({ tokens: z.number(), cost_usd: z.number() });
export const PhaseUsage = UsageTotals.extend({ phase: z.string(), jobs: int });
export const ModelUsage = UsageTotals.extend({ phase: z.string(), model: nullableText, engine_id: nullableText });
export const StepUsage = UsageTotals.extend({ step_run_id: int, step_name: z.string() });
export const ProtocolUsageOut = UsageTotals.extend({
  protocol_run_id: int,
  by_phase: z.array(PhaseUsage),
  by_model: z.array(ModelUsage),
  by_step: z.array(StepUsage),
});

const count = z.number().int();
/** Counts of one queue, from the ledger (`retrying` is a subset of `queued` + `delayed`). */
export const QueueCounts = z.strictObject({
  queued: count,
  delayed: count,
  retrying: count,
  running: count,
  succeeded: count,
  failed: count,
  cancelled: count,
});
export const QueueStats = z
  .object({ backend: z.string() })
  .catchall(z.union([QueueCounts, z.string()]))
  .describe('`{ backend, <queue>: { <status>: count } }`');

export const HealthComponent = z.strictObject({ ok: z.boolean(), backend: z.string() });
export const HealthOut = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  db: HealthComponent,
  queue: HealthComponent.extend({ stats: z.unknown().optional() }),
});

export const BranchListResponse = z.strictObject({ branches: z.array(z.string()) });
export const BranchDeleteResponse = z.strictObject({ deleted: z.boolean(), branch: z.string() });

/** The OpenAPI document itself (served at `/openapi.json`). */
export const OpenApiDocument = z.looseObject({ openapi: z.string() });

// ---- the MCP endpoint (Streamable HTTP, JSON-RPC 2.0; the MCP SDK checks the messages themselves) ----

const jsonRpcMessage = z.looseObject({ jsonrpc: z.literal('2.0') });
/** A JSON-RPC message or batch, as `/mcp` answers it. */
export const JsonRpcAnswer = z.union([jsonRpcMessage, z.array(jsonRpcMessage)]);
/** A JSON-RPC error answer of the MCP transport (bad Accept, content type or message; method not allowed). */
export const JsonRpcErrorAnswer = z.looseObject({
  jsonrpc: z.literal('2.0'),
  error: z.looseObject({ code: z.number(), message: z.string() }),
  id: z.union([z.string(), z.number(), z.null()]),
});
