import type { Clock } from '@tasksgodzilla/core';
import type { Executor, SqlDialect } from '../database.types.js';
import { createEventRepository } from './events.repository.js';
import { createIssueLinkRepository, createProjectIssueSettingsRepository } from './issue-links.repository.js';
import { createJobRunRepository } from './job-runs.repository.js';
import { createProjectRepository } from './projects.repository.js';
import { createProtocolRunRepository } from './protocol-runs.repository.js';
import type { Repositories } from './repositories.types.js';
import type { RepositoryContext } from './repository-context.js';
import { createStepRunRepository } from './step-runs.repository.js';
import {
  createNotificationCursorRepository,
  createProjectWebhookRepository,
  createWebhookNotificationRepository,
} from './project-webhooks.repository.js';
import { createWebhookDeliveryRepository } from './webhook-deliveries.repository.js';

/**
 * Every repository bound to one executor: the database, or an open transaction (see createStorage).
 * Each is built on first use and kept (getters on the prototype, so a new set costs one object): a
 * transaction (one per enqueue, per request) uses one or two of the eleven, and building all of them
 * was a measurable part of a no-op job's CPU (issue 12).
 */
class LazyRepositories implements Repositories {
  readonly #ctx: RepositoryContext;
  #projects?: Repositories['projects'];
  #protocolRuns?: Repositories['protocolRuns'];
  #stepRuns?: Repositories['stepRuns'];
  #events?: Repositories['events'];
  #jobRuns?: Repositories['jobRuns'];
  #webhookDeliveries?: Repositories['webhookDeliveries'];
  #issueLinks?: Repositories['issueLinks'];
  #projectIssueSettings?: Repositories['projectIssueSettings'];
  #projectWebhooks?: Repositories['projectWebhooks'];
  #webhookNotifications?: Repositories['webhookNotifications'];
  #notificationCursors?: Repositories['notificationCursors'];

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }
  get projects() {
    return (this.#projects ??= createProjectRepository(this.#ctx));
  }
  get protocolRuns() {
    return (this.#protocolRuns ??= createProtocolRunRepository(this.#ctx));
  }
  get stepRuns() {
    return (this.#stepRuns ??= createStepRunRepository(this.#ctx));
  }
  get events() {
    return (this.#events ??= createEventRepository(this.#ctx));
  }
  get jobRuns() {
    return (this.#jobRuns ??= createJobRunRepository(this.#ctx));
  }
  get webhookDeliveries() {
    return (this.#webhookDeliveries ??= createWebhookDeliveryRepository(this.#ctx));
  }
  get issueLinks() {
    return (this.#issueLinks ??= createIssueLinkRepository(this.#ctx));
  }
  get projectIssueSettings() {
    return (this.#projectIssueSettings ??= createProjectIssueSettingsRepository(this.#ctx));
  }
  get projectWebhooks() {
    return (this.#projectWebhooks ??= createProjectWebhookRepository(this.#ctx));
  }
  get webhookNotifications() {
    return (this.#webhookNotifications ??= createWebhookNotificationRepository(this.#ctx));
  }
  get notificationCursors() {
    return (this.#notificationCursors ??= createNotificationCursorRepository(this.#ctx));
  }
}

export function createRepositories(executor: Executor, dialect: SqlDialect, clock: Clock): Repositories {
  return new LazyRepositories({ db: executor, dialect, clock });
}
