import type { Event, JsonObject, Project, ProtocolRun } from '@tasksgodzilla/core';
import { ONBOARDING_STAGE_KEYS, ONBOARDING_STAGES, STAGE_EVENT_MAP, STAGE_STATUS_RANK } from './onboarding.events.js';
import type { OnboardingStage, OnboardingStageKey, OnboardingSummary } from './onboarding.types.js';

export interface SummarizeOnboardingInput {
  project: Pick<Project, 'id' | 'local_path'>;
  run: Pick<ProtocolRun, 'id' | 'status'> | null;
  /** Events of the setup run, in any order (the api lists them newest first). */
  events: readonly Event[];
  /** Shown when the project has no recorded local_path (the default layout path); never created. */
  defaultWorkspacePath?: string | null;
}

/** Oldest first: created_at, then id (timestamps can tie). */
function chronological(a: Event, b: Event): number {
  if (a.created_at < b.created_at) return -1;
  if (a.created_at > b.created_at) return 1;
  return a.id - b.id;
}

function isStageKey(value: unknown): value is OnboardingStageKey {
  return typeof value === 'string' && (ONBOARDING_STAGE_KEYS as readonly string[]).includes(value);
}

function metadataString(event: Event | undefined, key: string): string | null {
  const value = event?.metadata?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function pendingStages(): OnboardingStage[] {
  return ONBOARDING_STAGES.map(({ key, name }) => ({
    key,
    name,
    status: 'pending',
    message: null,
    event_type: null,
    created_at: null,
    metadata: null,
  }));
}

/**
 * The events of the latest setup attempt: from the newest `setup_started` on. A re-run starts from
 * pending stages instead of inheriting the previous attempt's results.
 */
function latestAttempt(sorted: Event[]): Event[] {
  for (let index = sorted.length - 1; index >= 0; index -= 1) {
    if (sorted[index]?.event_type === 'setup_started') return sorted.slice(index);
  }
  return sorted;
}

/** Stage of an event that may name its own (`metadata.stage`), else the mapping's stage. */
function stageOf(event: Event, fallback: OnboardingStageKey | null, stages: OnboardingStage[]): OnboardingStageKey {
  const named = event.metadata?.['stage'];
  if (isStageKey(named)) return named;
  if (fallback) return fallback;
  // A failure without a stage: the first stage that has not finished.
  const open = stages.find((stage) => stage.status === 'pending' || stage.status === 'running');
  return open?.key ?? 'clarifications';
}

/** Folds the events (oldest first) into the five stages with the original's rank rule. */
export function deriveStages(events: readonly Event[]): OnboardingStage[] {
  const stages = pendingStages();
  const byKey = new Map(stages.map((stage) => [stage.key, stage]));
  for (const event of events) {
    const mapping = STAGE_EVENT_MAP[event.event_type];
    if (!mapping) continue;
    const stage = byKey.get(stageOf(event, mapping.stage, stages));
    if (!stage || STAGE_STATUS_RANK[mapping.status] < STAGE_STATUS_RANK[stage.status]) continue;
    stage.status = mapping.status;
    stage.event_type = event.event_type;
    stage.message = event.message;
    stage.created_at = event.created_at;
    stage.metadata = (event.metadata ?? null) as JsonObject | null;
  }
  // A repository that was already in place and already recorded produces no resolve event after
  // `setup_started`; once a later stage has moved, resolving evidently succeeded.
  const resolve = byKey.get('resolve');
  if (resolve?.status === 'running' && stages.some((stage) => stage.key !== 'resolve' && stage.status !== 'pending')) {
    resolve.status = 'completed';
  }
  return stages;
}

function hintFor(run: SummarizeOnboardingInput['run'], stages: OnboardingStage[], attempt: Event[]): string | null {
  if (!run) return 'Onboarding has not started for this project yet.';
  const stage = (key: OnboardingStageKey) => stages.find((entry) => entry.key === key);
  const newest = (type: string) => [...attempt].reverse().find((event) => event.event_type === type);
  const resolve = stage('resolve');
  if (resolve?.status === 'blocked') {
    const pending = newest('setup_pending_clone');
    return metadataString(pending, 'hint') ?? pending?.message ?? resolve.message;
  }
  if (resolve?.status === 'failed') {
    return `Cloning failed: ${resolve.message ?? 'unknown error'}. Check the git URL and the credentials available to the worker, then restart onboarding.`;
  }
  const failed = stages.find((entry) => entry.status === 'failed');
  if (failed) {
    return `Onboarding failed during ${failed.name}: ${metadataString(newest('setup_failed'), 'error') ?? failed.message ?? 'unknown error'}. Fix the cause, then restart onboarding.`;
  }
  if (stage('clarifications')?.status === 'blocked') {
    return (
      metadataString(newest('setup_blocked'), 'hint') ??
      'Review the onboarding clarifications. Setup stays blocked while TASKSGODZILLA_REQUIRE_ONBOARDING_CLARIFICATIONS is on; restart onboarding once they are settled.'
    );
  }
  return null;
}

/**
 * The onboarding summary the api shows (`GET /projects/{id}/onboarding`). Pure: stages from the
 * `setup_*` events of the latest attempt with the original's ranks, the status from the run
 * (`pending` without one), and `last_event` = the newest event (the original returned the oldest).
 */
export function summarizeOnboarding(input: SummarizeOnboardingInput): OnboardingSummary {
  const sorted = [...input.events].sort(chronological);
  const attempt = latestAttempt(sorted);
  const stages = deriveStages(attempt);
  return {
    project_id: input.project.id,
    protocol_run_id: input.run?.id ?? null,
    status: input.run?.status ?? 'pending',
    workspace_path: input.project.local_path ?? input.defaultWorkspacePath ?? null,
    hint: hintFor(input.run, stages, attempt),
    stages,
    last_event: sorted[sorted.length - 1] ?? null,
  };
}
