export { createOrchestratorService } from './orchestrator.service.js';
export { registerOrchestratorJobTypes } from './job-types.js';
export { createReadModels } from './read-models/read-models.js';
export type {
  OrchestratorReadModels,
  ProtocolRunView,
  ReadModelDeps,
  SpecValidation,
} from './read-models/read-models.types.js';
export type {
  DiscoveryStarted,
  OrchestratorConfig,
  OrchestratorService,
  OrchestratorServiceDeps,
  StartDiscoveryInput,
} from './orchestrator.types.js';
export { setupRunName } from './lifecycle/projects.js';
export { interpretGithubWebhook, interpretGitlabWebhook, type WebhookInterpretation } from './webhooks/index.js';
export { interpretIssueWebhook } from './webhooks/index.js';
export { issueRunName, FORGE_TOKEN_SECRET } from './issues/issue-runs.js';
export type {
  IssueDeliveryInput,
  IssueDeliveryResult,
  IssueFacts,
  IssueRunResult,
  IssueSettingsInput,
  IssueWebhookInterpretation,
  RunFromIssueInput,
} from './issues/issue.types.js';
export { createNotificationRelay, NOTIFICATION_CURSOR, RELAY_NOTIFY_MS } from './notifications/notification-relay.js';
export type { NotificationRelay, NotificationRelayDeps, RelayTimers } from './notifications/notification-relay.js';
export { notificationBody } from './notifications/notification-body.js';
export type {
  NotificationDeps,
  NotificationReads,
  ProjectWebhookInput,
  ProjectWebhookUpdate,
} from './notifications/notifications.types.js';
