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
  /**
   * How often it reads the event log for new events (core's `notifyPollMs`) while events keep coming.
   * Reads that find nothing double the wait up to `maxIdlePollMs`; `notify()` reads again at once.
   */
  pollMs: number;
  /** The longest wait between two reads of an idle log (default 10 × `pollMs`). */
  maxIdlePollMs?: number;
  /** Event ids scanned per read (default 200). */
  batch?: number;
  /** Timer seam (default `setTimeout`/`clearTimeout`, unref'd): tests drive the polling through it. */
  timers?: RelayTimers;
}

/** Schedules the relay's next read. */
export interface RelayTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const systemTimers: RelayTimers = {
  set(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How long `notify()` waits before reading, so a burst of events is read as one batch. */
export const RELAY_NOTIFY_MS = 20;

export interface NotificationRelay {
  /** Reads and hands out every event after the stored cursor now; resolves when caught up. */
  runOnce(): Promise<void>;
  /**
   * Polls until `stop()`: every `pollMs` while reads find events, backing off (doubling) to
   * `maxIdlePollMs` while they find none.
   */
  start(): void;
  /**
   * An event was recorded in this process (the runtime wires TelemetryService.subscribe here): read
   * within `RELAY_NOTIFY_MS` and poll at `pollMs` again. No-op when not started.
   */
  notify(): void;
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
  const timers = deps.timers ?? systemTimers;
  const maxIdlePollMs = Math.max(deps.pollMs, deps.maxIdlePollMs ?? deps.pollMs * 10);
  let started = false;
  let timer: unknown = null;
  /** When the scheduled read fires (ms since epoch), to tell whether a notify should bring it forward. */
  let dueAt = 0;
  /** The wait after the next read that finds nothing. */
  let idleWait = deps.pollMs;
  /** Events handed out (or the cursor moved) since the last tick: the log is busy. */
  let moved = false;
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
          moved = true;
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

  const schedule = (ms: number) => {
    if (timer !== null) timers.clear(timer);
    dueAt = Date.now() + ms;
    timer = timers.set(() => {
      timer = null;
      void tick();
    }, ms);
  };

  const tick = async () => {
    moved = false;
    try {
      await runOnce();
    } catch (error) {
      logger.warn({ err: error }, `notification relay failed: ${errorMessage(error)}`);
    }
    if (!started || timer !== null) return;
    if (moved) idleWait = deps.pollMs;
    schedule(moved ? deps.pollMs : idleWait);
    if (!moved) idleWait = Math.min(idleWait * 2, maxIdlePollMs);
  };

  return {
    runOnce,
    start() {
      if (started) return;
      started = true;
      idleWait = deps.pollMs;
      schedule(deps.pollMs);
    },
    notify() {
      if (!started) return;
      idleWait = deps.pollMs;
      if (timer === null || dueAt - Date.now() > RELAY_NOTIFY_MS) schedule(RELAY_NOTIFY_MS);
    },
    async stop() {
      started = false;
      if (timer !== null) timers.clear(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
