import type { Clock } from '@tasksgodzilla/core';
import type { Executor, SqlDialect } from '../database.types.js';
import { createEventRepository } from './events.repository.js';
import { createIssueLinkRepository, createProjectIssueSettingsRepository } from './issue-links.repository.js';
import { createJobRunRepository } from './job-runs.repository.js';
import { createProjectRepository } from './projects.repository.js';
import { createProtocolRunRepository } from './protocol-runs.repository.js';
import type { Repositories } from './repositories.types.js';
import { createStepRunRepository } from './step-runs.repository.js';
import {
  createNotificationCursorRepository,
  createProjectWebhookRepository,
  createWebhookNotificationRepository,
} from './project-webhooks.repository.js';
import { createWebhookDeliveryRepository } from './webhook-deliveries.repository.js';

/** Every repository bound to one executor: the database, or an open transaction (see createStorage). */
export function createRepositories(executor: Executor, dialect: SqlDialect, clock: Clock): Repositories {
  const ctx = { db: executor, dialect, clock };
  return {
    projects: createProjectRepository(ctx),
    protocolRuns: createProtocolRunRepository(ctx),
    stepRuns: createStepRunRepository(ctx),
    events: createEventRepository(ctx),
    jobRuns: createJobRunRepository(ctx),
    webhookDeliveries: createWebhookDeliveryRepository(ctx),
    issueLinks: createIssueLinkRepository(ctx),
    projectIssueSettings: createProjectIssueSettingsRepository(ctx),
    projectWebhooks: createProjectWebhookRepository(ctx),
    webhookNotifications: createWebhookNotificationRepository(ctx),
    notificationCursors: createNotificationCursorRepository(ctx),
  };
}
