import type { Runtime } from '@tasksgodzilla/runtime';

const PAGE = 200;

/**
 * The spec-audit cron (TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS): at start and then every interval,
 * one `spec_audit_job` per project with backfill.
 * Scheduling only; the audit is the orchestrator's. Returns the stop function.
 */
export function startSpecAuditSchedule(runtime: Runtime, intervalSeconds: number): () => void {
  let running = false;
  const pass = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      let cursor: string | null = null;
      do {
        const page = await runtime.storage.projects.list({ limit: PAGE, cursor });
        for (const project of page.items) {
          try {
            await runtime.services.orchestrator.auditSpecs({ project_id: project.id, backfill_missing: true });
          } catch (error) {
            runtime.logger.warn({ err: error, project_id: project.id }, 'Spec audit cron failed to enqueue');
          }
        }
        cursor = page.next_cursor;
      } while (cursor);
    } catch (error) {
      runtime.logger.warn({ err: error }, 'Spec audit cron failed to list projects');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void pass(), 0);
  const timer = setInterval(() => void pass(), intervalSeconds * 1000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
