import type { Runtime } from '@tasksgodzilla/runtime';

/** How often the schedule asks the orchestrator which projects are due (the original checked every 5 s). */
export const SPEC_AUDIT_TICK_MS = 5000;

/**
 * The spec-audit cron (TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS): at start and then every few seconds,
 * the orchestrator's `auditDueSpecs` enqueues a `spec_audit_job` for each project whose own interval
 * (`secrets.spec_audit_interval_seconds`, else this one) has passed. Timing only; returns the stop function.
 */
export function startSpecAuditSchedule(
  runtime: Runtime,
  intervalSeconds: number,
  tickMs = SPEC_AUDIT_TICK_MS,
): () => void {
  let running = false;
  const pass = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      await runtime.services.orchestrator.auditDueSpecs(intervalSeconds);
    } catch (error) {
      runtime.logger.warn({ err: error }, 'Spec audit cron failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void pass(), 0);
  const timer = setInterval(() => void pass(), tickMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
