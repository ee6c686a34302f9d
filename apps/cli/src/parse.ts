import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';

// Argument parsers handed to commander: a bad value is a usage error (exit 2) before any api call.

/** A positive integer id (`7`). */
export function parseId(value: string): number {
  const text = value.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new InvalidArgumentError(`expected a positive integer id, got "${value}".`);
  return Number(text);
}

/** A whole number between min and max. */
export function intInRange(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const text = value.trim();
    if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
    const n = Number(text);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got ${n}.`);
    return n;
  };
}

/** A non-negative number of seconds (`1.5`). */
export function parseSeconds(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}".`);
  return n;
}

/** A JSON object (`{"planning":"gpt-5.1-high"}`). */
export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`expected a JSON object: ${(error as Error).message}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"planning":"gpt-5.1-high"}\'.');
  return parsed as Record<string, unknown>;
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${values.join(', ')}, got "${value}".`);
    return value as T;
  };
}

/** A text that must not be blank. */
export function nonBlank(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be blank.');
  return value;
}

/**
 * A path on the api host. When it names something that exists here (the usual case: the api runs on
 * this machine), it is sent as an absolute path, so `--git-url ../repo` works whatever the api's cwd.
 * URLs (`https://…`, `git@host:repo`) and paths that do not exist here are sent as given.
 */
export function hostPath(value: string): string {
  const text = value.trim();
  if (text === '') throw new InvalidArgumentError('must not be blank.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[^/\s]+@[^/\s]+:/.test(text)) return text;
  const absolute = resolve(text);
  return existsSync(absolute) ? absolute : text;
}
