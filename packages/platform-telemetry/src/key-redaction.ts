import { stdSerializers } from 'pino';

/** Keys whose values never reach a log line, at the top level and nested (objects and arrays). */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apiKey',
  'secret',
  'secrets',
  'client_secret',
  'webhook_secret',
  'authorization',
  'Authorization',
  'password',
  'cookie',
];

export const REDACTED = '[REDACTED]';

/** How many objects deep a secret-like key is still found (a deeper one, or a cycle, stops the walk). */
export const REDACT_MAX_DEPTH = 8;

const ERROR_KEYS = ['err', 'error'] as const;

type Fields = Record<string, unknown>;

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

// Arrays and objects that JSON writes as their own keys are walked; anything with a toJSON (Date,
// Buffer, …) is written by that method and left alone.
function redactValue(value: unknown, keys: ReadonlySet<string>, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > REDACT_MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      const next = redactValue(item, keys, depth + 1);
      if (next !== item) {
        copy ??= value.slice();
        copy[index] = next;
      }
    }
    return copy ?? value;
  }
  if (hasToJson(value)) return value;
  return redactFields(value as Fields, keys, depth);
}

function redactFields(fields: Fields, keys: ReadonlySet<string>, depth: number): Fields {
  let copy: Fields | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const next = keys.has(key) ? (value === undefined ? value : REDACTED) : redactValue(value, keys, depth + 1);
    if (next !== value) {
      copy ??= { ...fields };
      copy[key] = next;
    }
  }
  return copy ?? fields;
}

/**
 * The fields of a log line with every value under a key of `keys` replaced by `[REDACTED]`, at the
 * top level and down to REDACT_MAX_DEPTH objects deep (through arrays too). `err` and `error` are
 * serialized first (pino's error serializer: type, message, stack, own fields), so an error's own
 * secret-like fields are redacted as well. Copy-on-write: the caller's objects are never changed,
 * and a line without secrets costs one pass over its keys and no copy.
 */
export function redactLogFields(fields: Fields, keys: ReadonlySet<string>): Fields {
  let input = fields;
  for (const key of ERROR_KEYS) {
    const value = input[key];
    if (value instanceof Error) {
      if (input === fields) input = { ...fields };
      input[key] = stdSerializers.err(value);
    }
  }
  return redactFields(input, keys, 0);
}
