export { createRuntime } from './create-runtime.js';
export { HEALTH_QUEUE_STATS_MAX_AGE_MS } from './health.js';
export type { HealthReport, Runtime, RuntimeOverrides, WorkerOptions } from './runtime.types.js';
// Pure helpers and types of the orchestrator the apps need at their edge (webhook payloads → CI
// input, the read models they present), re-exported so apps depend on the runtime only.
export {
  interpretGithubWebhook,
  interpretGitlabWebhook,
  interpretIssueWebhook,
} from '@tasksgodzilla/services-orchestrator';
export type {
  OrchestratorReadModels,
  OrchestratorService,
  ProtocolRunView,
  WebhookInterpretation,
  IssueDeliveryResult,
  IssueRunResult,
} from '@tasksgodzilla/services-orchestrator';
export { closeOnSignals, runMain } from './process-main.js';
export { CODE_CACHE_DIR_VARIABLE, codeCacheDirFrom, defaultCodeCacheDir, runWithCodeCache } from './code-cache.js';
export type { CodeCacheOptions, CodeCacheRun } from './code-cache.js';
export { defineProcessFlags } from './process-flags.js';
export type { ProcessFlagParser, ProcessFlags, ProcessFlagsSpec, ProcessOption } from './process-flags.js';
export { runQaGate } from './qa-gate.js';
export type { QaGateInput, QaGateResult } from './qa-gate.js';
// `tgz ci trigger` and `tgz init --init-if-needed`: the gh/glab/git calls live in platform-git; re-exported so the cli depends on the runtime only.
export { initRepository, triggerCi } from '@tasksgodzilla/platform-git';
export type { InitRepositoryInput, TriggerCiInput, TriggerCiResult } from '@tasksgodzilla/platform-git';
