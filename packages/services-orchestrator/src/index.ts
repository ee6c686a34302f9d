export { createOrchestratorService } from './orchestrator.service.js';
export { ORCHESTRATOR_JOB_TYPES, registerOrchestratorJobTypes } from './job-types.js';
export type {
  JobPayload,
  JobPayloadInput,
  OrchestratorJob,
  OrchestratorJobHandler,
  OrchestratorJobHandlers,
  OrchestratorJobTypes,
} from './job-types.js';
export { createReadModels } from './read-models/read-models.js';
export type {
  OnboardingView,
  OrchestratorReadModels,
  ProtocolRunView,
  ReadModelDeps,
  SpecValidation,
} from './read-models/read-models.types.js';
export { EXTERNAL_RUNS_QUEUE } from './lifecycle/external-runs.js';
export type {
  AuditSpecsInput,
  BranchDeleted,
  CiDeliveryInput,
  CiDeliveryResult,
  CallOptions,
  CiStatus,
  CiRepositoryRef,
  CiReview,
  CiStatusInput,
  CiStatusResult,
  CreateProjectInput,
  CreateProtocolInput,
  CreateStepInput,
  ExecutionPlanResult,
  ExternalRunInput,
  FailedJob,
  ImportCodeMachineInput,
  OrchestratorConfig,
  OrchestratorService,
  OrchestratorServiceDeps,
  ProjectCreated,
  ProtocolUsage,
  RunActionResult,
  StartProtocolOptions,
  StepActionResult,
  UsageLine,
} from './orchestrator.types.js';
export {
  MAX_TRIGGER_DEPTH,
  POLICY_REASONS,
  conditionAllows,
  decideLoop,
  decideTrigger,
  isProtocolComplete,
  latestRetryableStep,
  nextPendingStep,
  nextRunnableStep,
  readPolicies,
} from './policies.js';
export type {
  LoopDecision,
  PolicyEventDraft,
  PolicyOutcome,
  PolicyReason,
  PolicySpec,
  StepChange,
  TriggerDecision,
} from './policies.js';
export { ENGINE_ID_KEY, SPEC_ORIGIN_KEY, TEMPLATE_DIR_KEY } from './lifecycle/protocols.js';
export { setupRunName } from './lifecycle/projects.js';
export { FEEDBACK_REOPEN_LIMIT } from './lifecycle/reopen.js';
export { repositoryKey, type RepositoryKey } from './lifecycle/ci-routing.js';
export { USAGE_EVENT_TYPES } from './lifecycle/usage.js';
export {
  GITHUB_VALUE_SETS,
  GITLAB_VALUE_SETS,
  classifyCiValue,
  interpretGithubWebhook,
  interpretGitlabWebhook,
  type WebhookCiInput,
  type WebhookInterpretation,
} from './webhooks/index.js';
