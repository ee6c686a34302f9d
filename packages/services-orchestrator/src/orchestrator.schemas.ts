import { z } from 'zod';
import type { JsonObject, JsonValue } from '@tasksgodzilla/core';
import { feedbackSettingIssues } from './lifecycle/feedback-settings.js';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalText = z.string({ error: 'must be a string' }).nullish();
const optionalObject = z.custom<JsonObject>(isObject, 'must be an object').nullish();

/** Which engine ids a run may name (the orchestrator's engine registry). */
export interface KnownEngines {
  has(id: string): boolean;
  ids(): string[];
}

/**
 * The fields of `createProtocolRun`'s input beside `protocol_name` and `base_branch`, which are
 * checked as git branch names. Issue messages are what api clients see in `detail[].msg`.
 */
function knownEngineId(engines: KnownEngines) {
  return optionalText.refine((value) => !value || engines.has(value), {
    error: () => `unknown engine (registered: ${engines.ids().join(', ')})`,
  });
}

export function createProtocolInputSchema(engines: KnownEngines) {
  return z.looseObject({
    description: optionalText,
    template: optionalText.refine((value) => value === undefined || value === null || value.trim() !== '', {
      error: 'must not be blank',
    }),
    engine_id: knownEngineId(engines),
    template_config: optionalObject.superRefine((value, ctx) => {
      for (const issue of feedbackSettingIssues(value))
        ctx.addIssue({ code: 'custom', path: issue.path.slice(1), message: issue.message });
    }),
    template_source: optionalObject,
    auto_advance: z.boolean({ error: 'must be a boolean' }).optional(),
  });
}

/** `startDiscovery`'s input: the engine to run instead of the project's / configured default one. */
export function createDiscoveryInputSchema(engines: KnownEngines) {
  return z.looseObject({ engine_id: knownEngineId(engines) });
}

const NON_EMPTY = 'must be a non-empty string';
const nonEmptyText = z.string({ error: NON_EMPTY }).refine((value) => value.trim() !== '', { error: NON_EMPTY });
const STEP_INDEX = 'must be an integer ≥ 0';

/**
 * `createStep`'s input. A step starts `pending`: any other `status` is refused, statuses being the
 * orchestrator's. Issues come in field order (the message lists them).
 */
export function createStepInputSchema(engines: KnownEngines) {
  return z.looseObject({
    step_index: z
      .number({ error: STEP_INDEX })
      .refine((value) => Number.isInteger(value) && value >= 0, { error: STEP_INDEX }),
    step_name: nonEmptyText,
    step_type: nonEmptyText,
    status: z
      .literal('pending', { error: 'must be pending (or left out): only the orchestrator moves a step on' })
      .nullish(),
    model: optionalText,
    summary: optionalText,
    engine_id: knownEngineId(engines),
    policy: z
      .custom<JsonValue>(
        (value) => isObject(value) || (Array.isArray(value) && value.every((item) => isObject(item))),
        'must be an object or a list of objects',
      )
      .nullish(),
  });
}
