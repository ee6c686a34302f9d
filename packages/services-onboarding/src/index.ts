export { createOnboardingService } from './onboarding.service.js';
export type {
  Clarification,
  DiscoveryJobInput,
  DiscoveryJobResult,
  OnboardingConfig,
  OnboardingService,
  OnboardingServiceDeps,
  OnboardingSummary,
  ProjectSetupInput,
  ProjectSetupResult,
} from './onboarding.types.js';
