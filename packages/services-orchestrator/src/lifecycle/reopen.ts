import type { JsonObject, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { moveStep, stepInFlight } from './run-state.js';
import { enqueueExecution } from './step-flow.js';

/** How many times CI failures and review comments may start a new attempt of one step by themselves. */
export const FEEDBACK_REOPEN_LIMIT = 3;

export interface Reopened {
  run: ProtocolRun;
  step: StepRun;
  job: QueueJob | null;
}

/** Re-openings already spent on the step (`runtime_state.feedback_reopens`). */
export function reopensOf(step: StepRun): number {
  const value = step.runtime_state?.feedback_reopens;
  return typeof value === 'number' ? value : 0;
}

/** A completed step goes back through `pending` (the only way out of `completed`). */
export async function reopenToFailed(tx: StorageTx, step: StepRun, summary: string): Promise<StepRun> {
  const from = step.status === 'completed' ? await moveStep(tx, step, 'pending', { summary }) : step;
  return moveStep(tx, from, 'failed', { summary });
}

/**
 * A new attempt of the step because of feedback from outside (a CI failure, a review comment):
 * step → running with retries + 1 and its `execute_step_job` (`step_retry_enqueued {source}`),
 * when the run is running and the step has re-openings left. Returns job null when it did not.
 */
export async function startFeedbackAttempt(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  step: StepRun,
  source: 'ci_failure' | 'review_comment',
  metadata: JsonObject,
  trace: Trace,
): Promise<Reopened> {
  const used = reopensOf(step);
  if (run.status !== 'running' || used >= FEEDBACK_REOPEN_LIMIT) return { run, step, job: null };
  // One step runs at a time per worktree: with another step running, the run is blocked instead.
  if (stepInFlight(await tx.stepRuns.listByRun(run.id), step.id, ['running'])) return { run, step, job: null };
  const counted = await tx.stepRuns.mergeRuntimeState(step.id, { feedback_reopens: used + 1 });
  const retries = counted.retries + 1;
  const enqueued = await enqueueExecution(ctx, tx, run, counted, {
    event: 'step_retry_enqueued',
    message: `Retrying ${step.step_name} (${source === 'ci_failure' ? 'CI failed' : 'review comment'}).`,
    metadata: { retries, source, feedback_reopens: used + 1, reopen_limit: FEEDBACK_REOPEN_LIMIT, ...metadata },
    retries,
    summary: source === 'ci_failure' ? 'CI failed; new attempt' : 'Review comment; new attempt',
    trace,
  });
  return { run: enqueued.run, step: enqueued.step, job: enqueued.job };
}
