import type { OrchestratorContext } from '../orchestrator.context.js';
import type { CallOptions, CiDeliveryInput, CiDeliveryResult } from '../orchestrator.types.js';
import { handleCiStatus } from './ci.js';

/**
 * A forge's webhook delivery: a delivery id seen before is answered as a duplicate, not processed
 * again; a delivery whose processing fails is forgotten, so the forge's next redelivery is processed.
 * Without a delivery id the report is processed every time.
 */
export async function handleCiDelivery(
  ctx: OrchestratorContext,
  input: CiDeliveryInput,
  options: CallOptions = {},
): Promise<CiDeliveryResult> {
  const { provider, delivery_id: deliveryId } = input;
  const deliveries = ctx.deps.storage.webhookDeliveries;
  if (deliveryId !== null && !(await deliveries.claim(provider, deliveryId))) return { duplicate: true, result: null };
  try {
    return { duplicate: false, result: await handleCiStatus(ctx, input.status, options) };
  } catch (error) {
    if (deliveryId !== null) await deliveries.release(provider, deliveryId);
    throw error;
  }
}
