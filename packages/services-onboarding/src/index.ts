export { createOnboardingService } from './onboarding.service.js';
export type {
  Clarification,
  OnboardingConfig,
  OnboardingService,
  OnboardingServiceDeps,
  OnboardingStage,
  OnboardingStageKey,
  OnboardingStageStatus,
  OnboardingSummary,
  ProjectSetupInput,
  ProjectSetupResult,
} from './onboarding.types.js';
export {
  ONBOARDING_EVENT_TYPES,
  ONBOARDING_STAGE_KEYS,
  ONBOARDING_STAGES,
  STAGE_EVENT_MAP,
  STAGE_STATUS_RANK,
} from './onboarding.events.js';
export type { OnboardingEventType } from './onboarding.events.js';
export { deriveStages, summarizeOnboarding } from './onboarding.summary.js';
export type { SummarizeOnboardingInput } from './onboarding.summary.js';
export { RECOMMENDED_SECRETS, REQUIRED_CHECK_SCRIPTS, buildClarifications } from './onboarding.clarifications.js';
export {
  DISCOVERY_NOTES,
  DISCOVERY_OUTPUT_DIR,
  DISCOVERY_TIMEOUT_FLOOR_SECONDS,
  discoveryTimeoutSeconds,
} from './onboarding.discovery.js';
export { SEED_COMMIT_MESSAGE, seedProtocolWorktree } from './onboarding.seed.js';
export type { SeedWorktreeInput, SeedWorktreeResult } from './onboarding.seed.js';
export { ensureStarterAssets, listStarterAssets, starterAssetsDir } from './starter-assets.js';
export type { StarterAssetsResult } from './starter-assets.js';
