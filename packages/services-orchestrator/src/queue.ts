// `@tasksgodzilla/services-orchestrator/queue`: what a process needs of the orchestrator before any
// job runs (its job types, which the queue accepts, and the notification relay), without the
// orchestrator's services and handlers and what they import (engines, git, prompts): the worker's
// runtime starts with this entry and loads the rest on its first job (issue 12).
export { registerOrchestratorJobTypes } from './job-types.js';
export { createNotificationRelay, NOTIFICATION_CURSOR, RELAY_NOTIFY_MS } from './notifications/notification-relay.js';
export type { NotificationRelay, NotificationRelayDeps, RelayTimers } from './notifications/notification-relay.js';
