import { ValidationError, type Page, type PageRequest } from '@tasksgodzilla/core';
import { sql, type SelectQueryBuilder } from 'kysely';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Clamps a page size to 1..500 (default 50), as the original's recent-events listing. */
export function clampLimit(limit: number | undefined, fallback = DEFAULT_LIMIT): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}

/** Opaque cursor: base64url of the JSON key of the last row of a page. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<K extends Record<string, string | number>>(cursor: string, fields: (keyof K)[]): K {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const field of fields) {
      const value = parsed[field as string];
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error('missing field');
    }
    return parsed as K;
  } catch {
    throw new ValidationError('Invalid cursor', [{ path: ['cursor'], message: 'not a cursor returned by this api' }]);
  }
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells that a next page
 * exists, and the cursor is the key of the last row returned.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  keyOf: (row: R) => Record<string, string | number>,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), next_cursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** The column that orders rows created in the same millisecond, and its field in the cursor. */
const TIE_BREAKERS = { id: 'i', run_id: 'r' } as const;

type TieBreaker = keyof typeof TIE_BREAKERS;

/**
 * One page of `query`, newest first: by `created_at`, then by `tieBreaker` (both descending), after
 * the row the cursor names. The cursor is `{ c: created_at, i: id }` (or `r: run_id`).
 */
export async function newestFirstPage<
  DB,
  TB extends keyof DB,
  K extends TieBreaker,
  R extends { created_at: string } & Record<K, string | number>,
  T,
>(query: SelectQueryBuilder<DB, TB, R>, tieBreaker: K, page: PageRequest, map: (row: R) => T): Promise<Page<T>> {
  const limit = clampLimit(page.limit);
  const field = TIE_BREAKERS[tieBreaker];
  const created = sql.ref<string>('created_at');
  const tie = sql.ref<string | number>(tieBreaker);
  let paged = query;
  if (page.cursor) {
    const key = decodeCursor<{ c: string; i: number; r: string }>(page.cursor, ['c', field]);
    paged = paged.where((eb) =>
      eb.or([eb(created, '<', key.c), eb.and([eb(created, '=', key.c), eb(tie, '<', key[field])])]),
    );
  }
  const rows = await paged
    .orderBy(created, 'desc')
    .orderBy(tie, 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, map, (row) => ({ c: row.created_at, [field]: row[tieBreaker] }));
}
