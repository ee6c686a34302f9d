import { randomUUID } from 'node:crypto';

/** A new random id for jobs, runs and requests. */
export function newId(): string {
  return randomUUID();
}
