import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Outgoing notifications (issue 14, part 2): a project's webhooks, one row per
// event to deliver to a webhook (its delivery log), and the relay's position in the event log.

export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  const autoId = (col: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement();

  await db.schema
    .createTable('project_webhooks')
    .addColumn('id', idType, autoId)
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('event_filter', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idx_project_webhooks_project')
    .on('project_webhooks')
    .columns(['project_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_notifications')
    .addColumn('id', idType, autoId)
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('project_webhooks.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_attempt_at', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('delivered_at', 'text')
    // One delivery per event and webhook, whichever relay process saw the event first.
    .addUniqueConstraint('uq_webhook_notifications_event', ['webhook_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('idx_webhook_notifications_webhook')
    .on('webhook_notifications')
    .columns(['webhook_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('notification_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // History is not notified: the relay starts after the newest event at migration time.
  await sql
    .raw(
      `INSERT INTO notification_cursors (name, position, updated_at)
       SELECT 'webhooks', coalesce(max(id), 0), '${new Date().toISOString()}' FROM events`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_cursors').execute();
  await db.schema.dropTable('webhook_notifications').execute();
  await db.schema.dropTable('project_webhooks').execute();
}
