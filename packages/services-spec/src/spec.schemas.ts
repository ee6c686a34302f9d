import { z } from 'zod';

/** QA policies a step may declare. `null` (kept for the original's specs) means the default, `full`. */
export const QA_POLICIES = ['skip', 'light', 'full'] as const;
export type QaPolicy = (typeof QA_POLICIES)[number];

export const STEP_TYPES = ['setup', 'work', 'qa'] as const;
export type SpecStepType = (typeof STEP_TYPES)[number];

/** Keys of `protocol_runs.template_config` that hold the spec and its validation result. */
export const PROTOCOL_SPEC_KEY = 'protocol_spec';
export const SPEC_META_KEY = 'spec_meta';

/**
 * The spec's zod schemas, built on the first call (then kept): some 130 zod schemas that every process
 * importing services-spec built at start, the worker's idle ones included (issue 12).
 */
function buildSpecSchemas() {
  const looseRecord = z.record(z.string(), z.unknown());

  const QaSpecSchema = z.looseObject({
    policy: z.enum(QA_POLICIES).nullable(),
    /** Path of a QA prompt file (relative to the protocol root, then the workspace). */
    prompt: z.string().min(1).nullable().optional(),
    model: z.string().nullable().optional(),
    engine_id: z.string().nullable().optional(),
    inputs: looseRecord.nullable().optional(),
  });

  /** Declared outputs: the protocol output and named auxiliary outputs; nothing else. */
  const StepOutputsSchema = z.strictObject({
    protocol: z.string().min(1).optional(),
    aux: z.record(z.string(), z.string().min(1)).optional(),
  });

  /**
   * A loop or trigger policy (reference §11). Extra keys are kept; the typed ones are those the
   * policy runtime reads.
   */
  const StepPolicySchema = z.looseObject({
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

  const nonBlank = z.string().refine((value) => value.trim().length > 0, { message: 'must not be blank' });

  /** One step. Required as in the original's Draft-07 schema: id, engine_id (may be null), prompt_ref, qa. */
  const StepSpecSchema = z.looseObject({
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

  const ProtocolSpecSchema = z.looseObject({
    steps: z.array(StepSpecSchema).min(1),
    version: z.string().optional(),
    placeholders: looseRecord.optional(),
    template: looseRecord.nullable().optional(),
    metadata: looseRecord.nullable().optional(),
  });

  /** The planning agent's answer (the original's `schemas/protocol-planning.schema.json`). */
  const PlanningOutputSchema = z.strictObject({
    plan_md: z.string(),
    context_md: z.string(),
    log_md: z.string(),
    step_files: z.array(z.strictObject({ filename: z.string().min(1), content: z.string() })),
  });
  return {
    QaSpecSchema,
    StepOutputsSchema,
    StepPolicySchema,
    StepSpecSchema,
    ProtocolSpecSchema,
    PlanningOutputSchema,
  };
}

type SpecSchemas = ReturnType<typeof buildSpecSchemas>;
let built: SpecSchemas | undefined;

/** The spec format's zod schemas (original field names, reference §5.2), built once on first use. */
export function specSchemas(): SpecSchemas {
  return (built ??= buildSpecSchemas());
}

/** The schema of a whole protocol spec (`specSchemas().ProtocolSpecSchema`). */
export const protocolSpecSchema = (): SpecSchemas['ProtocolSpecSchema'] => specSchemas().ProtocolSpecSchema;

export type QaSpec = z.infer<SpecSchemas['QaSpecSchema']>;
export type StepOutputs = z.infer<SpecSchemas['StepOutputsSchema']>;
export type StepPolicy = z.infer<SpecSchemas['StepPolicySchema']>;
export type StepSpec = z.infer<SpecSchemas['StepSpecSchema']>;
export type ProtocolSpec = z.infer<SpecSchemas['ProtocolSpecSchema']>;
export type PlanningOutput = z.infer<SpecSchemas['PlanningOutputSchema']>;

/** `template_config.spec_meta`. */
export interface SpecMeta {
  status: 'valid' | 'invalid' | 'missing';
  errors: string[];
  validated_at: string;
}
