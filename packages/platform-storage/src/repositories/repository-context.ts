import type { Clock } from '@tasksgodzilla/core';
import type { Executor, SqlDialect } from '../database.types.js';

/** What every repository is bound to: one executor (the db or an open transaction), its dialect and the clock. */
export interface RepositoryContext {
  db: Executor;
  dialect: SqlDialect;
  clock: Clock;
}

/** Current time as stored: ISO-8601 UTC with milliseconds. */
export function nowIso(ctx: RepositoryContext): string {
  return ctx.clock.now().toISOString();
}

/**
 * Runs `fn` in one transaction: the executor's own when it already is one, else a new one. On SQLite
 * a new transaction is BEGIN IMMEDIATE (see database.ts), so a read-modify-write holds the write lock.
 */
export async function inTransaction<T>(ctx: RepositoryContext, fn: (db: Executor) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx.db);
  return ctx.db.transaction().execute((trx) => fn(trx));
}

// Ids are int4 on PostgreSQL; anything outside that range cannot exist and must not reach the driver.
export const MAX_ROW_ID = 2_147_483_647;

export function isRowId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}

/** False when a filter names an id that cannot exist: the list is then empty (PostgreSQL would reject an int4 overflow). */
export function idFiltersValid(ids: (number | undefined)[]): boolean {
  return ids.every((id) => id === undefined || isRowId(id));
}

/** A repository's `get`: what `find` finds, or the entity's NotFoundError. */
export function requireFound<K, T>(
  find: (key: K) => Promise<T | null>,
  notFound: (key: K) => Error,
): (key: K) => Promise<T> {
  return async (key) => {
    const found = await find(key);
    if (found === null) throw notFound(key);
    return found;
  };
}
