import type { JsonValue } from '@tasksgodzilla/core';

/** A JSON object read from an engine stream; fields are read through the helpers below. */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one stdout line; null unless it is a JSON object. */
export function parseJsonRecord(line: string): JsonRecord | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

export function recordField(value: unknown, key: string): JsonRecord | null {
  if (!isRecord(value)) return null;
  const field = value[key];
  return isRecord(field) ? field : null;
}

export function stringField(value: unknown, key: string): string | null {
  if (!isRecord(value)) return null;
  const field = value[key];
  return typeof field === 'string' ? field : null;
}

export function numberField(value: unknown, key: string): number | null {
  if (!isRecord(value)) return null;
  const field = value[key];
  return typeof field === 'number' && Number.isFinite(field) ? field : null;
}

export function booleanField(value: unknown, key: string): boolean | null {
  if (!isRecord(value)) return null;
  const field = value[key];
  return typeof field === 'boolean' ? field : null;
}

export function arrayField(value: unknown, key: string): unknown[] {
  if (!isRecord(value)) return [];
  const field = value[key];
  return Array.isArray(field) ? field : [];
}

/** A value from a parsed JSON line, typed as JSON (it came from JSON.parse). */
export function asJson(value: unknown): JsonValue | null {
  return value === undefined ? null : (value as JsonValue);
}

/** Tool outputs can be strings or structured; events carry them as text. */
export function asText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const texts = value.map((part) => stringField(part, 'text')).filter((t): t is string => t !== null);
    if (texts.length === value.length && texts.length > 0) return texts.join('\n');
  }
  return JSON.stringify(value);
}
