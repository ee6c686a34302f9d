import { EngineError } from '@tasksgodzilla/core';
import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { inJobScope, jobLogPath, skipped } from './job-scope.js';

/**
 * `project_discovery_job`: repository discovery on its own (onboarding's discovery pass, which
 * writes the `setup_discovery_*` events at project level). The job succeeds with the discovery
 * report as its result when the notes are there afterwards (written now or already present);
 * otherwise it fails for good (no retry: an engine that cannot discover will not learn to) with the
 * reason, and the runner records `job_failed` on the project.
 */
export function createProjectDiscoveryHandler(
  ctx: OrchestratorContext,
): OrchestratorJobHandler<'project_discovery_job'> {
  return async (job, jobCtx): Promise<HandlerResult> => {
    const projectId = job.payload.project_id;
    return inJobScope<HandlerResult>(job, { project_id: projectId }, async (): Promise<HandlerResult> => {
      const project = await ctx.deps.storage.projects.find(projectId);
      if (!project) return skipped('project not found');
      const logPath = jobLogPath(ctx, job);
      jobCtx.setLogPath(logPath);
      const report = await ctx.deps.onboarding.runDiscovery({
        project,
        jobId: job.run_id,
        logPath,
        signal: jobCtx.signal,
        engineId: job.payload.engine_id ?? null,
      });
      if (jobCtx.signal.aborted) throw jobCtx.signal.reason;
      if (!report.succeeded) {
        throw new EngineError(`discovery ${report.status}: ${report.reason ?? 'no reason given'}`, {
          code: 'discovery_failed',
          retryable: false,
          details: { status: report.status, engine_id: report.engine_id, path: report.path },
        });
      }
      return { result: { ...report }, log_path: logPath };
    });
  };
}
