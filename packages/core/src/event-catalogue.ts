import { z } from 'zod';

// The one list of event types: every event the system writes has an entry here with the shape of
// its metadata, a label for people and the group the UIs file it under. Writers type their event
// names against `EventType`; readers (presenters, console, TUI) ask the catalogue instead of
// matching string prefixes.

/** The groups the UIs file events under, in display order. */
export const EVENT_GROUPS = [
  'run',
  'planning',
  'step',
  'qa',
  'loop',
  'trigger',
  'pr',
  'ci',
  'spec',
  'onboarding',
  'branch',
  'job',
] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

/** People's names of the groups. */
export const EVENT_GROUP_LABELS: Record<EventGroup, string> = {
  run: 'Protocol run',
  planning: 'Planning',
  step: 'Step',
  qa: 'QA',
  loop: 'Loop policy',
  trigger: 'Trigger policy',
  pr: 'Pull / merge request',
  ci: 'CI webhook',
  spec: 'Spec',
  onboarding: 'Project setup',
  branch: 'Branches',
  job: 'Jobs',
};

export interface EventTypeEntry {
  /** A short human label ("QA passed"). */
  label: string;
  group: EventGroup;
  /** The metadata its writers put on it: the keys they always write, loosely typed; other keys pass. */
  metadata: z.ZodType<Record<string, unknown>>;
}

// Loose value schemas: metadata is JSON written by several packages; the catalogue pins the keys
// and their broad type, not every format.
const text = z.string();
const optText = z.string().nullable().optional();
const count = z.number();
const id = z.union([z.string(), z.number()]);
const optId = id.nullable().optional();
const json = z.unknown();
const meta = (shape: z.ZodRawShape = {}) => z.looseObject(shape);

const jobRef = { job_id: optId };
const failure = { error: optText };
const policyDecision = { reason: json.optional(), policy: json.optional() };

const entry = (group: EventGroup, label: string, metadata = meta()): EventTypeEntry => ({ group, label, metadata });

/** Provider webhook events (GitHub's `X-GitHub-Event`, GitLab's `object_kind`) recorded as they arrive. */
const ciEvent = (label: string) =>
  entry(
    'ci',
    label,
    meta({ provider: z.enum(['github', 'gitlab']).optional(), status: optText, conclusion: optText, url: optText }),
  );

/**
 * Every event type: name → metadata schema, label and UI group. The table in the core README is
 * this object, checked by `event-catalogue.spec.ts`.
 */
