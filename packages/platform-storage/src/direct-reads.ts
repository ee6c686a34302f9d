import type SQLite from 'better-sqlite3';
import type { CompiledQuery, SqliteDatabase } from 'kysely';

/** What Kysely's SQLite driver tells the direct reads: how many of its queries and transactions are under way. */
export interface ConnectionUse {
  /** Connections acquired and not yet released (a query from acquire to release, a transaction from BEGIN to its end). */
  held: number;
}

type Runner = (query: CompiledQuery) => unknown[];

interface DirectAccess {
  read(query: CompiledQuery): unknown[] | undefined;
  run(query: CompiledQuery): unknown[] | undefined;
  transact<T>(work: (run: Runner) => T): { value: T } | undefined;
}

// Keyed by the SQLite database's Kysely instance; a transaction is another instance and has none.
const readers = new WeakMap<object, DirectAccess>();

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
  const free = () => use.held === 0 && !sqlite.inTransaction;
  const prepare = (query: CompiledQuery) => statements.prepare(query.sql) as unknown as SQLite.Statement;
  // What Kysely's SQLite driver does with a statement: rows when it returns any, else nothing.
  const execute: Runner = (query) => {
    const statement = prepare(query);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return statement.all(parameters);
    statement.run(parameters);
    return [];
  };
  let begin: SQLite.Statement | undefined;
  let commit: SQLite.Statement | undefined;
  let rollback: SQLite.Statement | undefined;
  readers.set(db, {
    read(query) {
      if (!free()) return undefined;
      const statement = prepare(query);
      if (!statement.reader || !statement.readonly) return undefined;
      return statement.all(query.parameters as unknown[]);
    },
    run: (query) => (free() ? execute(query) : undefined),
    transact(work) {
      if (!free()) return undefined;
      // BEGIN IMMEDIATE, as the dialect's transactions (the write lock first, waiting on the busy timeout).
      (begin ??= sqlite.prepare('BEGIN IMMEDIATE')).run();
      try {
        const value = work(execute);
        (commit ??= sqlite.prepare('COMMIT')).run();
        return { value };
      } catch (error) {
        // Some failures roll the transaction back themselves (see the dialect's rollbackTransaction).
        if (sqlite.inTransaction) (rollback ??= sqlite.prepare('ROLLBACK')).run();
        throw error;
      }
    },
  });
}

/**
 * The rows of `query` when `db` is a SQLite database whose connection is free and the query only
 * reads; undefined when it must go through Kysely (PostgreSQL, a transaction, a query under way, a write).
 */
export function readNow<R>(db: object, query: CompiledQuery<R>): R[] | undefined {
  return readers.get(db)?.read(query) as R[] | undefined;
}

/**
 * `readNow` for any statement, writes included: a single statement on a free SQLite connection commits
 * on its own (autocommit), as it would through Kysely's driver, which runs the same statement
 * synchronously once it holds the connection; nothing can run in between. Undefined when it must go
 * through Kysely.
 */
export function runNow<R>(db: object, query: CompiledQuery<R>): R[] | undefined {
  return readers.get(db)?.run(query) as R[] | undefined;
}

/**
 * Runs `work` (synchronous: its statements through `run`) in one SQLite transaction (BEGIN IMMEDIATE …
 * COMMIT, ROLLBACK when it throws) at once, when `db`'s connection is free; undefined when it must go
 * through Kysely (PostgreSQL, a transaction or query under way). Kysely's transaction costs more than
 * the few statements of a job's finish and next claim (issue 12).
 */
export function transactNow<T>(
  db: object,
  work: (run: <R>(query: CompiledQuery<R>) => R[]) => T,
): { value: T } | undefined {
  return readers.get(db)?.transact(work as (run: Runner) => T);
}
