import type { JsonObject, ProtocolRun, RecordedEventType, StepRun, StepStatus } from '@tasksgodzilla/core';
import type { StepRunPatch, StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { moveStep } from './run-state.js';

/** An event about a step, before the run and the moved step are attached. */
export interface StepEventDraft {
  type: RecordedEventType;
  message: string;
  metadata?: JsonObject;
}

/** Moves the step to `to` (moveStep) and records `event` about the moved step, both in `tx`. */
export async function moveStepRecorded(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  step: StepRun,
  move: { to: StepStatus; patch?: StepRunPatch },
  event: StepEventDraft,
  trace?: Trace,
): Promise<StepRun> {
  const moved = await moveStep(tx, step, move.to, move.patch);
  await ctx.record(tx, { ...event, run, step: moved }, trace);
  return moved;
}

/**
 * In its own transaction: a step still `expected` → failed with `summary`, `event` recorded, then
 * `after` (what follows the failure) with its run and the failed step. A step that moved on is left
 * alone. Returns the step's status afterwards.
 */
export async function failStepIfStill(
  ctx: OrchestratorContext,
  stepId: number,
  failure: { expected: StepStatus; summary: string; event: (step: StepRun) => StepEventDraft },
  trace: Trace,
  after: (tx: StorageTx, run: ProtocolRun, failed: StepRun) => Promise<unknown>,
): Promise<StepStatus> {
  return ctx.deps.storage.transaction(async (tx) => {
    const step = await tx.stepRuns.get(stepId);
    if (step.status !== failure.expected) return step.status;
    const run = await tx.protocolRuns.get(step.protocol_run_id);
    const failed = await moveStepRecorded(
      ctx,
      tx,
      run,
      step,
      { to: 'failed', patch: { summary: failure.summary } },
      failure.event(step),
      trace,
    );
    await after(tx, run, failed);
    return failed.status;
  });
}
