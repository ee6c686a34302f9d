import type { EventType, JsonObject, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import { enqueueWithEvent, stepJobPayload, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import {
  decideLoop,
  decideTrigger,
  isProtocolComplete,
  nextPendingStep,
  type PolicyEventDraft,
  type PolicyReason,
} from '../policies.js';
import { finalizeRunAfterCommit } from './finalize.js';
import { applyStepChanges, ensureRunRunning, moveStep } from './run-state.js';

// Decisions that follow a step's outcome, each applied inside the caller's transaction together
// with the jobs they imply: enqueue execution or QA, loops, triggers, completion, auto-advance.

export interface EnqueueExecutionOptions {
  event: EventType;
  message: string;
  metadata?: JsonObject;
  retries?: number;
  summary?: string | null;
  trace?: Trace;
}

export interface Enqueued {
  run: ProtocolRun;
  step: StepRun;
  job: QueueJob;
}

/** `runtime_state` key naming the `execute_step_job` the step's current attempt belongs to. */
export const EXEC_JOB_KEY = 'exec_job_id';

/**
 * Step → running, run → running, `execute_step_job` enqueued and the event written, in `tx`. The job
 * is recorded on the step (`runtime_state.exec_job_id`): only that job executes this attempt.
 */
export async function enqueueExecution(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  step: StepRun,
  options: EnqueueExecutionOptions,
): Promise<Enqueued> {
  const patch = {
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.summary !== undefined ? { summary: options.summary } : {}),
  };
  await moveStep(tx, step, 'running', patch);
  const updatedRun = await ensureRunRunning(tx, run);
  const job = await ctx.enqueue(tx, 'execute_step_job', stepJobPayload(run, step), options.trace);
  const owned = await tx.stepRuns.mergeRuntimeState(step.id, { [EXEC_JOB_KEY]: job.run_id });
  await ctx.record(
    tx,
    {
      type: options.event,
      message: options.message,
      run: updatedRun,
      step: owned,
      metadata: { job_id: job.run_id, ...(options.metadata ?? {}) },
    },
    options.trace,
  );
  return { run: updatedRun, step: owned, job };
}

/** Step → needs_qa (unless it is), `run_quality_job` enqueued and `qa_enqueued` written, in `tx`. */
export async function enqueueQa(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  step: StepRun,
  options: { source: string; summary?: string; metadata?: JsonObject; trace?: Trace },
): Promise<{ step: StepRun; job: QueueJob }> {
  const waiting = await moveStep(
    tx,
    step,
    'needs_qa',
    options.summary !== undefined ? { summary: options.summary } : {},
  );
  const job = await enqueueWithEvent(
    ctx,
    tx,
    { type: 'run_quality_job', payload: stepJobPayload(run, step) },
    {
      type: 'qa_enqueued',
      message: `QA enqueued (${options.source}).`,
      run,
      step: waiting,
      metadata: { source: options.source, ...(options.metadata ?? {}) },
    },
    options.trace,
  );
  return { step: waiting, job };
}

async function recordPolicyEvents(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  events: readonly PolicyEventDraft[],
  trace?: Trace,
): Promise<void> {
  for (const event of events) {
    await ctx.record(
      tx,
      {
        type: event.event_type,
        message: event.message,
        run,
        step: { id: event.step_run_id },
        metadata: event.metadata,
      },
      trace,
    );
  }
}

/** Run → blocked when it is active (a paused run stays paused; terminal runs stay terminal). */
export async function blockRun(tx: StorageTx, run: ProtocolRun): Promise<ProtocolRun> {
  if (!['pending', 'planning', 'planned', 'running'].includes(run.status)) return run;
  return tx.protocolRuns.transition(run.id, { from: run.status, to: 'blocked' });
}

/** Run → completed with `protocol_completed`; the branch is pushed and the worktree removed after commit. */
export async function completeRun(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  trace?: Trace,
  message = 'All steps completed; protocol closed.',
): Promise<ProtocolRun> {
  const completed = await tx.protocolRuns.transition(run.id, { from: run.status, to: 'completed' });
  await ctx.record(tx, { type: 'protocol_completed', message, run: completed }, trace);
  const project = await tx.projects.get(run.project_id);
  finalizeRunAfterCommit(ctx, tx, project, completed, { push: true, commitLeftovers: true });
  return completed;
}

export interface FollowResult {
  run: ProtocolRun;
  /** The job the decision enqueued (trigger target, loop target, next step), if any. */
  job: QueueJob | null;
}

async function applyTrigger(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  source: StepRun,
  reason: PolicyReason,
  trace?: Trace,
): Promise<FollowResult & { applied: boolean; unchanged?: readonly StepRun[] }> {
  const steps = await tx.stepRuns.listByRun(run.id);
  const outcome = decideTrigger(source, steps, reason);
  await applyStepChanges(tx, outcome.changes);
  await recordPolicyEvents(ctx, tx, run, outcome.events, trace);
  const decision = outcome.decision;
  if (!decision) {
    // Nothing written: the run and the steps read above are still what the transaction holds.
    const untouched = outcome.changes.length === 0 && outcome.events.length === 0;
    return { run, job: null, applied: false, ...(untouched ? { unchanged: steps } : {}) };
  }
  const target = await tx.stepRuns.get(decision.target_step_run_id);
  const meta = { target_step_id: target.id, source: reason, inline_depth: decision.depth };
  if (run.status !== 'running') {
    await ctx.record(
      tx,
      {
        type: 'trigger_pending',
        message: `Trigger target ${target.step_name} left pending: the protocol is ${run.status}.`,
        run,
        step: source,
        metadata: meta,
      },
      trace,
    );
    return { run, job: null, applied: true };
  }
  const enqueued = await enqueueExecution(ctx, tx, run, target, {
    event: 'trigger_enqueued',
    message: `Triggered step ${target.step_name} enqueued.`,
    metadata: meta,
    trace,
  });
  return { run: enqueued.run, job: enqueued.job, applied: true };
}

/** The first failed or blocked step by index: what keeps a run blocked. */
export function blockingStep(steps: readonly StepRun[]): StepRun | null {
  return (
    [...steps]
      .sort((a, b) => a.step_index - b.step_index || a.id - b.id)
      .find((s) => s.status === 'failed' || s.status === 'blocked') ?? null
  );
}

/**
 * A blocked run none of whose steps is failed or blocked any more (a person approved, re-ran or
 * passed the step that blocked it) → running (`unblocked`). Otherwise the run as it is.
 */
export async function unblockIfClear(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  trace?: Trace,
): Promise<ProtocolRun> {
  if (run.status !== 'blocked') return run;
  const steps = await tx.stepRuns.listByRun(run.id);
  if (steps.length === 0 || blockingStep(steps)) return run;
  const running = await tx.protocolRuns.transition(run.id, { from: 'blocked', to: 'running' });
  await ctx.record(
    tx,
    { type: 'unblocked', message: 'No step is failed or blocked any more; protocol running again.', run: running },
    trace,
  );
  return running;
}

/**
 * Completion when every step is done; otherwise auto-advance to the next pending step. A blocked
 * run is unblocked first when nothing blocks it any more (so approving the last failed step closes it).
 */
export async function completeOrAdvance(
  ctx: OrchestratorContext,
  tx: StorageTx,
  runId: number,
  trace?: Trace,
  known?: { run: ProtocolRun; steps: readonly StepRun[] },
): Promise<FollowResult> {
  const run = await unblockIfClear(ctx, tx, known?.run ?? (await tx.protocolRuns.get(runId)), trace);
  // Only an active run closes or advances: paused waits for resume, blocked for a person.
  if (run.status !== 'running' && run.status !== 'planned') return { run, job: null };
  // Unblocking moves the run only: steps read earlier in this transaction still hold.
  const steps = known?.steps ?? (await tx.stepRuns.listByRun(run.id));
  if (isProtocolComplete(run, steps)) return { run: await completeRun(ctx, tx, run, trace), job: null };
  if (!run.auto_advance || run.status !== 'running') return { run, job: null };
  const next = nextPendingStep(steps);
  if (!next) return { run, job: null };
  const enqueued = await enqueueExecution(ctx, tx, run, next, {
    event: 'step_enqueued',
    message: `Auto-advance: step ${next.step_name} enqueued.`,
    metadata: { source: 'auto_advance' },
    trace,
  });
  return { run: enqueued.run, job: enqueued.job };
}

/**
 * What follows a step that reached `completed`: trigger policies (when a reason is given), then
 * completion of the run, else auto-advance. A trigger that enqueued its target replaces auto-advance.
 */
export async function followCompletedStep(
  ctx: OrchestratorContext,
  tx: StorageTx,
  runId: number,
  source: StepRun,
  reason: PolicyReason | null,
  trace?: Trace,
): Promise<FollowResult> {
  if (reason) {
    const run = await tx.protocolRuns.get(runId);
    const triggered = await applyTrigger(ctx, tx, run, source, reason, trace);
    if (triggered.job) return { run: triggered.run, job: triggered.job };
    // No trigger wrote anything: the run and its steps are not read a second time.
    if (triggered.unchanged) return completeOrAdvance(ctx, tx, runId, trace, { run, steps: triggered.unchanged });
  }
  return completeOrAdvance(ctx, tx, runId, trace);
}

/**
 * What follows a step that reached `failed`: the first eligible loop policy (its target is
 * enqueued when the run is running), else trigger policies on an execution failure, else the run
 * is blocked. A loop decision is never overridden (the original's defect 11).
 */
export async function followFailedStep(
  ctx: OrchestratorContext,
  tx: StorageTx,
  runId: number,
  source: StepRun,
  reason: 'exec_failed' | 'qa_failed',
  trace?: Trace,
): Promise<FollowResult & { decision: 'loop' | 'trigger' | 'blocked' | 'none' }> {
  let run = await tx.protocolRuns.get(runId);
  const steps = await tx.stepRuns.listByRun(run.id);
  const loop = decideLoop(source, steps, reason);
  await applyStepChanges(tx, loop.changes);
  await recordPolicyEvents(ctx, tx, run, loop.events, trace);
  if (loop.decision) {
    if (run.status !== 'running') return { run, job: null, decision: 'loop' };
    const target = await tx.stepRuns.get(loop.decision.target_step_run_id);
    const enqueued = await enqueueExecution(ctx, tx, run, target, {
      event: 'step_enqueued',
      message: `Loop: step ${target.step_name} enqueued.`,
      metadata: { source: 'loop_decision', reason },
      trace,
    });
    return { run: enqueued.run, job: enqueued.job, decision: 'loop' };
  }
  if (reason === 'exec_failed') {
    const current = await tx.stepRuns.get(source.id);
    const triggered = await applyTrigger(ctx, tx, run, current, reason, trace);
    if (triggered.applied) return { run: triggered.run, job: triggered.job, decision: 'trigger' };
  }
  run = await blockRun(tx, run);
  return { run, job: null, decision: run.status === 'blocked' ? 'blocked' : 'none' };
}
