// The pure helpers of services-orchestrator the api needs (webhook payloads → CI input, the name of
// a project's setup run). The runtime package does not re-export them yet, so this one module
// reaches past it; when it does, import them from '@tasksgodzilla/runtime' instead.
// eslint-disable-next-line @nx/enforce-module-boundaries
export { interpretGithubWebhook, interpretGitlabWebhook, setupRunName, type WebhookInterpretation } from '@tasksgodzilla/services-orchestrator';
