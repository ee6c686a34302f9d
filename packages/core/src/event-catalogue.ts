import { z } from 'zod';
import {
  EVENT_TYPE_LABELS,
  EVENT_TYPES,
  isEventType,
  type EventGroup,
  type EventType,
} from './event-catalogue.labels.js';

// The one list of event types: every event the system writes has an entry with the shape of its
// metadata (here), a label for people and the group the UIs file it under (event-catalogue.labels.ts,
// kept free of zod for the browser). Writers type their event names against `EventType`; readers
// (the console, the TUI, the orchestrator's read models) ask the catalogue instead of matching strings.

export interface EventTypeEntry {
  /** A short human label ("QA passed"). */
  label: string;
  group: EventGroup;
  /** The metadata its writers put on it: the keys they always write, loosely typed; other keys pass. */
  metadata: z.ZodType<Record<string, unknown>>;
}

/**
 * Builds the metadata schema of every event type (a type without one fails typecheck): some 160 zod
 * schemas, which every process importing core built at start, most of them never reading one (the
 * worker checks no metadata against the catalogue; issue 12). Built on the first read of a schema.
 */
function buildEventMetadataSchemas() {
  // Loose value schemas: metadata is JSON written by several packages; the catalogue pins the keys
  // and their broad type, not every format.
  const text = z.string();
  const optText = z.string().nullable().optional();
  const count = z.number();
  const id = z.union([z.string(), z.number()]);
  const optId = id.nullable().optional();
  const json = z.unknown();
  // Generic so each entry keeps its keys' types (writers and readers infer them from the catalogue).
  const meta = <S extends z.ZodRawShape>(shape: S = {} as S) => z.looseObject(shape);

  const jobRef = { job_id: optId };
  const failure = { error: optText };
  const policyDecision = { reason: json.optional(), policy: json.optional() };
  /** Provider webhook events (GitHub's `X-GitHub-Event`, GitLab's `object_kind`) recorded as they arrive. */
  const ciMetadata = meta({
    provider: z.enum(['github', 'gitlab']).optional(),
    status: optText,
    conclusion: optText,
    url: optText,
  });

  return {
    // ---- protocol run ----
    paused: meta({ previous_status: text }),
    resumed: meta({ replan: z.boolean().optional(), blocked_by: optId }),
    cancelled: meta({ previous_status: text, jobs_cancelled: z.array(text).optional() }),
    unblocked: meta(),
    protocol_completed: meta(),
    budget_exceeded: meta({ ...failure, phase: optText, details: json.optional() }),
    job_failed: meta({ ...jobRef, job_type: optText, ...failure }),
    // ---- planning ----
    planning_enqueued: meta({ ...jobRef, replan: z.boolean().optional() }),
    planned: meta({
      steps_created: json,
      protocol_root: optText,
      branch: optText,
      spec_validated: z.boolean().optional(),
    }),
    planning_failed: meta({ ...jobRef, ...failure }),
    repo_missing: meta(),
    repo_clone_failed: meta(),
    decompose_started: meta({ steps: z.array(json).optional() }),
    decompose_completed: meta({ steps_decomposed: z.array(json).optional(), steps_skipped: z.array(json).optional() }),
    codemachine_import_enqueued: meta({ ...jobRef, workspace: text }),
    codemachine_imported: meta({ workspace: text, steps_created: count }),
    codemachine_import_failed: meta({ ...failure, error_type: optText }),
    // ---- steps ----
    step_created: meta(),
    step_enqueued: meta(jobRef),
    step_retry_enqueued: meta({ ...jobRef, source: optText }),
    step_started: meta({ attempt: count.optional(), step_attempt: count.optional(), log_path: optText }),
    /** `commit_sha`: the step's commit, null when the attempt committed nothing. */
    step_completed: meta({ commit_sha: optText }),
    step_execution_failed: meta(failure),
    step_deferred: meta({ protocol_status: text, phase: z.enum(['exec', 'qa']) }),
    step_job_ended: meta({ ...jobRef, job_status: optText }),
    step_pushed: meta({ branch: optText }),
    manual_approval: meta(),
    /** The agent asked a person (`NEEDS_INPUT:`); the step waits in `needs_input`. */
    step_needs_input: meta({ ...jobRef, question: text, attempt: count.optional() }),
    /** A person answered; the answer goes into the next attempt's feedback section. */
    step_input_answered: meta({ question: text, answer: text }),
    // ---- QA ----
    qa_enqueued: meta({ ...jobRef, source: optText }),
    qa_passed: meta(),
    qa_failed: meta(),
    qa_passed_inline: meta(),
    qa_failed_inline: meta(),
    qa_error: meta(),
    qa_inline_error: meta(),
    qa_skipped_policy: meta({ policy: json }),
    // ---- loop and trigger policies ----
    loop_decision: meta(policyDecision),
    loop_limit_reached: meta(policyDecision),
    loop_condition_skipped: meta(policyDecision),
    trigger_decision: meta(policyDecision),
    trigger_enqueued: meta(jobRef),
    trigger_pending: meta(policyDecision),
    trigger_skipped: meta(policyDecision),
    trigger_missing_target: meta(policyDecision),
    trigger_condition_skipped: meta(policyDecision),
    trigger_inline_depth_exceeded: meta(policyDecision),
    // ---- pull / merge requests ----
    open_pr_enqueued: meta({ ...jobRef, source: optText, mode: optText }),
    open_pr: meta({ branch: text, url: optText, provider: optText }),
    open_pr_failed: meta({ branch: optText, ...failure }),
    open_pr_skipped: meta(),
    pr_merged: meta({ pr_number: json, branch: json }),
    mr_merged: meta({ pr_number: json, branch: json }),
    review_comment: meta({ provider: z.enum(['github', 'gitlab']), author: optText, body: z.string() }),
    // ---- CI webhooks (the provider's event name; others arrive through providerEventType) ----
    github: ciMetadata,
    workflow_run: ciMetadata,
    check_run: ciMetadata,
    check_suite: ciMetadata,
    status: ciMetadata,
    pull_request: ciMetadata,
    gitlab: ciMetadata,
    pipeline: ciMetadata,
    merge_request: ciMetadata,
    build: ciMetadata,
    /** A delivery that names a run but carries nothing to act on (a `skipped` check, an opened MR). */
    webhook_ignored: meta({
      provider: z.enum(['github', 'gitlab']),
      event_type: text,
      branch: optText,
      value: optText,
      reason: text,
      delivery_id: optText,
    }),
    // ---- forge issues (a run opened from an issue, its comment on the issue) ----
    issue_run_created: meta({
      provider: z.enum(['github', 'gitlab']),
      repository: text,
      issue_number: count,
      issue_url: optText,
      delivery_id: optText,
      started: z.boolean(),
    }),
    issue_comment_posted: meta({ comment_id: text, created: z.boolean(), stage: text }),
    // ---- spec ----
    spec_validation_error: meta({ spec_hash: optText, error: optText, errors: z.array(json).optional() }),
    spec_audit: meta(),
    // ---- project setup (onboarding) ----
    setup_enqueued: meta(jobRef),
    setup_started: meta(),
    setup_cloned: meta({ path: text }),
    setup_pending_clone: meta(),
    setup_blocked: meta(),
    setup_clone_failed: meta(),
    setup_local_path_recorded: meta(),
    setup_assets: meta(),
    setup_warning: meta(),
    setup_git_remote: meta(),
    setup_git_identity: meta(),
    setup_clarifications: meta(),
    setup_discovery_started: meta(),
    setup_discovery_skipped: meta(),
    setup_discovery_warning: meta(),
    setup_discovery_completed: meta(),
    discovery_enqueued: meta({ ...jobRef, engine_id: optText }),
    setup_completed: meta(),
    setup_failed: meta(),
    // ---- branches (api) ----
    branches_listed: meta(),
    branch_deleted: meta({ branch: text }),
    branch_delete_failed: meta({ branch: text }),
  } satisfies Record<EventType, z.ZodType<Record<string, unknown>>>;
}

