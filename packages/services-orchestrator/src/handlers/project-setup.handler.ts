import type { ProtocolRun } from '@tasksgodzilla/core';
import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { createSetupRun, setupRunName } from '../lifecycle/projects.js';
import { inJobScope, jobLogPath, skipped } from './job-scope.js';

/**
 * `project_setup_job`: the setup run goes pending|blocked → running (a retry of this job finds it
 * running), onboarding runs (it writes the `setup_*` events), then the run takes the status
 * onboarding reports: completed, blocked (e.g. blocking clarifications) or failed.
 */
export function createProjectSetupHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'project_setup_job'> {
  return async (job, jobCtx): Promise<HandlerResult> => {
    const { storage } = ctx.deps;
    const projectId = job.payload.project_id;
    return inJobScope<HandlerResult>(
      job,
      { project_id: projectId, protocol_run_id: job.payload.protocol_run_id ?? null },
      async (): Promise<HandlerResult> => {
        const project = await storage.projects.find(projectId);
        if (!project) return skipped('project not found');
        const claimed = await storage.transaction(async (tx): Promise<ProtocolRun | null> => {
          const run =
            (job.payload.protocol_run_id
              ? await tx.protocolRuns.find(job.payload.protocol_run_id)
              : await tx.protocolRuns.findByName(project.id, setupRunName(project.id))) ??
            (await createSetupRun(tx, project));
          if (run.status === 'pending' || run.status === 'blocked')
            return tx.protocolRuns.transition(run.id, { from: run.status, to: 'running' });
          // Only this job's own retry may pick up a setup run it left running.
          if (run.status === 'running' && jobCtx.attempt > 1) return run;
          return null;
        });
        if (!claimed) return skipped('setup run is not waiting for onboarding');
        const logPath = jobLogPath(ctx, job);
        jobCtx.setLogPath(logPath);
        const result = await ctx.deps.onboarding.runProjectSetup({
          project,
          run: claimed,
          jobId: job.run_id,
          logPath,
          signal: jobCtx.signal,
        });
        if (jobCtx.signal.aborted) throw jobCtx.signal.reason;
        const final = await storage.transaction(async (tx) => {
          const run = await tx.protocolRuns.get(claimed.id);
          if (run.status !== 'running') return run;
          return tx.protocolRuns.transition(run.id, { from: 'running', to: result.status });
        });
        return {
          result: {
            status: final.status,
            blocking: result.blocking,
            local_path: result.local_path,
            error: result.error,
          },
        };
      },
    );
  };
}
