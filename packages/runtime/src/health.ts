import { errorMessage } from '@tasksgodzilla/core';
import type { JobQueue } from '@tasksgodzilla/platform-queue';
import type { DatabaseHandle } from '@tasksgodzilla/platform-storage';
import type { HealthReport } from './runtime.types.js';

/** Pings the database and reads the queue stats; `degraded` when either fails. Never throws. */
export async function checkHealth(db: DatabaseHandle, queue: JobQueue): Promise<HealthReport> {
  const dbReport: HealthReport['db'] = { ok: true, backend: db.dialect, location: db.location };
  try {
    await db.ping();
  } catch (error) {
    dbReport.ok = false;
    dbReport.error = errorMessage(error);
  }
  const queueReport: HealthReport['queue'] = { ok: true, backend: queue.backend };
  try {
    queueReport.stats = await queue.stats();
  } catch (error) {
    queueReport.ok = false;
    queueReport.error = errorMessage(error);
  }
  return { status: dbReport.ok && queueReport.ok ? 'ok' : 'degraded', db: dbReport, queue: queueReport };
}
