import {
  ANSWER_MAX_CHARS,
  ConflictError,
  NotFoundError,
  ValidationError,
  type ProtocolRun,
  type StepRun,
} from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CallOptions, StepActionResult } from '../orchestrator.types.js';
import { latestRetryableStep, nextRunnableStep } from '../policies.js';
import { assertRunNotTerminal, getRun, getStep, moveStep, stepInFlight } from './run-state.js';
import { reconcileRun } from './reconcile.js';
import { ANSWERED_KEY, QUESTION_KEY, openQuestion } from './questions.js';
import { moveStepRecorded } from './step-events.js';
import { enqueueExecution, enqueueQa, followCompletedStep, type EnqueueExecutionOptions } from './step-flow.js';

type Enqueued = StepActionResult & { job: QueueJob };

/** Steps can be started while the run is planned, running or blocked; never paused, planning or ended. */
function assertRunAcceptsSteps(run: ProtocolRun): void {
  if (run.status === 'paused')
    throw new ConflictError('Protocol is paused; resume it first', {
      code: 'protocol_paused',
      details: { status: run.status },
    });
  if (run.status === 'pending' || run.status === 'planning') {
    throw new ConflictError('Protocol is not planned yet', {
      code: 'protocol_not_planned',
      details: { status: run.status },
    });
  }
  assertRunNotTerminal(run);
}

/** QA and approval need a step that is neither ended nor running, of a run that has not ended. */
function assertStepReviewable(step: StepRun, run: ProtocolRun): void {
  if (step.status === 'completed' || step.status === 'cancelled') {
    throw new ConflictError('Step already completed or cancelled', {
      code: 'step_status_conflict',
      details: { status: step.status },
    });
  }
  if (step.status === 'running')
    throw new ConflictError('Step is running; wait for it to finish', {
      code: 'step_running',
      details: { status: step.status },
    });
  assertRunNotTerminal(run);
}

const IN_FLIGHT_WHAT: Record<string, string> = {
  running: 'is running',
  needs_qa: 'is waiting for QA',
  needs_input: 'is waiting for an answer to its question',
};

/** One step at a time per worktree: refuse while another step runs, waits for QA or for an answer. */
function assertNoStepInFlight(
  steps: readonly StepRun[],
  exceptId?: number,
  statuses: ('running' | 'needs_qa' | 'needs_input')[] = ['running', 'needs_qa', 'needs_input'],
): void {
  const busy = stepInFlight(steps, exceptId, statuses);
  if (busy) {
    const what = IN_FLIGHT_WHAT[busy.status] ?? `is ${busy.status}`;
    throw new ConflictError(`Step ${busy.step_name} ${what}`, {
      code: 'step_in_flight',
      details: { step_run_id: busy.id, status: busy.status },
    });
  }
}

/** How runNextStep and retryLatest pick their step, and the 404 when there is none. */
interface StepPick {
  pick: (steps: readonly StepRun[]) => StepRun | null | undefined;
  missing: { message: string; code: string };
  enqueue: (step: StepRun, trace: Trace) => EnqueueExecutionOptions;
}

/** Enqueues the step `how.pick` chooses of a run that accepts steps and has none in flight. */
async function enqueuePickedStep(
  ctx: OrchestratorContext,
  id: number,
  options: CallOptions,
  how: StepPick,
): Promise<Enqueued> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await reconcileRun(ctx, tx, await getRun(tx, id), trace);
    assertRunAcceptsSteps(run);
    const steps = await tx.stepRuns.listByRun(run.id);
    assertNoStepInFlight(steps);
    const step = how.pick(steps);
    if (!step)
      throw new NotFoundError(how.missing.message, {
        code: how.missing.code,
        details: { protocol_run_id: run.id },
      });
    return enqueueExecution(ctx, tx, run, step, how.enqueue(step, trace));
  });
}

/** The first pending, blocked or failed step (by index) → running, with its `execute_step_job`. */
export async function runNextStep(ctx: OrchestratorContext, id: number, options: CallOptions = {}): Promise<Enqueued> {
  return enqueuePickedStep(ctx, id, options, {
    pick: nextRunnableStep,
    missing: { message: 'No pending or failed steps to run', code: 'no_runnable_step' },
    enqueue: (step, trace) => ({
      event: 'step_enqueued',
      message: `Step ${step.step_name} enqueued for execution.`,
      trace,
    }),
  });
}

/** The last failed or blocked step (by index) → running with retries + 1. */
export async function retryLatest(ctx: OrchestratorContext, id: number, options: CallOptions = {}): Promise<Enqueued> {
  return enqueuePickedStep(ctx, id, options, {
    pick: latestRetryableStep,
    missing: { message: 'No failed or blocked steps to retry', code: 'no_retryable_step' },
    enqueue: (step, trace) => ({
      event: 'step_retry_enqueued',
      message: `Retrying ${step.step_name}.`,
      metadata: { retries: step.retries + 1 },
      retries: step.retries + 1,
      trace,
    }),
  });
}

