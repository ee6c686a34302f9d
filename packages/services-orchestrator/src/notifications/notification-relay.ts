import { errorMessage, eventFilterMatches, type Event } from '@tasksgodzilla/core';
import type { JobQueue } from '@tasksgodzilla/platform-queue';
import type { EventFeed, Storage } from '@tasksgodzilla/platform-storage';
import type { Logger } from '@tasksgodzilla/platform-telemetry';

/** The relay's row in `notification_cursors`. */
export const NOTIFICATION_CURSOR = 'webhooks';

export interface NotificationRelayDeps {
  storage: Pick<Storage, 'events' | 'notificationCursors' | 'transaction'>;
  queue: Pick<JobQueue, 'enqueue'>;
  logger: Pick<Logger, 'warn'>;
  /** How often it reads the event log for new events (core's `notifyPollMs`). */
  pollMs: number;
  /** Event ids scanned per read (default 200). */
  batch?: number;
}

export interface NotificationRelay {
  /** Reads and hands out every event after the stored cursor now; resolves when caught up. */
  runOnce(): Promise<void>;
  /** Polls every `pollMs` until `stop()`. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Follows the event log from a stored cursor and turns every event that a project's enabled webhook
 * subscribes to into a pending delivery and its `deliver_webhook_job`, in one transaction with the
 * cursor's move: a process that dies mid-batch leaves the cursor where it was, and the next relay (in
 * any process) reads the batch again. The read is platform-storage's gap-safe event feed, so an event
 * committed late (PostgreSQL) is never skipped; two relays racing are serialised by the cursor row and
 * the (webhook, event) unique key, so a delivery is created once. Runs never wait for it: events are
 * written as always, and the relay reads them after they commit.
 */
export function createNotificationRelay(deps: NotificationRelayDeps): NotificationRelay {
  const { storage, queue, logger } = deps;
  let feed: EventFeed | null = null;
  /** The position last written to the cursor by this relay (no write while nothing moved). */
  let written = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const handOut = async (events: readonly Event[], upTo: number) => {
    await storage.transaction(async (tx) => {
      const stored = (await tx.notificationCursors.read(NOTIFICATION_CURSOR, { lock: true })) ?? 0;
      const fresh = events.filter((event) => event.id > stored);
      const projects = [...new Set(fresh.map((event) => event.project_id))];
      const webhooks = fresh.length > 0 ? await tx.projectWebhooks.listEnabled(projects) : [];
      for (const event of fresh) {
        for (const webhook of webhooks) {
          if (webhook.project_id !== event.project_id || !eventFilterMatches(webhook.event_filter, event.event_type))
            continue;
          const delivery = await tx.webhookNotifications.create({
            webhook_id: webhook.id,
            project_id: event.project_id,
            event_id: event.id,
            event_type: event.event_type,
          });
          if (!delivery) continue;
          await queue.enqueue(
            {
              job_type: 'deliver_webhook_job',
              payload: { delivery_id: delivery.id, attempt: 1, project_id: event.project_id },
            },
            { tx },
          );
        }
      }
      await tx.notificationCursors.advance(NOTIFICATION_CURSOR, upTo);
    });
  };

  const readAll = async () => {
    if (!feed) {
      const position = (await storage.notificationCursors.read(NOTIFICATION_CURSOR)) ?? 0;
      feed = await storage.events.feed({}, position);
      written = position;
    }
    try {
      for (;;) {
        const batch = await feed.read(deps.batch);
        if (batch.events.length > 0 || feed.position > written) {
          await handOut(batch.events, feed.position);
          written = feed.position;
        }
        if (!batch.more) return;
      }
    } catch (error) {
      // The feed has moved past what may not be committed: start again from the stored cursor.
      feed = null;
      throw error;
    }
  };

  const runOnce = () => {
    running ??= readAll().finally(() => {
      running = null;
    });
    return running;
  };

  const tick = async () => {
    try {
      await runOnce();
    } catch (error) {
      logger.warn({ err: error }, `notification relay failed: ${errorMessage(error)}`);
    }
    if (timer !== null) schedule();
  };

  const schedule = () => {
    timer = setTimeout(() => void tick(), deps.pollMs);
    timer.unref();
  };

  return {
    runOnce,
    start() {
      if (timer !== null) return;
      schedule();
    },
    async stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
