import type { OnboardingStageKey, OnboardingStageStatus } from './onboarding.types.js';

/** Every event type onboarding writes (the original's names; `setup_enqueued` is the api's). */
export const ONBOARDING_EVENT_TYPES = [
  'setup_enqueued',
  'setup_started',
  'setup_pending_clone',
  'setup_clone_failed',
  'setup_cloned',
  'setup_local_path_recorded',
  'setup_discovery_skipped',
  'setup_discovery_started',
  'setup_discovery_completed',
  'setup_discovery_warning',
  'setup_assets',
  'setup_warning',
  'setup_git_remote',
  'setup_git_identity',
  'setup_clarifications',
  'setup_blocked',
  'setup_completed',
  'setup_failed',
] as const;
export type OnboardingEventType = (typeof ONBOARDING_EVENT_TYPES)[number];

/** The five stages of the onboarding summary, in display order. */
export const ONBOARDING_STAGES: readonly { key: OnboardingStageKey; name: string }[] = [
  { key: 'resolve', name: 'Resolve/Clone' },
  { key: 'discovery', name: 'Discovery' },
  { key: 'assets', name: 'Assets' },
  { key: 'git', name: 'Git Config' },
  { key: 'clarifications', name: 'Clarifications' },
];

export const ONBOARDING_STAGE_KEYS: readonly OnboardingStageKey[] = ONBOARDING_STAGES.map((stage) => stage.key);

/** The original's ranks: an event replaces a stage's entry when its status ranks at least as high. */
export const STAGE_STATUS_RANK: Readonly<Record<OnboardingStageStatus, number>> = {
  pending: 0,
  running: 1,
  skipped: 1,
  warning: 2,
  blocked: 2,
  completed: 3,
  failed: 3,
};

/**
 * Event type → (stage, status). The original's table plus `setup_clone_failed` and `setup_failed`
 * (its defect 23: stages never showed `failed`). For `setup_warning`, `setup_blocked` and
 * `setup_failed` the stage is the event's `metadata.stage` when it names one (the original put every
 * warning under assets and every block under clarifications); the stage given here is the fallback.
 */
export const STAGE_EVENT_MAP: Readonly<
  Record<string, { stage: OnboardingStageKey | null; status: OnboardingStageStatus }>
> = {
  setup_started: { stage: 'resolve', status: 'running' },
  setup_pending_clone: { stage: 'resolve', status: 'blocked' },
  setup_clone_failed: { stage: 'resolve', status: 'failed' },
  setup_cloned: { stage: 'resolve', status: 'completed' },
  setup_local_path_recorded: { stage: 'resolve', status: 'completed' },
  setup_discovery_started: { stage: 'discovery', status: 'running' },
  setup_discovery_skipped: { stage: 'discovery', status: 'skipped' },
  setup_discovery_completed: { stage: 'discovery', status: 'completed' },
  setup_discovery_warning: { stage: 'discovery', status: 'warning' },
  setup_assets: { stage: 'assets', status: 'completed' },
  setup_warning: { stage: 'assets', status: 'warning' },
  setup_git_remote: { stage: 'git', status: 'completed' },
  setup_git_identity: { stage: 'git', status: 'completed' },
  setup_clarifications: { stage: 'clarifications', status: 'running' },
  setup_blocked: { stage: 'clarifications', status: 'blocked' },
  setup_completed: { stage: 'clarifications', status: 'completed' },
  // null: the stage that was in progress (metadata.stage, else the first unfinished one).
  setup_failed: { stage: null, status: 'failed' },
};
