import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.types.js';

// Frozen in time (see 0001). Webhook deliveries already processed, by the forge's delivery id, so a
// redelivered (or replayed) identical delivery is not processed twice.

export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_deliveries_pkey', ['provider', 'delivery_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
}
