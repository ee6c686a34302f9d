export { createRuntime } from './create-runtime.js';
export { checkHealth } from './health.js';
export { finalFailureHook, jobMetricsHooks, queueLogger } from './worker.js';
export type { HealthReport, Runtime, RuntimeOverrides, RuntimeServices, WorkerOptions } from './runtime.types.js';
// Pure helpers of the services the apps need at their edge (webhook payloads → CI input; the name
// of a project's setup run), re-exported so apps depend on the runtime only.
export { interpretGithubWebhook, interpretGitlabWebhook, setupRunName } from '@tasksgodzilla/services-orchestrator';
export type {
  OrchestratorReadModels,
  OrchestratorService,
  ProtocolRunView,
  SpecValidation,
  WebhookInterpretation,
} from '@tasksgodzilla/services-orchestrator';
export { LOG_LEVELS, closeOnSignals, integerFlag, logLevelFlag, runMain } from './process-main.js';
export type { SignalTarget, StopLogger } from './process-main.js';
export { defineProcessFlags } from './process-flags.js';
export type { ProcessFlagParser, ProcessFlags, ProcessFlagsSpec, ProcessOption } from './process-flags.js';
