import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many prepared statements one SQLite connection keeps (least recently used dropped first). */
export const SQLITE_STATEMENT_CACHE_SIZE = 256;

/**
 * The SQLite database as Kysely's driver sees it, with prepared statements kept by SQL text: Kysely's
 * driver prepares every query again (`db.prepare(sql)` per call), which cost as much as running the
 * query. A statement still being iterated (a stream) is never handed out twice: a fresh one is
 * prepared. Statements are re-prepared by SQLite itself after a schema change, so migrations need no
 * eviction.
 */
export function cachingStatements(
  sqlite: SQLite.Database,
  maxStatements: number = SQLITE_STATEMENT_CACHE_SIZE,
): SqliteDatabase & { readonly cachedStatements: number } {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        // Most recently used last: the Map's first key is the one to drop when full.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (cached) return statement;
      statements.set(sql, statement);
      if (statements.size > maxStatements) statements.delete(statements.keys().next().value as string);
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
    get cachedStatements() {
      return statements.size;
    },
  };
}
