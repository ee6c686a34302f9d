import type { EventType, JsonObject, JsonValue, ProtocolRun } from '@tasksgodzilla/core';
import type { EventRepository } from '@tasksgodzilla/platform-storage';
import { PROTOCOL_SPEC_KEY, SPEC_META_KEY, type SpecService } from '@tasksgodzilla/services-spec';
import type { SpecValidation } from './read-models.types.js';

/** Event written when a spec fails validation (planning, CodeMachine import); `metadata.errors` lists why. */
export const SPEC_VALIDATION_ERROR_EVENT: EventType = 'spec_validation_error';
/** Metadata key set (true) on the event that records a spec found valid. */
export const SPEC_VALIDATED_KEY = 'spec_validated';
/** Events looked at for the validation of a run that has a spec but no spec_meta. */
const VALIDATION_SCAN_LIMIT = 50;
const UNKNOWN: SpecValidation = { status: null, errors: null, validated_at: null };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The run's `protocol_spec`, when it is a non-empty object. */
export function specOf(run: Pick<ProtocolRun, 'template_config'>): JsonObject | null {
  const spec = run.template_config?.[PROTOCOL_SPEC_KEY];
  return isObject(spec) && Object.keys(spec).length > 0 ? spec : null;
}

function stringList(value: JsonValue | undefined): string[] | null {
  if (value === undefined || value === null) return null;
  const list = (Array.isArray(value) ? value : [value]).map((item) =>
    typeof item === 'string' ? item : JSON.stringify(item),
  );
  return list.length > 0 ? list : null;
}

export function specHashOf(spec: Pick<SpecService, 'hash'>, run: Pick<ProtocolRun, 'template_config'>): string | null {
  const raw = specOf(run);
  return raw ? spec.hash(raw) : null;
}

/**
 * `template_config.spec_meta` when present; else the newest event that says something about
 * validation (`spec_validation_error` → invalid, an event with `metadata.spec_validated` → valid).
 * Without a spec there is nothing to report and nothing is read.
 */
export async function specValidationOf(
  events: Pick<EventRepository, 'newestOfRun'>,
  run: Pick<ProtocolRun, 'id' | 'template_config'>,
): Promise<SpecValidation> {
  const meta = run.template_config?.[SPEC_META_KEY];
  if (isObject(meta) && Object.keys(meta).length > 0) {
    return {
      status: meta['status'] === 'valid' || meta['status'] === 'invalid' ? meta['status'] : null,
      errors: stringList(meta['errors']),
      validated_at: typeof meta['validated_at'] === 'string' ? meta['validated_at'] : null,
    };
  }
  if (!specOf(run)) return UNKNOWN;
  for (const event of await events.newestOfRun(run.id, VALIDATION_SCAN_LIMIT)) {
    if (event.event_type === SPEC_VALIDATION_ERROR_EVENT)
      return { status: 'invalid', errors: stringList(event.metadata?.['errors']), validated_at: event.created_at };
    if (event.metadata?.[SPEC_VALIDATED_KEY]) return { status: 'valid', errors: null, validated_at: event.created_at };
  }
  return UNKNOWN;
}
