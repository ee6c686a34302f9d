import type { JsonObject, JsonValue } from '@tasksgodzilla/core';

/** Tolerant read of a JSON text column: bad JSON reads as null, never throws. */
export function parseJson(text: string | null | undefined): JsonValue | null {
  if (text === null || text === undefined || text === '') return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Freezes a parsed JSON value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

const SHARED_TEXTS = 64;
const sharedObjects = new Map<string, JsonObject | null>();

/**
 * Like parseJsonObject, for a large column read again and again with the same text (a run's
 * `template_config`: its protocol spec is read with the run by every job, event and page of that
 * run): the same text gives the same object, parsed once and deep-frozen, so a later parse, the
 * spec's validation (services-spec `specFromTemplateConfig`) and its hash (`specHash`) are
 * remembered by that object instead of redone (issue 12). Frozen: a caller that wants to change
 * it copies it, as a change goes through the repository anyway. The 64 most recent texts are kept.
 */
export function parseSharedJsonObject(text: string | null | undefined): JsonObject | null {
  if (text === null || text === undefined || text === '') return null;
  const known = sharedObjects.get(text);
  if (known !== undefined) {
    // Most recently used last: the oldest entry is the first one dropped.
    sharedObjects.delete(text);
    sharedObjects.set(text, known);
    return known;
  }
  const value = deepFreeze(parseJsonObject(text));
  if (sharedObjects.size >= SHARED_TEXTS) sharedObjects.delete(sharedObjects.keys().next().value as string);
  sharedObjects.set(text, value);
  return value;
}

/** Like parseJson, but anything other than an object reads as null. */
export function parseJsonObject(text: string | null | undefined): JsonObject | null {
  const value = parseJson(text);
  return isJsonObject(value) ? value : null;
}

/** JSON text for a column; null and undefined are SQL NULL. */
export function toJsonText(value: JsonValue | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** Shallow merge where a key set to null removes that key. */
export function mergeJsonObject(base: JsonObject | null, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...(base ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}
