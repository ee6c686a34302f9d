export { createOnboardingService } from './onboarding.service.js';
export type {
  Clarification,
  OnboardingConfig,
  OnboardingService,
  OnboardingServiceDeps,
  OnboardingSummary,
  ProjectSetupInput,
  ProjectSetupResult,
} from './onboarding.types.js';