type EventMetadataSchemas = ReturnType<typeof buildEventMetadataSchemas>;
let builtSchemas: EventMetadataSchemas | undefined;

/** The metadata schema of every event type, keyed by type; the schemas are built on the first read of one. */
export const EVENT_METADATA_SCHEMAS = Object.defineProperties(
  {},
  Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      { enumerable: true, get: () => (builtSchemas ??= buildEventMetadataSchemas())[type] },
    ]),
  ),
) as Readonly<EventMetadataSchemas>;

/**
 * Every event type: name → metadata schema, label and UI group. The table in the core README is
 * this catalogue, checked by `event-catalogue.spec.ts`.
 */
export const EVENT_CATALOGUE: Record<EventType, EventTypeEntry> = Object.fromEntries(
  (Object.keys(EVENT_TYPE_LABELS) as EventType[]).map((type): [EventType, EventTypeEntry] => [
    type,
    {
      ...EVENT_TYPE_LABELS[type],
      get metadata() {
        return EVENT_METADATA_SCHEMAS[type];
      },
    },
  ]),
) as Record<EventType, EventTypeEntry>;

/** What an unlisted name must carry to pass as a provider webhook event. */
const providerEventMetadata = z.looseObject({ provider: z.enum(['github', 'gitlab']) });

/**
 * Checks an event's metadata against its type's schema. Unlisted names pass only as provider
 * webhook events (their metadata names the provider); `null` metadata reads as `{}`.
 */
export function checkEventMetadata(type: string, metadata: unknown): { ok: true } | { ok: false; issues: string[] } {
  const schema = isEventType(type) ? EVENT_METADATA_SCHEMAS[type] : providerEventMetadata;
  const result = schema.safeParse(metadata ?? {});
  if (result.success) return { ok: true };
  const prefix = isEventType(type) ? type : `${type} (not catalogued, not a provider webhook event)`;
  return {
    ok: false,
    issues: result.error.issues.map((issue) => `${prefix}: ${issue.path.join('.') || '(metadata)'}: ${issue.message}`),
  };
}
