import type { JsonObject, JsonValue } from '@tasksgodzilla/core';

/**
 * Reads a final message as JSON: the whole text, or the body of a single ```json fence. Returns
 * null when it is not JSON (the caller validates the shape against its schema).
 */
export function parseStructuredOutput(text: string | null): JsonValue | null {
  if (text === null) return null;
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n```$/i.exec(trimmed);
  const body = fenced?.[1] ?? trimmed;
  if (body === '') return null;
  try {
    return JSON.parse(body) as JsonValue;
  } catch {
    return null;
  }
}

/** The instruction appended to a prompt for engines without native schema support. */
export function schemaInstruction(schema: JsonObject): string {
  return [
    '',
    '---',
    'Answer with a single JSON value only (no prose, no code fences) that validates against this JSON Schema:',
    JSON.stringify(schema, null, 2),
  ].join('\n');
}
