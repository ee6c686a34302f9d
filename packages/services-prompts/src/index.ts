export { PROMPT_ROLES } from './prompt.types.js';
export type { PromptInfo, PromptResult, PromptRole, PromptSource, PromptTemplate, PromptVars } from './prompt.types.js';
// Fingerprints live in platform-git (services-spec uses them too); re-exported for prompt consumers.
export { fingerprintFile, fingerprintText } from '@tasksgodzilla/platform-git';
export { promptVersion } from './fingerprint.js';
export { renderTemplate, templateVariables } from './template-render.js';
export { defaultTemplatesDir, listTemplates, loadProjectTemplate, loadTemplate } from './prompt-templates.js';
export {
  DISCOVERY_NOTES_DIR,
  PROJECT_PROMPTS_DIR,
  REFERENCE_TEMPLATES_MARKER,
  REFERENCE_TEMPLATE_FILES,
  loadDiscoverySummary,
  loadReferenceTemplates,
} from './project-files.js';
export {
  decomposePromptVars,
  discoveryPromptVars,
  execPromptVars,
  formatChecks,
  planningPromptVars,
  qaPromptVars,
  splitProtocolName,
} from './prompt.builders.js';
export type {
  DecomposePromptInput,
  DiscoveryPromptInput,
  ExecPromptInput,
  PlanningPromptInput,
  QaCheck,
  QaPromptInput,
} from './prompt.builders.js';
export { extractStepFileExample } from './step-example.js';
export { DEFAULT_FEEDBACK_MAX_CHARS, formatExecFeedback, formatResumeMessage, hasFeedback } from './exec-feedback.js';
export type { ExecFeedback, FeedbackCheck, FeedbackReview } from './exec-feedback.js';
export { QA_VERDICT_INSTRUCTION, createPromptService } from './prompt.service.js';
export type { PromptService, PromptServiceDeps, ResolveOptions } from './prompt.service.js';