export const EVENT_CATALOGUE = {
  // ---- protocol run ----
  paused: entry('run', 'Protocol paused', meta({ previous_status: text })),
  resumed: entry('run', 'Protocol resumed', meta({ replan: z.boolean().optional(), blocked_by: optId })),
  cancelled: entry(
    'run',
    'Protocol cancelled',
    meta({ previous_status: text, jobs_cancelled: z.array(text).optional() }),
  ),
  unblocked: entry('run', 'Protocol unblocked'),
  protocol_completed: entry('run', 'Protocol completed'),
  budget_exceeded: entry('run', 'Budget exceeded', meta({ ...failure, phase: optText, details: json.optional() })),
  job_failed: entry('job', 'Job failed', meta({ ...jobRef, job_type: optText, ...failure })),

  // ---- planning ----
  planning_enqueued: entry('planning', 'Planning enqueued', meta({ ...jobRef, replan: z.boolean().optional() })),
  planned: entry(
    'planning',
    'Protocol planned',
    meta({ steps_created: json, protocol_root: optText, branch: optText, spec_validated: z.boolean().optional() }),
  ),
  planning_failed: entry('planning', 'Planning failed', meta({ ...jobRef, ...failure })),
  repo_missing: entry('planning', 'Repository missing'),
  repo_clone_failed: entry('planning', 'Repository clone failed'),
  decompose_started: entry('planning', 'Decomposition started', meta({ steps: z.array(json).optional() })),
  decompose_completed: entry(
    'planning',
    'Decomposition completed',
    meta({ steps_decomposed: z.array(json).optional(), steps_skipped: z.array(json).optional() }),
  ),
  codemachine_import_enqueued: entry('planning', 'CodeMachine import enqueued', meta({ ...jobRef, workspace: text })),
  codemachine_imported: entry(
    'planning',
    'CodeMachine workspace imported',
    meta({ workspace: text, steps_created: count }),
  ),
  codemachine_import_failed: entry('planning', 'CodeMachine import failed', meta({ ...failure, error_type: optText })),

  // ---- steps ----
  step_created: entry('step', 'Step added'),
  step_enqueued: entry('step', 'Step enqueued', meta(jobRef)),
  step_retry_enqueued: entry('step', 'Step retry enqueued', meta({ ...jobRef, source: optText })),
  step_started: entry(
    'step',
    'Step started',
    meta({ attempt: count.optional(), step_attempt: count.optional(), log_path: optText }),
  ),
  step_completed: entry('step', 'Step executed'),
  step_execution_failed: entry('step', 'Step execution failed', meta(failure)),
  step_deferred: entry('step', 'Step deferred', meta({ protocol_status: text, phase: z.enum(['exec', 'qa']) })),
  step_job_ended: entry('step', 'Step job ended', meta({ ...jobRef, job_status: optText })),
  step_pushed: entry('step', 'Step pushed', meta({ branch: optText })),
  manual_approval: entry('step', 'Step approved manually'),

  // ---- QA ----
  qa_enqueued: entry('qa', 'QA enqueued', meta({ ...jobRef, source: optText })),
  qa_passed: entry('qa', 'QA passed'),
  qa_failed: entry('qa', 'QA failed'),
  qa_passed_inline: entry('qa', 'Inline QA passed'),
  qa_failed_inline: entry('qa', 'Inline QA failed'),
  qa_error: entry('qa', 'QA error'),
  qa_inline_error: entry('qa', 'Inline QA error'),
  qa_skipped_policy: entry('qa', 'QA skipped by policy', meta({ policy: json })),

  // ---- loop and trigger policies ----
  loop_decision: entry('loop', 'Loop decision', meta(policyDecision)),
  loop_limit_reached: entry('loop', 'Loop limit reached', meta(policyDecision)),
  loop_condition_skipped: entry('loop', 'Loop condition not met', meta(policyDecision)),
  trigger_decision: entry('trigger', 'Trigger decision', meta(policyDecision)),
  trigger_enqueued: entry('trigger', 'Trigger target enqueued', meta(jobRef)),
  trigger_pending: entry('trigger', 'Trigger target left pending', meta(policyDecision)),
  trigger_skipped: entry('trigger', 'Trigger skipped', meta(policyDecision)),
  trigger_missing_target: entry('trigger', 'Trigger target missing', meta(policyDecision)),
  trigger_condition_skipped: entry('trigger', 'Trigger condition not met', meta(policyDecision)),
  trigger_inline_depth_exceeded: entry('trigger', 'Trigger depth exceeded', meta(policyDecision)),

  // ---- pull / merge requests ----
  open_pr_enqueued: entry('pr', 'Open PR enqueued', meta({ ...jobRef, source: optText, mode: optText })),
  open_pr: entry('pr', 'PR opened', meta({ branch: text, url: optText, provider: optText })),
  open_pr_failed: entry('pr', 'Open PR failed', meta({ branch: optText, ...failure })),
  open_pr_skipped: entry('pr', 'Open PR skipped'),
  pr_merged: entry('pr', 'PR merged', meta({ pr_number: json, branch: json })),
  mr_merged: entry('pr', 'MR merged', meta({ pr_number: json, branch: json })),
  review_comment: entry(
    'pr',
    'Review comment',
    meta({ provider: z.enum(['github', 'gitlab']), author: optText, body: z.string() }),
  ),

  // ---- CI webhooks (the provider's event name; others arrive through providerEventType) ----
  github: ciEvent('GitHub webhook'),
  workflow_run: ciEvent('GitHub workflow run'),
  check_run: ciEvent('GitHub check run'),
  check_suite: ciEvent('GitHub check suite'),
  status: ciEvent('GitHub commit status'),
  pull_request: ciEvent('GitHub pull request'),
  gitlab: ciEvent('GitLab webhook'),
  pipeline: ciEvent('GitLab pipeline'),
  merge_request: ciEvent('GitLab merge request'),
  build: ciEvent('GitLab job'),

  // ---- spec ----
  spec_validation_error: entry(
    'spec',
    'Spec invalid',
    meta({ spec_hash: optText, error: optText, errors: z.array(json).optional() }),
  ),
  spec_audit: entry('spec', 'Spec audit'),

  // ---- project setup (onboarding) ----
  setup_enqueued: entry('onboarding', 'Setup enqueued', meta(jobRef)),
  setup_started: entry('onboarding', 'Setup started'),
  setup_cloned: entry('onboarding', 'Repository cloned', meta({ path: text })),
  setup_pending_clone: entry('onboarding', 'Clone pending'),
  setup_blocked: entry('onboarding', 'Setup blocked'),
  setup_clone_failed: entry('onboarding', 'Clone failed'),
  setup_local_path_recorded: entry('onboarding', 'Local path recorded'),
  setup_assets: entry('onboarding', 'Assets provisioned'),
  setup_warning: entry('onboarding', 'Setup warning'),
  setup_git_remote: entry('onboarding', 'Git origin configured'),
  setup_git_identity: entry('onboarding', 'Git identity configured'),
  setup_clarifications: entry('onboarding', 'Clarifications'),
  setup_discovery_started: entry('onboarding', 'Discovery started'),
  setup_discovery_skipped: entry('onboarding', 'Discovery skipped'),
  setup_discovery_warning: entry('onboarding', 'Discovery warning'),
  setup_discovery_completed: entry('onboarding', 'Discovery completed'),
  setup_completed: entry('onboarding', 'Setup completed'),
  setup_failed: entry('onboarding', 'Setup failed'),

  // ---- branches (api) ----
  branches_listed: entry('branch', 'Branches listed'),
  branch_deleted: entry('branch', 'Branch deleted', meta({ branch: text })),
  branch_delete_failed: entry('branch', 'Branch delete failed', meta({ branch: text })),
} as const satisfies Record<string, EventTypeEntry>;

