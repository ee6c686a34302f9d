import { ConflictError, ValidationError, type FieldIssue, type JsonValue, type StepRun } from '@tasksgodzilla/core';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CallOptions, CreateStepInput } from '../orchestrator.types.js';
import { optionalText } from './input-validation.js';
import { getRun, isTerminalRun } from './run-state.js';

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(input?.step_index) || (input.step_index as number) < 0)
    issues.push({ path: ['step_index'], message: 'must be an integer ≥ 0' });
  if (typeof input?.step_name !== 'string' || input.step_name.trim() === '')
    issues.push({ path: ['step_name'], message: 'must be a non-empty string' });
  if (typeof input?.step_type !== 'string' || input.step_type.trim() === '')
    issues.push({ path: ['step_type'], message: 'must be a non-empty string' });
  if (input?.status !== undefined && input.status !== null && input.status !== 'pending') {
    issues.push({ path: ['status'], message: 'must be pending (or left out): only the orchestrator moves a step on' });
  }
  const model = optionalText(input?.model, 'model', issues);
  const summary = optionalText(input?.summary, 'summary', issues);
  const engineId = optionalText(input?.engine_id, 'engine_id', issues);
  if (engineId && !ctx.deps.engines.has(engineId))
    issues.push({ path: ['engine_id'], message: `unknown engine (registered: ${ctx.deps.engines.ids().join(', ')})` });
  const policy = input?.policy ?? null;
  if (policy !== null && !isJsonObject(policy) && !(Array.isArray(policy) && policy.every(isJsonObject)))
    issues.push({ path: ['policy'], message: 'must be an object or a list of objects' });
  if (issues.length > 0)
    throw new ValidationError(
      `Invalid step: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      issues,
    );
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await getRun(tx, runId);
    if (isTerminalRun(run))
      throw new ConflictError('Protocol already terminal', {
        code: 'protocol_terminal',
        details: { status: run.status },
      });
    const step = await tx.stepRuns.create({
      protocol_run_id: run.id,
      step_index: input.step_index,
      step_name: input.step_name.trim(),
      step_type: input.step_type.trim(),
      status: 'pending',
      model: model ?? null,
      summary: summary ?? null,
      engine_id: engineId ?? null,
      policy: policy as JsonValue | null,
    });
    await ctx.record(tx, { type: 'step_created', message: `Step ${step.step_name} added.`, run, step }, trace);
    return step;
  });
}
