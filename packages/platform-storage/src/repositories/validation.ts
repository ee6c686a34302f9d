import { ValidationError, type JsonObject } from '@tasksgodzilla/core';
import { toJsonText } from './json.js';

// The database layer's own guard: a value of the wrong type or null in a NOT NULL column is refused
// before the write (SQLite would store it). Request shapes are validated with zod at the api and
// orchestrator entry points; these checks catch a caller's bug, naming the column.

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`Invalid ${field}: ${message}`, [{ path: [field], message }]);
}

export function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'must be a non-empty string');
  return value;
}

export function optionalText(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw invalid(field, 'must be a string or null');
  return value;
}

export function requireInteger(field: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(field, min === Number.MIN_SAFE_INTEGER ? 'must be an integer' : `must be an integer >= ${min}`);
  }
  return value;
}

export function optionalNumber(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a finite number or null');
  return value;
}

export function requireBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(field, 'must be a boolean');
  return value;
}

export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A JSON column value: must be an object (or null to clear). */
export function optionalObject(field: string, value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'must be a JSON object or null');
  return value as Record<string, unknown>;
}

/** An ISO-8601 timestamp as stored: normalized to UTC with milliseconds. */
export function optionalTimestamp(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw invalid(field, 'must be an ISO-8601 timestamp or null');
  return date.toISOString();
}

export function optionalInteger(field: string, value: unknown, min = Number.MIN_SAFE_INTEGER): number | null {
  if (value === null || value === undefined) return null;
  return requireInteger(field, value, min);
}

/** An optional JSON object column: checked like optionalObject, stored as its JSON text (null stays NULL). */
export function optionalObjectText(field: string, value: unknown): string | null {
  return toJsonText(optionalObject(field, value) as JsonObject | null);
}

/** How each patchable column is checked and stored: `(field, value) => column value`. */
export type PatchColumns<P, V> = {
  [K in keyof P & keyof V & string]?: (field: K, value: Exclude<P[K], undefined>) => V[K];
};

/**
 * The column values of a patch: keys absent or undefined are left out, the others go through their
 * converter (which names the field in its ValidationError), in the order of `columns`.
 */
export function patchColumns<P extends object, V extends object>(patch: P, columns: PatchColumns<P, V>): V {
  const values: Partial<V> = {};
  for (const field of Object.keys(columns) as (keyof P & keyof V & string)[]) {
    const convert = columns[field];
    const value = patch[field];
    if (convert && value !== undefined) values[field] = convert(field, value as Exclude<P[typeof field], undefined>);
  }
  return values as V;
}
