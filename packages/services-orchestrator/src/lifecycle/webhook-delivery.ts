import { NotFoundError } from '@tasksgodzilla/core';
import type { OrchestratorContext } from '../orchestrator.context.js';
import type { CallOptions, CiDeliveryInput, CiDeliveryResult, IgnoredDeliveryInput } from '../orchestrator.types.js';
import { handleCiStatus } from './ci.js';
import { routeCiReport } from './ci-routing.js';

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

/**
 * An ignored delivery (nothing to act on) is still recorded on the run it names, as the original did,
 * so a run's history shows every delivery that reached it; a redelivery is recorded once. A delivery
 * that names no run records nothing (and is not an error: the forge gets its 200).
 */
export async function recordIgnoredDelivery(
  ctx: OrchestratorContext,
  input: IgnoredDeliveryInput,
  options: CallOptions = {},
): Promise<{ protocol_run_id: number | null }> {
  return ctx.deps.storage.transaction(async (tx) => {
    let run;
    try {
      run = await routeCiReport(tx, { protocol_run_id: input.protocol_run_id, branch: input.branch });
    } catch (error) {
      if (error instanceof NotFoundError) return { protocol_run_id: null };
      throw error;
    }
    const deliveries = tx.webhookDeliveries;
    if (input.delivery_id !== null && !(await deliveries.claim(input.provider, input.delivery_id)))
      return { protocol_run_id: run.id };
    await ctx.record(
      tx,
      {
        type: 'webhook_ignored',
        message: `${input.provider === 'github' ? 'GitHub' : 'GitLab'} webhook ${input.event_type} ignored: ${input.reason}`,
        run,
        metadata: {
          provider: input.provider,
          event_type: input.event_type,
          branch: input.branch,
          value: input.value,
          reason: input.reason,
          delivery_id: input.delivery_id,
        },
      },
      { requestId: options.requestId },
    );
    return { protocol_run_id: run.id };
  });
}
