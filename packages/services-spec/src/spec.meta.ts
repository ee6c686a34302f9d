import { systemClock, toIso } from '@tasksgodzilla/core';
import type { Clock, JsonObject } from '@tasksgodzilla/core';
import { PROTOCOL_SPEC_KEY, protocolSpecSchema } from './spec.schemas.js';
import type { ProtocolSpec, QaPolicy, SpecMeta, StepSpec } from './spec.schemas.js';
import type { SpecValidationResult } from './spec.validation.js';

/** `spec_meta` for a validation result (or `missing`), stamped with the clock's time. */
export function specMeta(
  result: SpecValidationResult | { status: 'missing'; errors: string[] },
  clock: Clock = systemClock,
): SpecMeta {
  return { status: result.status, errors: [...result.errors], validated_at: toIso(clock.now()) };
}

/** The raw `protocol_spec` of a template_config, or null when absent or not an object. */
export function rawSpecOf(templateConfig: JsonObject | null | undefined): JsonObject | null {
  const value = templateConfig?.[PROTOCOL_SPEC_KEY];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
}

/** The parsed `protocol_spec` of a template_config, or null when absent or not schema-valid. */
export function specFromTemplateConfig(templateConfig: JsonObject | null | undefined): ProtocolSpec | null {
  const raw = rawSpecOf(templateConfig);
  if (!raw) return null;
  // A frozen spec (platform-storage reads a run's template_config once per text, deep-frozen) cannot
  // change: its parse is remembered, and handed out frozen too, so every job and page of the run
  // shares one (issue 12).
  const frozen = Object.isFrozen(raw);
  if (frozen) {
    const known = parsedSpecs.get(raw);
    if (known !== undefined) return known;
  }
  const parsed = protocolSpecSchema().safeParse(raw);
  const spec = parsed.success ? parsed.data : null;
  if (frozen) parsedSpecs.set(raw, deepFreeze(spec));
  return spec;
}

const parsedSpecs = new WeakMap<object, ProtocolSpec | null>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** The step entry whose `name` (or `id`) equals `stepName`, as the original's `get_step_spec`. */
export function findStepSpec(spec: ProtocolSpec | null | undefined, stepName: string): StepSpec | null {
  return (
    spec?.steps.find((step) => (step.name ?? step.id) === stepName) ??
    spec?.steps.find((step) => step.id === stepName) ??
    null
  );
}

/** A step's QA policy with the original's null/absent meaning made explicit: `full`. */
export function effectiveQaPolicy(step: Pick<StepSpec, 'qa'> | null | undefined): QaPolicy {
  return step?.qa?.policy ?? 'full';
}
