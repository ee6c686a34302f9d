import { type JsonObject, type JsonValue, type ProtocolRun, type StepRun } from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { moveStepRecorded } from './step-events.js';

// A step whose agent asked a person (`NEEDS_INPUT:`, core's parseNeedsInput) waits in `needs_input`
// with the question in `runtime_state.needs_input`; the run keeps its status (a person, not a
// failure, holds it). An answer (steps.ts answerStep) puts the step back to pending and re-queues it.

/** `runtime_state` key of the open question: `{ question, attempt, asked_at, job_id }`. */
export const QUESTION_KEY = 'needs_input';
/** `runtime_state` key of the last answered question: `{ question, answer, answered_at }`. */
export const ANSWERED_KEY = 'answered';

function obj(value: JsonValue | undefined): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

/** The question a `needs_input` step waits on (null when it has none recorded). */
export function openQuestion(step: StepRun): string | null {
  const question = obj(step.runtime_state?.[QUESTION_KEY]).question;
  return typeof question === 'string' ? question : null;
}

/** A running step's agent asked a person: → needs_input with the question, `step_needs_input`, in `tx`. */
export async function recordQuestion(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  step: StepRun,
  asked: { question: string; attempt: number; patch: { engine_id: string; model: string | null } },
  metadata: JsonObject,
  trace: Trace,
): Promise<StepRun> {
  const firstLine = asked.question.split('\n')[0] ?? asked.question;
  const withQuestion = await tx.stepRuns.mergeRuntimeState(step.id, {
    [QUESTION_KEY]: {
      question: asked.question,
      attempt: asked.attempt,
      asked_at: ctx.clock.now().toISOString(),
      job_id: trace.jobId ?? null,
    },
  });
  return moveStepRecorded(
    ctx,
    tx,
    run,
    withQuestion,
    { to: 'needs_input', patch: { ...asked.patch, summary: `Waiting for an answer: ${firstLine}` } },
    {
      type: 'step_needs_input',
      message: `Step ${step.step_name} asks: ${asked.question}`,
      metadata: { ...metadata, question: asked.question, attempt: asked.attempt },
    },
    trace,
  );
}
