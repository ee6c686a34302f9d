// The names, labels and UI groups of the event catalogue (no zod here: the console's bundle needs
// only this part). The metadata schemas are in event-catalogue.ts, keyed by the same names.

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

/** Every event type: a short human label and the UI group. CI webhook types are the provider's event names. */
export const EVENT_TYPE_LABELS = {
  // ---- protocol run ----
  paused: { label: 'Protocol paused', group: 'run' },
  resumed: { label: 'Protocol resumed', group: 'run' },
  cancelled: { label: 'Protocol cancelled', group: 'run' },
  unblocked: { label: 'Protocol unblocked', group: 'run' },
  protocol_completed: { label: 'Protocol completed', group: 'run' },
  budget_exceeded: { label: 'Budget exceeded', group: 'run' },
  job_failed: { label: 'Job failed', group: 'job' },
  // ---- planning ----
  planning_enqueued: { label: 'Planning enqueued', group: 'planning' },
  planned: { label: 'Protocol planned', group: 'planning' },
  planning_failed: { label: 'Planning failed', group: 'planning' },
  repo_missing: { label: 'Repository missing', group: 'planning' },
  repo_clone_failed: { label: 'Repository clone failed', group: 'planning' },
  decompose_started: { label: 'Decomposition started', group: 'planning' },
  decompose_completed: { label: 'Decomposition completed', group: 'planning' },
  codemachine_import_enqueued: { label: 'CodeMachine import enqueued', group: 'planning' },
  codemachine_imported: { label: 'CodeMachine workspace imported', group: 'planning' },
  codemachine_import_failed: { label: 'CodeMachine import failed', group: 'planning' },
  // ---- steps ----
  step_created: { label: 'Step added', group: 'step' },
  step_enqueued: { label: 'Step enqueued', group: 'step' },
  step_retry_enqueued: { label: 'Step retry enqueued', group: 'step' },
  step_started: { label: 'Step started', group: 'step' },
  step_completed: { label: 'Step executed', group: 'step' },
  step_execution_failed: { label: 'Step execution failed', group: 'step' },
  step_deferred: { label: 'Step deferred', group: 'step' },
  step_job_ended: { label: 'Step job ended', group: 'step' },
  step_pushed: { label: 'Step pushed', group: 'step' },
  manual_approval: { label: 'Step approved manually', group: 'step' },
  step_needs_input: { label: 'Step needs input', group: 'step' },
  step_input_answered: { label: 'Step question answered', group: 'step' },
  // ---- QA ----
  qa_enqueued: { label: 'QA enqueued', group: 'qa' },
  qa_passed: { label: 'QA passed', group: 'qa' },
  qa_failed: { label: 'QA failed', group: 'qa' },
  qa_passed_inline: { label: 'Inline QA passed', group: 'qa' },
  qa_failed_inline: { label: 'Inline QA failed', group: 'qa' },
  qa_error: { label: 'QA error', group: 'qa' },
  qa_inline_error: { label: 'Inline QA error', group: 'qa' },
  qa_skipped_policy: { label: 'QA skipped by policy', group: 'qa' },
  // ---- loop and trigger policies ----
  loop_decision: { label: 'Loop decision', group: 'loop' },
  loop_limit_reached: { label: 'Loop limit reached', group: 'loop' },
  loop_condition_skipped: { label: 'Loop condition not met', group: 'loop' },
  trigger_decision: { label: 'Trigger decision', group: 'trigger' },
  trigger_enqueued: { label: 'Trigger target enqueued', group: 'trigger' },
  trigger_pending: { label: 'Trigger target left pending', group: 'trigger' },
  trigger_skipped: { label: 'Trigger skipped', group: 'trigger' },
  trigger_missing_target: { label: 'Trigger target missing', group: 'trigger' },
  trigger_condition_skipped: { label: 'Trigger condition not met', group: 'trigger' },
  trigger_inline_depth_exceeded: { label: 'Trigger depth exceeded', group: 'trigger' },
  // ---- pull / merge requests ----
  open_pr_enqueued: { label: 'Open PR enqueued', group: 'pr' },
  open_pr: { label: 'PR opened', group: 'pr' },
  open_pr_failed: { label: 'Open PR failed', group: 'pr' },
  open_pr_skipped: { label: 'Open PR skipped', group: 'pr' },
  pr_merged: { label: 'PR merged', group: 'pr' },
  mr_merged: { label: 'MR merged', group: 'pr' },
  review_comment: { label: 'Review comment', group: 'pr' },
  // ---- CI webhooks (the provider's event name; others arrive through providerEventType) ----
  github: { label: 'GitHub webhook', group: 'ci' },
  workflow_run: { label: 'GitHub workflow run', group: 'ci' },
  check_run: { label: 'GitHub check run', group: 'ci' },
  check_suite: { label: 'GitHub check suite', group: 'ci' },
  status: { label: 'GitHub commit status', group: 'ci' },
  pull_request: { label: 'GitHub pull request', group: 'ci' },
  gitlab: { label: 'GitLab webhook', group: 'ci' },
  pipeline: { label: 'GitLab pipeline', group: 'ci' },
  merge_request: { label: 'GitLab merge request', group: 'ci' },
  build: { label: 'GitLab job', group: 'ci' },
  webhook_ignored: { label: 'Webhook ignored', group: 'ci' },
  issue_run_created: { label: 'Run opened from an issue', group: 'run' },
  issue_comment_posted: { label: 'Issue comment posted', group: 'pr' },
  // ---- spec ----
  spec_validation_error: { label: 'Spec invalid', group: 'spec' },
  spec_audit: { label: 'Spec audit', group: 'spec' },
  // ---- project setup (onboarding) ----
  setup_enqueued: { label: 'Setup enqueued', group: 'onboarding' },
  setup_started: { label: 'Setup started', group: 'onboarding' },
  setup_cloned: { label: 'Repository cloned', group: 'onboarding' },
  setup_pending_clone: { label: 'Clone pending', group: 'onboarding' },
  setup_blocked: { label: 'Setup blocked', group: 'onboarding' },
  setup_clone_failed: { label: 'Clone failed', group: 'onboarding' },
  setup_local_path_recorded: { label: 'Local path recorded', group: 'onboarding' },
  setup_assets: { label: 'Assets provisioned', group: 'onboarding' },
  setup_warning: { label: 'Setup warning', group: 'onboarding' },
  setup_git_remote: { label: 'Git origin configured', group: 'onboarding' },
  setup_git_identity: { label: 'Git identity configured', group: 'onboarding' },
  setup_clarifications: { label: 'Clarifications', group: 'onboarding' },
  setup_discovery_started: { label: 'Discovery started', group: 'onboarding' },
  setup_discovery_skipped: { label: 'Discovery skipped', group: 'onboarding' },
  setup_discovery_warning: { label: 'Discovery warning', group: 'onboarding' },
  setup_discovery_completed: { label: 'Discovery completed', group: 'onboarding' },
  discovery_enqueued: { label: 'Discovery enqueued', group: 'onboarding' },
  setup_completed: { label: 'Setup completed', group: 'onboarding' },
  setup_failed: { label: 'Setup failed', group: 'onboarding' },
  // ---- branches (api) ----
  branches_listed: { label: 'Branches listed', group: 'branch' },
  branch_deleted: { label: 'Branch deleted', group: 'branch' },
  branch_delete_failed: { label: 'Branch delete failed', group: 'branch' },
} as const satisfies Record<string, { label: string; group: EventGroup }>;

/** Every catalogued event type name. */
export type EventType = keyof typeof EVENT_TYPE_LABELS;

/** The catalogued names, in catalogue order. */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_LABELS) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPE_LABELS, value);
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
  const { label, group } = EVENT_TYPE_LABELS[type];
  return { type, label, group, catalogued: true };
}

/** The catalogued types of one group, in catalogue order. */
export function eventTypesOf(group: EventGroup): EventType[] {
  return EVENT_TYPES.filter((type) => EVENT_TYPE_LABELS[type].group === group);
}

export function isEventOfGroup(type: string, group: EventGroup): boolean {
  return isEventType(type) && EVENT_TYPE_LABELS[type].group === group;
}

/** The catalogue as the Markdown table of the core README (| type | label | group |). */
export function eventCatalogueTable(): string {
  const rows = EVENT_GROUPS.flatMap((group) =>
    eventTypesOf(group).map((type) => `| \`${type}\` | ${EVENT_TYPE_LABELS[type].label} | ${group} |`),
  );
  return ['| Event type | Label | Group |', '| --- | --- | --- |', ...rows].join('\n');
}
