import { nowIso, type RepositoryContext } from './repository-context.js';
import type { WebhookDeliveryRepository } from './repositories.types.js';
import { requireText } from './validation.js';

export function createWebhookDeliveryRepository(ctx: RepositoryContext): WebhookDeliveryRepository {
  const { db } = ctx;
  return {
    async claim(provider: string, deliveryId: string): Promise<boolean> {
      const values = {
        provider: requireText('provider', provider),
        delivery_id: requireText('delivery_id', deliveryId),
        received_at: nowIso(ctx),
      };
      // ON CONFLICT DO NOTHING: a duplicate is an answer, not an error (and never aborts a PostgreSQL transaction).
      const result = await db
        .insertInto('webhook_deliveries')
        .values(values)
        .onConflict((conflict) => conflict.columns(['provider', 'delivery_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async release(provider: string, deliveryId: string): Promise<void> {
      await db
        .deleteFrom('webhook_deliveries')
        .where('provider', '=', provider)
        .where('delivery_id', '=', deliveryId)
        .execute();
    },
  };
}
