import { z } from 'zod';
import type { JsonObject } from '@tasksgodzilla/core';
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
export function createProtocolInputSchema(engines: KnownEngines) {
  return z.looseObject({
    description: optionalText,
    template: optionalText.refine((value) => value === undefined || value === null || value.trim() !== '', {
      error: 'must not be blank',
    }),
    engine_id: optionalText.refine((value) => !value || engines.has(value), {
      error: () => `unknown engine (registered: ${engines.ids().join(', ')})`,
    }),
    template_config: optionalObject.superRefine((value, ctx) => {
      for (const issue of feedbackSettingIssues(value))
        ctx.addIssue({ code: 'custom', path: issue.path.slice(1), message: issue.message });
    }),
    template_source: optionalObject,
    auto_advance: z.boolean({ error: 'must be a boolean' }).optional(),
  });
}