/** The step and its run, after giving whatever waits on an ended job a way forward (reconcile.ts). */
async function loadStepAndRun(
  ctx: OrchestratorContext,
  tx: StorageTx,
  stepId: number,
  trace: Trace,
): Promise<{ step: StepRun; run: ProtocolRun }> {
  const found = await getStep(tx, stepId);
  const run = await reconcileRun(ctx, tx, await getRun(tx, found.protocol_run_id), trace);
  return { step: await getStep(tx, stepId), run };
}

/** One step (pending, blocked or failed) → running; refused while another step of the run is running. */
export async function runStep(ctx: OrchestratorContext, stepId: number, options: CallOptions = {}): Promise<Enqueued> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const { step, run } = await loadStepAndRun(ctx, tx, stepId, trace);
    if (!['pending', 'blocked', 'failed'].includes(step.status)) {
      throw new ConflictError('Step already running or completed', {
        code: 'step_status_conflict',
        details: { status: step.status },
      });
    }
    assertRunAcceptsSteps(run);
    assertNoStepInFlight(await tx.stepRuns.listByRun(run.id), step.id, ['running']);
    return enqueueExecution(ctx, tx, run, step, { event: 'step_enqueued', message: 'Step execution enqueued.', trace });
  });
}

/** A step that is not completed, cancelled or running → needs_qa, with its `run_quality_job`. */
export async function runStepQa(
  ctx: OrchestratorContext,
  stepId: number,
  options: CallOptions = {},
): Promise<Enqueued> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const { step, run } = await loadStepAndRun(ctx, tx, stepId, trace);
    assertStepReviewable(step, run);
    if (step.status === 'needs_input')
      throw new ConflictError('Step is waiting for an answer to its question; answer it first', {
        code: 'step_needs_input',
        details: { status: step.status },
      });
    const queued = await enqueueQa(ctx, tx, run, step, { source: 'api', trace });
    return { run, step: queued.step, job: queued.job };
  });
}

/**
 * Manual approval: the step → completed (`manual_approval`), then completion of the run or
 * auto-advance; a blocked run that nothing blocks any more is unblocked (or completed). Approving a
 * completed step changes nothing; cancelled and running steps, and steps of ended runs, are refused.
 */
export async function approveStep(
  ctx: OrchestratorContext,
  stepId: number,
  options: CallOptions = {},
): Promise<StepActionResult> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const { step, run } = await loadStepAndRun(ctx, tx, stepId, trace);
    if (step.status === 'completed') return { run, step, job: null };
    assertStepReviewable(step, run);
    const completed = await moveStep(tx, step, 'completed', { summary: 'Approved manually' });
    await ctx.record(
      tx,
      { type: 'manual_approval', message: 'Step marked as completed manually.', run, step: completed },
      trace,
    );
    const follow = await followCompletedStep(ctx, tx, run.id, completed, null, trace);
    return { run: follow.run, step: completed, job: follow.job };
  });
}

/**
 * A person's answer to the question of a `needs_input` step: `step_input_answered` (question and
 * answer, which the next attempt's feedback section carries), the step → pending, and, when the run
 * accepts steps (planned, running, blocked) and no other step is running, straight on to running
 * with its `execute_step_job`. A paused run keeps the step pending until it is resumed.
 */
export async function answerStep(
  ctx: OrchestratorContext,
  stepId: number,
  answer: string,
  options: CallOptions = {},
): Promise<StepActionResult> {
  const text = typeof answer === 'string' ? answer.trim() : '';
  if (text === '' || text.length > ANSWER_MAX_CHARS) {
    const message = text === '' ? 'must not be empty' : `must be at most ${ANSWER_MAX_CHARS} characters`;
    throw new ValidationError(`answer ${message}`, [{ path: ['answer'], message }]);
  }
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const { step, run } = await loadStepAndRun(ctx, tx, stepId, trace);
    if (step.status !== 'needs_input') {
      throw new ConflictError('Step is not waiting for an answer', {
        code: 'step_not_waiting_for_input',
        details: { status: step.status },
      });
    }
    assertRunNotTerminal(run);
    const question = openQuestion(step) ?? '(question not recorded)';
    const answered = await tx.stepRuns.mergeRuntimeState(step.id, {
      [QUESTION_KEY]: null,
      [ANSWERED_KEY]: { question, answer: text, answered_at: ctx.clock.now().toISOString() },
    });
    const pending = await moveStepRecorded(
      ctx,
      tx,
      run,
      answered,
      { to: 'pending', patch: { summary: 'Answered; runs again with the answer' } },
      {
        type: 'step_input_answered',
        message: `Step ${step.step_name}: question answered.`,
        metadata: { question, answer: text },
      },
      trace,
    );
    const accepts = run.status === 'planned' || run.status === 'running' || run.status === 'blocked';
    if (!accepts || stepInFlight(await tx.stepRuns.listByRun(run.id), pending.id, ['running'])) {
      return { run, step: pending, job: null };
    }
    return enqueueExecution(ctx, tx, run, pending, {
      event: 'step_enqueued',
      message: `Step ${step.step_name} enqueued with the answer.`,
      metadata: { source: 'answer' },
      trace,
    });
  });
}
