import type { JsonObject } from './domain.js';

/** Hides credentials embedded in URLs anywhere in a text (`https://user:token@host/…` → `https://***@host/…`). */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

/** What a redacted secret value is replaced with. */
export const REDACTED_VALUE = '[REDACTED]';

// Shorter values would redact ordinary words and numbers; real tokens and passwords are longer.
const MIN_SECRET_LENGTH = 6;

/** Replaces every known secret value in a text; the identity when there is nothing to redact. */
export type Redactor = (text: string) => string;

/** Every string value (at any depth) of a project's `secrets` object. */
export function jsonSecretValues(secrets: JsonObject | null | undefined): string[] {
  const values: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(secrets);
  return values;
}

/**
 * The secret values of a project: every string value of its `secrets` except the
 * `env_passthrough` list, which holds variable names, not values.
 */
export function projectSecretValues(secrets: JsonObject | null | undefined): string[] {
  const { env_passthrough: _names, ...values } = secrets ?? {};
  return jsonSecretValues(values);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A redactor for these values (blank and very short values are ignored). Longer values are matched
 * first, so a URL that contains a password is replaced whole.
 */
export function createRedactor(values: Iterable<string | null | undefined>): Redactor {
  const unique = [
    ...new Set(
      [...values].filter(
        (value): value is string => typeof value === 'string' && value.trim().length >= MIN_SECRET_LENGTH,
      ),
    ),
  ];
  if (unique.length === 0) return (text) => text;
  unique.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(unique.map(escapeRegExp).join('|'), 'g');
  return (text) => (typeof text === 'string' && text.length > 0 ? text.replace(pattern, REDACTED_VALUE) : text);
}
