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
