import { ValidationError, type StepRun } from '@tasksgodzilla/core';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CallOptions, CreateStepInput } from '../orchestrator.types.js';
import { createStepInputSchema } from '../orchestrator.schemas.js';
import { assertRunNotTerminal, getRun } from './run-state.js';

/**
 * Adds a step to a run by hand. It starts `pending`: only the orchestrator moves statuses, so a
 * `status` other than `pending` is refused (422), and so is a run that has ended (409).
 */
export async function createStep(
  ctx: OrchestratorContext,
  runId: number,
  input: CreateStepInput,
  options: CallOptions = {},
): Promise<StepRun> {
  const parsed = createStepInputSchema(ctx.deps.engines).safeParse(input ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, [], { title: 'Invalid step' });
  const { model, summary, engine_id: engineId, policy } = parsed.data;
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await getRun(tx, runId);
    assertRunNotTerminal(run);
    const step = await tx.stepRuns.create({
      protocol_run_id: run.id,
      step_index: parsed.data.step_index,
      step_name: parsed.data.step_name.trim(),
      step_type: parsed.data.step_type.trim(),
      status: 'pending',
      model: model ?? null,
      summary: summary ?? null,
      engine_id: engineId ?? null,
      policy: policy ?? null,
    });
    await ctx.record(tx, { type: 'step_created', message: `Step ${step.step_name} added.`, run, step }, trace);
    return step;
  });
}
