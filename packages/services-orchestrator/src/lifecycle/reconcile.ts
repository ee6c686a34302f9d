import type { JobStatus, JobType, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { moveStep } from './run-state.js';
import { blockRun } from './step-flow.js';

// A job can end without its handler moving its subject on: cancelled while queued (the queue's cancel
// never reaches a handler), cancelled or timed out while running, dead-lettered by a worker that died.
// A status that a job was meant to move on is "owned" by that job while it is queued or running; once
// the job has ended, the owned status has no way forward by itself. These helpers give it one.

const LIVE: readonly JobStatus[] = ['queued', 'running'];

/** The latest job of that type for a step or run, and whether it is still queued or running. */
async function latestJob(
  tx: StorageTx,
  filter: { step_run_id?: number; protocol_run_id?: number },
  jobTypes: readonly JobType[],
) {
  let live = false;
  for (const jobType of jobTypes) {
    for (const status of LIVE) {
      if ((await tx.jobRuns.list({ ...filter, job_type: jobType, status }, { limit: 1 })).items.length > 0) live = true;
    }
  }
  if (live) return { live, ended: null };
  const latest = [];
  for (const jobType of jobTypes)
    latest.push(...(await tx.jobRuns.list({ ...filter, job_type: jobType }, { limit: 1 })).items);
  const ended = latest.sort((a, b) => b.created_at.localeCompare(a.created_at))[0] ?? null;
  return { live, ended };
}

/**
 * A `running` step whose `execute_step_job` has ended → `failed` (`step_job_ended`) and its run
 * blocked: run-next, retry-latest, run-step and approve then take it on. Returns the step as it is now.
 */
export async function releaseOrphanedStep(
  ctx: OrchestratorContext,
  tx: StorageTx,
  step: StepRun,
  trace?: Trace,
): Promise<StepRun> {
  if (step.status !== 'running') return step;
  const { live, ended } = await latestJob(tx, { step_run_id: step.id }, ['execute_step_job']);
  if (live) return step;
  const run = await tx.protocolRuns.get(step.protocol_run_id);
  const what = ended
    ? `job ${ended.run_id} ended (${ended.status}${ended.error ? `: ${ended.error}` : ''})`
    : 'no job is running it';
  const failed = await moveStep(tx, step, 'failed', { summary: `Execution stopped: ${what}` });
  await ctx.record(
    tx,
    {
      type: 'step_job_ended',
      message: `Step ${step.step_name} stopped: its execution ${what}.`,
      run,
      step: failed,
      metadata: { job_id: ended?.run_id ?? null, job_status: ended?.status ?? null, error: ended?.error ?? null },
    },
    trace,
  );
  await blockRun(tx, run);
  return failed;
}

/** A `planning` run whose plan (or CodeMachine import) job has ended → `blocked` (`planning_failed`); start with replan takes it on. */
async function releaseOrphanedPlanning(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  trace?: Trace,
): Promise<ProtocolRun> {
  if (run.status !== 'planning') return run;
  const { live, ended } = await latestJob(tx, { protocol_run_id: run.id }, [
    'plan_protocol_job',
    'codemachine_import_job',
  ]);
  if (live) return run;
  const what = ended
    ? `job ${ended.run_id} ended (${ended.status}${ended.error ? `: ${ended.error}` : ''})`
    : 'no job is planning it';
  await ctx.record(
    tx,
    {
      type: 'planning_failed',
      message: `Planning stopped: ${what}.`,
      run,
      metadata: { job_id: ended?.run_id ?? null, job_status: ended?.status ?? null },
    },
    trace,
  );
  return tx.protocolRuns.transition(run.id, { from: 'planning', to: 'blocked' });
}

/**
 * Gives every status of the run that waits on an ended job a way forward (see above). Called at the
 * start of each run or step action and when a worker reports a cancelled job. Returns the run as it is now.
 */
export async function reconcileRun(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  trace?: Trace,
): Promise<ProtocolRun> {
  if (['completed', 'cancelled', 'failed'].includes(run.status)) return run;
  let current = await releaseOrphanedPlanning(ctx, tx, run, trace);
  for (const step of await tx.stepRuns.listByRun(run.id)) {
    if (step.status === 'running') await releaseOrphanedStep(ctx, tx, step, trace);
  }
  current = await tx.protocolRuns.get(run.id);
  return current;
}