/** Every catalogued event type name. */
export type EventType = keyof typeof EVENT_CATALOGUE;

/** The catalogued names, in catalogue order. */
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, value);
}

declare const providerEvent: unique symbol;
/**
 * A CI provider's own event name that the catalogue does not list (GitHub sends any
 * `X-GitHub-Event`, GitLab any `object_kind`). Made only by `providerEventType`.
 */
export type ProviderEventType = string & { readonly [providerEvent]: true };

/** What a writer may record: a catalogued type, or a provider's webhook event name. */
export type RecordedEventType = EventType | ProviderEventType;

/** A CI provider's event name as an event type: catalogued when listed, else a provider event (group `ci`). */
export function providerEventType(name: string): RecordedEventType {
  return name as RecordedEventType;
}

export interface EventTypeInfo {
  type: string;
  label: string;
  group: EventGroup;
  /** False for a provider webhook event (or an unknown name): no metadata schema. */
  catalogued: boolean;
}

/** Label and group of any event type; an unlisted name is a provider webhook event (`ci`, labelled by its name). */
export function eventTypeInfo(type: string): EventTypeInfo {
  if (!isEventType(type)) return { type, label: type, group: 'ci', catalogued: false };
  const { label, group } = EVENT_CATALOGUE[type];
  return { type, label, group, catalogued: true };
}

/** The catalogued types of one group, in catalogue order. */
export function eventTypesOf(group: EventGroup): EventType[] {
  return EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].group === group);
}

export function isEventOfGroup(type: string, group: EventGroup): boolean {
  return isEventType(type) && EVENT_CATALOGUE[type].group === group;
}

/**
 * Checks an event's metadata against its type's schema. Unlisted names pass only as provider
 * webhook events (their metadata names the provider); `null` metadata reads as `{}`.
 */
export function checkEventMetadata(type: string, metadata: unknown): { ok: true } | { ok: false; issues: string[] } {
  const schema = isEventType(type)
    ? EVENT_CATALOGUE[type].metadata
    : z.looseObject({ provider: z.enum(['github', 'gitlab']) });
  const result = schema.safeParse(metadata ?? {});
  if (result.success) return { ok: true };
  const prefix = isEventType(type) ? type : `${type} (not catalogued, not a provider webhook event)`;
  return {
    ok: false,
    issues: result.error.issues.map((issue) => `${prefix}: ${issue.path.join('.') || '(metadata)'}: ${issue.message}`),
  };
}

/** The catalogue as the Markdown table of the core README (| type | label | group |). */
export function eventCatalogueTable(): string {
  const rows = EVENT_GROUPS.flatMap((group) =>
    eventTypesOf(group).map((type) => `| \`${type}\` | ${EVENT_CATALOGUE[type].label} | ${group} |`),
  );
  return ['| Event type | Label | Group |', '| --- | --- | --- |', ...rows].join('\n');
}
