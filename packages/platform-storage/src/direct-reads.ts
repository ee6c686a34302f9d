import type SQLite from 'better-sqlite3';
import type { CompiledQuery, SqliteDatabase } from 'kysely';

/** What Kysely's SQLite driver tells the direct reads: how many of its queries and transactions are under way. */
export interface ConnectionUse {
  /** Connections acquired and not yet released (a query from acquire to release, a transaction from BEGIN to its end). */
  held: number;
}

type Reader = (query: CompiledQuery) => unknown[] | undefined;

// Keyed by the SQLite database's Kysely instance; a transaction is another instance and has none.
const readers = new WeakMap<object, Reader>();

/**
 * Lets `readNow(db, …)` answer a read-only query on `sqlite` at once when Kysely holds the connection
 * for nothing (`use.held === 0`) and no transaction is open: what Kysely's driver would run after its
 * mutex and promise chain, with the same statement and values (issue 12: a one-row read by id spent
 * about as long in that chain as in SQLite).
 */
export function enableDirectReads(
  db: object,
  sqlite: SQLite.Database,
  statements: SqliteDatabase,
  use: ConnectionUse,
): void {
  readers.set(db, (query) => {
    if (use.held > 0 || sqlite.inTransaction) return undefined;
    const statement = statements.prepare(query.sql) as unknown as SQLite.Statement;
    if (!statement.reader || !statement.readonly) return undefined;
    return statement.all(query.parameters as unknown[]);
  });
}

/**
 * The rows of `query` when `db` is a SQLite database whose connection is free and the query only
 * reads; undefined when it must go through Kysely (PostgreSQL, a transaction, a query under way, a write).
 */
export function readNow<R>(db: object, query: CompiledQuery<R>): R[] | undefined {
  return readers.get(db)?.(query) as R[] | undefined;
}
