// The fingerprint lives in platform-git (services-spec uses it too); re-exported for prompt consumers.
export { fingerprintText } from '@tasksgodzilla/platform-git';
export { extractStepFileExample } from './step-example.js';
export { formatResumeMessage, hasFeedback } from './exec-feedback.js';
export type { ExecFeedback, FeedbackCheck, FeedbackReview } from './exec-feedback.js';
export { createPromptService } from './prompt.service.js';
export type { PromptService, PromptServiceDeps } from './prompt.service.js';
