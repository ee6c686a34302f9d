import { errorMessage, isAppError, type JsonObject, type ProtocolRun, type StepRun } from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CallOptions, FailedJob } from '../orchestrator.types.js';
import { setupRunName } from '../lifecycle/projects.js';
import { reconcileRun } from '../lifecycle/reconcile.js';
import { moveStep } from '../lifecycle/run-state.js';
import { blockRun } from '../lifecycle/step-flow.js';

function idOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** What an ended job names: its trace, and the step and run it was about (params first, then its columns). */
function subjectOf(job: FailedJob): { trace: Trace; stepId: number | null; runId: number | null } {
  const params = job.params ?? {};
  return {
    trace: { requestId: typeof params.request_id === 'string' ? params.request_id : null, jobId: job.run_id },
    stepId: idOf(params.step_run_id) ?? idOf(job.step_run_id),
    runId: idOf(params.protocol_run_id) ?? idOf(params.protocol_id) ?? idOf(job.protocol_run_id),
  };
}

/** The step the job was about and its run, else the run it names; nulls when they are gone. */
async function findSubject(
  tx: StorageTx,
  stepId: number | null,
  runId: number | null,
): Promise<{ step: StepRun | null; run: ProtocolRun | null }> {
  const step = stepId ? await tx.stepRuns.find(stepId) : null;
  const run = step
    ? await tx.protocolRuns.find(step.protocol_run_id)
    : runId
      ? await tx.protocolRuns.find(runId)
      : null;
  return { step, run };
}

/**
 * A job failed for good (the runner dead-lettered it): `job_failed` on its run, its step failed
 * (when it was still in that job's hands) and its run blocked. Setup runs fail instead. open_pr,
 * spec_audit and issue_comment failures only leave the event. Never called for an attempt that will be retried.
 */
export async function handleJobFailed(ctx: OrchestratorContext, job: FailedJob, error: unknown): Promise<void> {
  const { trace, stepId, runId } = subjectOf(job);
  const projectIdHint = idOf(job.params?.project_id) ?? idOf(job.project_id);
  const message = `${job.job_type} failed: ${errorMessage(error)}`;
  const metadata: JsonObject = {
    job_id: job.run_id,
    job_type: job.job_type,
    attempts: job.attempts,
    error: errorMessage(error),
    error_type: (error as Error)?.name ?? 'Error',
    error_category: isAppError(error) ? error.category : 'internal',
  };

  await ctx.deps.storage.transaction(async (tx) => {
    let { step, run } = await findSubject(tx, stepId, runId);
    if (!run && job.job_type === 'project_setup_job' && projectIdHint)
      run = await tx.protocolRuns.findByName(projectIdHint, setupRunName(projectIdHint));
    if (!run) {
      if (projectIdHint && (await tx.projects.find(projectIdHint)))
        await ctx.record(tx, { type: 'job_failed', message, projectId: projectIdHint, metadata }, trace);
      else ctx.logger.error({ err: error, job_id: job.run_id, job_type: job.job_type }, message);
      return;
    }
    if (step) {
      const owned =
        (job.job_type === 'execute_step_job' && step.status === 'running') ||
        (job.job_type === 'run_quality_job' && step.status === 'needs_qa');
      if (owned) step = await moveStep(tx, step, 'failed', { summary: message });
    }
    await ctx.record(tx, { type: 'job_failed', message, run, step, metadata }, trace);
    if (['open_pr_job', 'spec_audit_job', 'issue_comment_job'].includes(job.job_type)) return;
    if (job.job_type === 'project_setup_job') {
      if (run.status === 'running') await tx.protocolRuns.transition(run.id, { from: 'running', to: 'failed' });
      return;
    }
    await blockRun(tx, run);
  });
}

/**
 * A job ended without its handler moving its subject on (cancelled while queued or running, or any
 * other end a handler never saw): the step it was executing → failed (`step_job_ended`) and the run
 * blocked; a run it was planning → blocked (`planning_failed`). Idempotent; a job that is still
 * queued or running changes nothing. The queue's cancel and the worker runner call it.
 */
export async function handleJobEnded(
  ctx: OrchestratorContext,
  job: FailedJob,
  // Read by the service's log scope (orchestrator.service.ts TRACED), not here: events keep the job's trace.
  _options?: CallOptions,
): Promise<void> {
  const { trace, stepId, runId } = subjectOf(job);
  await ctx.deps.storage.transaction(async (tx) => {
    const { run } = await findSubject(tx, stepId, runId);
    if (run) await reconcileRun(ctx, tx, run, trace);
  });
}
