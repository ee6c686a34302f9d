import { errorMessage, type Clock } from '@tasksgodzilla/core';
import type { JobQueue } from '@tasksgodzilla/platform-queue';
import type { DatabaseHandle } from '@tasksgodzilla/platform-storage';
import type { HealthReport } from './runtime.types.js';

/**
 * How long a health check reuses the queue counts it read last (issue 12: the counts statement was a
 * good part of every `GET /health`). The database is pinged on every check, so a closed, broken or
 * full database turns the report degraded at once; a failed count read is never reused.
 */
export const HEALTH_QUEUE_STATS_MAX_AGE_MS = 1000;

type QueueStatsSnapshot = NonNullable<HealthReport['queue']['stats']>;

/**
 * A health check over `db` and `queue`: pings the database and reads the queue stats (reusing counts
 * read less than `maxAgeMs` ago by `clock`); `degraded` when either fails. Never throws.
 */
export function createHealthCheck(
  db: DatabaseHandle,
  queue: JobQueue,
  clock: Clock,
  maxAgeMs = HEALTH_QUEUE_STATS_MAX_AGE_MS,
): () => Promise<HealthReport> {
  let last: { stats: QueueStatsSnapshot; at: number } | null = null;
  const queueStats = async (): Promise<QueueStatsSnapshot> => {
    const now = clock.now().getTime();
    if (last !== null && now - last.at < maxAgeMs && now >= last.at) return last.stats;
    last = null;
    const stats = await queue.stats();
    last = { stats, at: now };
    return stats;
  };
  return async () => {
    const dbReport: HealthReport['db'] = { ok: true, backend: db.dialect, location: db.location };
    try {
      await db.ping();
    } catch (error) {
      dbReport.ok = false;
      dbReport.error = errorMessage(error);
    }
    const queueReport: HealthReport['queue'] = { ok: true, backend: queue.backend };
    try {
      queueReport.stats = await queueStats();
    } catch (error) {
      queueReport.ok = false;
      queueReport.error = errorMessage(error);
    }
    return { status: dbReport.ok && queueReport.ok ? 'ok' : 'degraded', db: dbReport, queue: queueReport };
  };
}
