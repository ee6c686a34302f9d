import { z } from 'zod';

/** QA policies a step may declare. `null` (kept for the original's specs) means the default, `full`. */
export const QA_POLICIES = ['skip', 'light', 'full'] as const;
export type QaPolicy = (typeof QA_POLICIES)[number];

export const STEP_TYPES = ['setup', 'work', 'qa'] as const;
export type SpecStepType = (typeof STEP_TYPES)[number];

/** Keys of `protocol_runs.template_config` that hold the spec and its validation result. */
export const PROTOCOL_SPEC_KEY = 'protocol_spec';
export const SPEC_META_KEY = 'spec_meta';

const looseRecord = z.record(z.string(), z.unknown());

export const QaSpecSchema = z.looseObject({
  policy: z.enum(QA_POLICIES).nullable(),
  /** Path of a QA prompt file (relative to the protocol root, then the workspace). */
  prompt: z.string().min(1).nullable().optional(),
  model: z.string().nullable().optional(),
  engine_id: z.string().nullable().optional(),
  inputs: looseRecord.nullable().optional(),
});
export type QaSpec = z.infer<typeof QaSpecSchema>;

/** Declared outputs: the protocol output and named auxiliary outputs; nothing else. */
export const StepOutputsSchema = z.strictObject({
  protocol: z.string().min(1).optional(),
  aux: z.record(z.string(), z.string().min(1)).optional(),
});
export type StepOutputs = z.infer<typeof StepOutputsSchema>;

/**
 * A loop or trigger policy (reference §11). Extra keys are kept; the typed ones are those the
 * policy runtime reads.
 */
export const StepPolicySchema = z.looseObject({
  module_id: z.string().optional(),
  id: z.string().optional(),
  behavior: z.string().optional(),
  action: z.unknown().optional(),
  max_iterations: z.number().nullable().optional(),
  step_back: z.number().nullable().optional(),
  skip_steps: z.array(z.number()).nullable().optional(),
  trigger_agent_id: z.string().nullable().optional(),
  target_agent_id: z.string().nullable().optional(),
  condition: z.unknown().optional(),
  conditions: z.unknown().optional(),
});
export type StepPolicy = z.infer<typeof StepPolicySchema>;

const nonBlank = z.string().refine((value) => value.trim().length > 0, { message: 'must not be blank' });

/** One step. Required as in the original's Draft-07 schema: id, engine_id (may be null), prompt_ref, qa. */
export const StepSpecSchema = z.looseObject({
  id: z.string().min(1),
  /** The StepRun name; lookups use `name`, falling back to `id`. */
  name: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  engine_id: z.string().min(1).nullable(),
  model: z.string().nullable().optional(),
  prompt_ref: z.string().min(1),
  inputs: looseRecord.nullable().optional(),
  outputs: StepOutputsSchema.optional(),
  step_type: z.enum(STEP_TYPES).optional(),
  policies: z.array(StepPolicySchema).optional(),
  qa: QaSpecSchema,
  order: z.number().int().nonnegative().optional(),
  metadata: looseRecord.nullable().optional(),
  /** QA check commands the orchestrator runs itself (in the workspace), combined with the verdict. */
  checks: z.array(nonBlank).optional(),
  /** Names (or ids) of steps that must be completed first. */
  depends_on: z.array(z.string().min(1)).optional(),
});
export type StepSpec = z.infer<typeof StepSpecSchema>;

export const ProtocolSpecSchema = z.looseObject({
  steps: z.array(StepSpecSchema).min(1),
  version: z.string().optional(),
  placeholders: looseRecord.optional(),
  template: looseRecord.nullable().optional(),
  metadata: looseRecord.nullable().optional(),
});
export type ProtocolSpec = z.infer<typeof ProtocolSpecSchema>;

/** The planning agent's answer (the original's `schemas/protocol-planning.schema.json`). */
export const PlanningOutputSchema = z.strictObject({
  plan_md: z.string(),
  context_md: z.string(),
  log_md: z.string(),
  step_files: z.array(z.strictObject({ filename: z.string().min(1), content: z.string() })),
});
export type PlanningOutput = z.infer<typeof PlanningOutputSchema>;

/** `template_config.spec_meta`. */
export interface SpecMeta {
  status: 'valid' | 'invalid' | 'missing';
  errors: string[];
  validated_at: string;
}
