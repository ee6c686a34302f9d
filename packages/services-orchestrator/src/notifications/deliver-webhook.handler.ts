import { ConfigError, type WebhookNotification } from '@tasksgodzilla/core';
import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { inJobScope, skipped } from '../handlers/job-scope.js';
import { notificationBody } from './notification-body.js';

function done(delivery: WebhookNotification): HandlerResult {
  return {
    result: {
      delivery_id: delivery.id,
      status: delivery.status,
      attempts: delivery.attempts,
      status_code: delivery.status_code,
    },
  };
}

/**
 * `deliver_webhook_job`: one HTTP attempt of one delivery. The outcome is recorded on the delivery by
 * compare-and-set on its attempt number (a re-delivered job of an attempt already recorded does
 * nothing), and a failed attempt with attempts left enqueues the next one, delayed by the backoff,
 * in the same transaction. Never runs inside a run's transaction: a slow receiver only holds this job.
 */
export function createDeliverWebhookHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'deliver_webhook_job'> {
  return async (job): Promise<HandlerResult> => {
    const { storage } = ctx.deps;
    const { delivery_id: deliveryId, attempt } = job.payload;
    const delivery = await storage.webhookNotifications.find(deliveryId);
    if (!delivery) return skipped('delivery not found');
    return inJobScope(job, { project_id: delivery.project_id }, async () => {
      if (delivery.status !== 'pending') return skipped(`delivery already ${delivery.status}`);
      if (delivery.attempts >= attempt) return skipped(`attempt ${attempt} already made`);
      const notifications = ctx.deps.notifications;
      if (!notifications)
        throw new ConfigError('Outgoing webhooks are not configured (OrchestratorServiceDeps.notifications)');
      const webhook = await storage.projectWebhooks.find(delivery.webhook_id);
      if (!webhook || !webhook.enabled) {
        const cancelled = await storage.webhookNotifications.cancel(delivery.id, 'Webhook disabled before delivery');
        return cancelled ? done(cancelled) : skipped('delivery no longer pending');
      }
      const [event, project] = await Promise.all([
        storage.events.get(delivery.event_id),
        storage.projects.get(delivery.project_id),
      ]);
      const body = notificationBody({ deliveryId: delivery.id, webhook, event, project });
      const sent = await notifications.sender.send({
        url: webhook.url,
        body,
        secret: webhook.secret,
        eventType: event.event_type,
        deliveryId: String(delivery.id),
      });
      const retry = !sent.ok && attempt < notifications.maxAttempts;
      const delayMs = retry ? Math.max(0, Math.round(notifications.backoff(attempt))) : 0;
      const attemptedAt = ctx.clock.now().getTime();
      return storage.transaction(async (tx) => {
        const recorded = await tx.webhookNotifications.recordAttempt(delivery.id, {
          attempt,
          status: sent.ok ? 'succeeded' : retry ? 'pending' : 'failed',
          status_code: sent.statusCode,
          last_error: sent.error,
          attempted_at: new Date(attemptedAt).toISOString(),
          next_attempt_at: retry ? new Date(attemptedAt + delayMs).toISOString() : null,
        });
        if (!recorded) return skipped(`attempt ${attempt} already recorded`);
        if (retry) {
          await ctx.deps.queue.enqueue(
            {
              job_type: 'deliver_webhook_job',
              payload: { delivery_id: delivery.id, attempt: attempt + 1, project_id: delivery.project_id },
              delay_ms: delayMs,
            },
            { tx },
          );
        }
        ctx.logger.info(
          { delivery_id: delivery.id, webhook_id: webhook.id, attempt, status_code: sent.statusCode },
          sent.ok
            ? `webhook delivery ${delivery.id} delivered`
            : `webhook delivery ${delivery.id} attempt ${attempt} failed: ${sent.error}${retry ? ' (will retry)' : ''}`,
        );
        return done(recorded);
      });
    });
  };
}
