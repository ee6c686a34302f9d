import type { Project } from '@tasksgodzilla/core';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { auditSpecs } from './run-actions.js';

/** The shortest audit interval, whatever the setting says (the original's floor). */
export const MIN_SPEC_AUDIT_INTERVAL_SECONDS = 30;
/** The per-project override, in the project's secrets (the original's key). */
export const SPEC_AUDIT_INTERVAL_KEY = 'spec_audit_interval_seconds';

const PAGE = 200;

/**
 * A project's audit interval: its `secrets.spec_audit_interval_seconds` when that is a whole number,
 * else the server's; never under 30 s.
 */
export function specAuditInterval(project: Pick<Project, 'secrets'>, defaultSeconds: number): number {
  const own = project.secrets?.[SPEC_AUDIT_INTERVAL_KEY];
  const parsed = typeof own === 'string' && /^\d+$/.test(own.trim()) ? Number(own) : own;
  const seconds = typeof parsed === 'number' && Number.isInteger(parsed) ? parsed : defaultSeconds;
  return Math.max(MIN_SPEC_AUDIT_INTERVAL_SECONDS, seconds);
}

/**
 * One pass of the spec-audit schedule: enqueues a `spec_audit_job` (with backfill) for each project
 * whose last one was created at least its interval ago (or that never had one). The last audit is
 * read from the job ledger, so a restart neither repeats nor forgets it. Returns the projects enqueued;
 * a project that fails is logged and skipped.
 */
export async function auditDueSpecs(ctx: OrchestratorContext, defaultIntervalSeconds: number): Promise<number[]> {
  const now = ctx.clock.now().getTime();
  const enqueued: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.deps.storage.projects.list({ limit: PAGE, cursor });
    for (const project of page.items) {
      try {
        const last = (
          await ctx.deps.storage.jobRuns.list({ job_type: 'spec_audit_job', project_id: project.id }, { limit: 1 })
        ).items[0];
        const due =
          !last || Date.parse(last.created_at) + specAuditInterval(project, defaultIntervalSeconds) * 1000 <= now;
        if (!due) continue;
        await auditSpecs(ctx, { project_id: project.id, backfill_missing: true });
        enqueued.push(project.id);
      } catch (error) {
        ctx.logger.warn({ err: error, project_id: project.id }, 'spec audit schedule: could not enqueue the audit');
      }
    }
    cursor = page.next_cursor;
  } while (cursor);
  return enqueued;
}
