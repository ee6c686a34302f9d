import type { JsonValue } from '@tasksgodzilla/core';
import type { ProtocolSpec } from './spec.schemas.js';
import { inferStepType } from './step-files.js';
import { stepNameOf } from './spec.validation.js';

/** A StepRun to create, without `protocol_run_id` (the caller fills it in and persists). */
export interface StepRunDraft {
  step_index: number;
  step_name: string;
  step_type: string;
  status: 'pending';
  model: string | null;
  engine_id: string | null;
  /** The step's policies, copied once: the policy runtime reads StepRun.policy. */
  policy: JsonValue;
  summary: string | null;
}

/**
 * StepRuns for a spec, as the original's `create_steps_from_spec`: name = `name` → `id` →
 * `NN-step`; step_type = the spec's or inferred; status pending; policy = the step's policies;
 * summary = description. `step_index` is the step's `order` (array position when absent). Names in
 * `existingNames` are skipped, so calling it again after a re-plan only adds new steps.
 */
export function stepRunsFromSpec(
  spec: ProtocolSpec,
  options: { existingNames?: Iterable<string> } = {},
): StepRunDraft[] {
  const existing = new Set(options.existingNames ?? []);
  const drafts: StepRunDraft[] = [];
  spec.steps.forEach((step, index) => {
    const name = stepNameOf(step, index);
    if (existing.has(name)) return;
    existing.add(name);
    drafts.push({
      step_index: typeof step.order === 'number' ? step.order : index,
      step_name: name,
      step_type: step.step_type ?? inferStepType(name),
      status: 'pending',
      model: step.model ?? null,
      engine_id: step.engine_id ?? null,
      policy: JSON.parse(JSON.stringify(step.policies ?? [])) as JsonValue,
      summary: step.description ?? null,
    });
  });
  return drafts;
}
