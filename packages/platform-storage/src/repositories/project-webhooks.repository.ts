import {
  NotFoundError,
  ValidationError,
  NOTIFICATION_STATUSES,
  WEBHOOK_FORMATS,
  type NotificationStatus,
  type ProjectWebhook,
  type WebhookFormat,
  type WebhookNotification,
} from '@tasksgodzilla/core';
import type { Selectable, Updateable } from 'kysely';
import { newestFirstPage } from '../pagination.js';
import type { ProjectWebhooksTable, WebhookNotificationsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { parseJson } from './json.js';
import { projectNotFound } from './projects.repository.js';
import { idFiltersValid, isRowId, nowIso, requireFound, type RepositoryContext } from './repository-context.js';
import type {
  NewProjectWebhook,
  NewWebhookNotification,
  NotificationAttempt,
  NotificationCursorRepository,
  ProjectWebhookPatch,
  ProjectWebhookRepository,
  WebhookNotificationRepository,
} from './repositories.types.js';
import {
  optionalText,
  optionalTimestamp,
  requireBoolean,
  requireInteger,
  requireOneOf,
  requireText,
} from './validation.js';

export function projectWebhookNotFound(id: number): NotFoundError {
  return new NotFoundError(`Webhook ${id} not found`, { code: 'webhook_not_found', details: { webhook_id: id } });
}

export function webhookNotificationNotFound(id: number): NotFoundError {
  return new NotFoundError(`Webhook delivery ${id} not found`, {
    code: 'webhook_delivery_not_found',
    details: { delivery_id: id },
  });
}

function toProjectWebhook(row: Selectable<ProjectWebhooksTable>): ProjectWebhook {
  const filter = parseJson(row.event_filter);
  return {
    id: row.id,
    project_id: row.project_id,
    url: row.url,
    secret: row.secret,
    event_filter: Array.isArray(filter) ? filter.filter((entry): entry is string => typeof entry === 'string') : [],
    format: row.format as WebhookFormat,
    enabled: Boolean(row.enabled),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toWebhookNotification(row: Selectable<WebhookNotificationsTable>): WebhookNotification {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    project_id: row.project_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    status_code: row.status_code,
    last_error: row.last_error,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_attempt_at: row.last_attempt_at,
    next_attempt_at: row.next_attempt_at,
    delivered_at: row.delivered_at,
  };
}

function eventFilterText(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0 || value.some((entry) => typeof entry !== 'string' || !entry)) {
    const message = 'must be a non-empty list of names';
    throw new ValidationError(`Invalid event_filter: ${message}`, [{ path: ['event_filter'], message }]);
  }
  return JSON.stringify(value);
}

function patchValues(patch: ProjectWebhookPatch): Updateable<ProjectWebhooksTable> {
  const values: Updateable<ProjectWebhooksTable> = {};
  if (patch.url !== undefined) values.url = requireText('url', patch.url);
  if (patch.secret !== undefined) values.secret = optionalText('secret', patch.secret);
  if (patch.event_filter !== undefined) values.event_filter = eventFilterText(patch.event_filter);
  if (patch.format !== undefined) values.format = requireOneOf('format', patch.format, WEBHOOK_FORMATS);
  if (patch.enabled !== undefined) values.enabled = requireBoolean('enabled', patch.enabled) ? 1 : 0;
  return values;
}

export function createProjectWebhookRepository(ctx: RepositoryContext): ProjectWebhookRepository {
  const { db } = ctx;
  const find = async (id: number): Promise<ProjectWebhook | null> => {
    if (!isRowId(id)) return null;
    const row = await db.selectFrom('project_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProjectWebhook(row) : null;
  };
  return {
    async create(input: NewProjectWebhook): Promise<ProjectWebhook> {
      if (!isRowId(input.project_id)) throw projectNotFound(input.project_id);
      const now = nowIso(ctx);
      try {
        const row = await db
          .insertInto('project_webhooks')
          .values({
            project_id: input.project_id,
            url: requireText('url', input.url),
            secret: optionalText('secret', input.secret),
            event_filter: eventFilterText(input.event_filter),
            format: input.format === undefined ? 'json' : requireOneOf('format', input.format, WEBHOOK_FORMATS),
            enabled: input.enabled === undefined ? 1 : requireBoolean('enabled', input.enabled) ? 1 : 0,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toProjectWebhook(row);
      } catch (error) {
        if (constraintViolation(error)?.kind === 'foreign_key') throw projectNotFound(input.project_id);
        throw error;
      }
    },

    find,
    get: requireFound(find, projectWebhookNotFound),

    async list(projectId, page = {}) {
      if (!idFiltersValid([projectId])) return { items: [], next_cursor: null };
      const query = db.selectFrom('project_webhooks').selectAll().where('project_id', '=', projectId);
      return newestFirstPage(query, 'id', page, toProjectWebhook);
    },

    async listEnabled(projectIds) {
      const ids = projectIds.filter(isRowId);
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('project_webhooks')
        .selectAll()
        .where('project_id', 'in', ids)
        .where('enabled', '=', 1)
        .orderBy('id')
        .execute();
      return rows.map(toProjectWebhook);
    },

    async update(id, patch) {
      if (!isRowId(id)) throw projectWebhookNotFound(id);
      const row = await db
        .updateTable('project_webhooks')
        .set({ ...patchValues(patch), updated_at: nowIso(ctx) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw projectWebhookNotFound(id);
      return toProjectWebhook(row);
    },

    async remove(id) {
      if (!isRowId(id)) return false;
      const result = await db.deleteFrom('project_webhooks').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function createWebhookNotificationRepository(ctx: RepositoryContext): WebhookNotificationRepository {
  const { db } = ctx;
  const find = async (id: number): Promise<WebhookNotification | null> => {
    if (!isRowId(id)) return null;
    const row = await db.selectFrom('webhook_notifications').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWebhookNotification(row) : null;
  };
  return {
    async create(input: NewWebhookNotification) {
      const now = nowIso(ctx);
      // ON CONFLICT DO NOTHING: the event was already handed to this webhook (by another relay process).
      const row = await db
        .insertInto('webhook_notifications')
        .values({
          webhook_id: requireInteger('webhook_id', input.webhook_id, 1),
          project_id: requireInteger('project_id', input.project_id, 1),
          event_id: requireInteger('event_id', input.event_id, 1),
          event_type: requireText('event_type', input.event_type),
          status: 'pending',
          attempts: 0,
          created_at: now,
          updated_at: now,
          next_attempt_at: now,
        })
        .onConflict((conflict) => conflict.columns(['webhook_id', 'event_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toWebhookNotification(row) : null;
    },

    find,
    get: requireFound(find, webhookNotificationNotFound),

    async list(webhookId, page = {}) {
      if (!idFiltersValid([webhookId])) return { items: [], next_cursor: null };
      const query = db.selectFrom('webhook_notifications').selectAll().where('webhook_id', '=', webhookId);
      return newestFirstPage(query, 'id', page, toWebhookNotification);
    },

    async recordAttempt(id: number, attempt: NotificationAttempt) {
      if (!isRowId(id)) return null;
      const number = requireInteger('attempt', attempt.attempt, 1);
      const now = optionalTimestamp('attempted_at', attempt.attempted_at) ?? nowIso(ctx);
      // Compare-and-set: only the next attempt of a pending delivery is recorded, once.
      const row = await db
        .updateTable('webhook_notifications')
        .set({
          status: requireOneOf('status', attempt.status, NOTIFICATION_STATUSES),
          attempts: number,
          status_code: attempt.status_code,
          last_error: optionalText('last_error', attempt.last_error),
          last_attempt_at: now,
          next_attempt_at: attempt.next_attempt_at,
          delivered_at: attempt.status === 'succeeded' ? now : null,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('attempts', '=', number - 1)
        .returningAll()
        .executeTakeFirst();
      return row ? toWebhookNotification(row) : null;
    },

    async cancel(id: number, reason: string) {
      if (!isRowId(id)) return null;
      const now = nowIso(ctx);
      const row = await db
        .updateTable('webhook_notifications')
        .set({ status: 'cancelled', last_error: requireText('reason', reason), next_attempt_at: null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      return row ? toWebhookNotification(row) : null;
    },
  };
}

export function createNotificationCursorRepository(ctx: RepositoryContext): NotificationCursorRepository {
  const { db } = ctx;
  return {
    async read(name: string, options = {}) {
      let query = db
        .selectFrom('notification_cursors')
        .select('position')
        .where('name', '=', requireText('name', name));
      // SQLite write transactions are BEGIN IMMEDIATE (one writer); PostgreSQL locks the row.
      if (options.lock && ctx.dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row ? Number(row.position) : null;
    },

    async advance(name: string, position: number) {
      const value = requireInteger('position', position, 0);
      const now = nowIso(ctx);
      await db
        .insertInto('notification_cursors')
        .values({ name: requireText('name', name), position: value, updated_at: now })
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet((eb) => ({
            position: eb.fn<number>(ctx.dialect === 'postgres' ? 'greatest' : 'max', [
              eb.ref('notification_cursors.position'),
              eb.val(value),
            ]),
            updated_at: now,
          })),
        )
        .execute();
    },
  };
}
