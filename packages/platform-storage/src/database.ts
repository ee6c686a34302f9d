import { mkdirSync, statfsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  Kysely,
  MIGRATION_LOCK_ID,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
} from 'kysely';
import type pg from 'pg';
import { preparedStatementName } from './reusable-query.js';
import { ConfigError, StorageError, systemClock } from '@tasksgodzilla/core';
import { createMigrationProvider, MIGRATION_NAMES } from './migrations/index.js';
import type { DatabaseHandle, DatabaseOptions } from './database.types.js';
import type { DatabaseSchema } from './schema.js';
import { enableDirectReads, type ConnectionUse } from './direct-reads.js';
import { cachingStatements } from './sqlite-statements.js';

// pg is loaded with the first PostgreSQL database only: SQLite processes never pay for loading it.
const requirePg = (): typeof pg => createRequire(import.meta.url)('pg') as typeof pg;

let addon: string | undefined;

/**
 * The file of better-sqlite3's native addon: where its `bindings` helper looks first (build/, build/Debug/,
 * build/Release/), else what `bindings` finds from better-sqlite3's own folder. By path, no `bindings`
 * search (a failing `require` per place tried, and file-uri-to-path resolved first: a tenth of a start,
 * issue 12).
 */
function sqliteAddon(): string {
  if (addon !== undefined) return addon;
  const entry = createRequire(import.meta.url).resolve('better-sqlite3');
  const root = join(dirname(entry), '..');
  addon = ['', 'Debug', 'Release']
    .map((folder) => join(root, 'build', folder, 'better_sqlite3.node'))
    .find((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
  addon ??= (createRequire(entry)('bindings') as (options: object) => string)({
    bindings: 'better_sqlite3.node',
    module_root: root,
    path: true,
  });
  return addon;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://<invalid url>';
  }
}

// Write transactions take the write lock up front (BEGIN IMMEDIATE), so several processes sharing one
// SQLite file wait on the busy timeout instead of failing a lock upgrade half way through.
// Some failures (SQLITE_FULL, SQLITE_IOERR, …) make SQLite roll the transaction back itself; a second
// ROLLBACK would then fail with "cannot rollback - no transaction is active" and hide the real error.
// It also counts the connection's holders for the direct reads (direct-reads.ts): acquire is called
// synchronously when a query or transaction starts, release once when it ends.
const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    private readonly sqlite: SQLite.Database,
    statements: SqliteDatabase,
    private readonly use: ConnectionUse,
  ) {
    super({ database: statements });
  }
  override acquireConnection(): Promise<DatabaseConnection> {
    this.use.held += 1;
    return super.acquireConnection();
  }
  override releaseConnection(): Promise<void> {
    this.use.held -= 1;
    return super.releaseConnection();
  }
  // The three statements as constants: CompiledQuery.raw builds and freezes a new one per transaction.
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(BEGIN_IMMEDIATE);
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(COMMIT);
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.sqlite.inTransaction) return;
    await connection.executeQuery(ROLLBACK);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: SQLite.Database,
    private readonly statements: SqliteDatabase,
    private readonly use: ConnectionUse,
  ) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.database, this.statements, this.use);
  }
}

/** Below this much free space on the SQLite file's file system, the database counts as full. */
const DEFAULT_MIN_FREE_BYTES = 1024 * 1024;

/**
 * How long a SQLite `ping()` reuses a space check (page counts and `statfs`) that found room: the two
 * were a sixth of every `GET /health` (issue 12). A check that found the database full is never reused.
 */
export const SPACE_CHECK_MAX_AGE_MS = 1000;

/** Why the SQLite database cannot take more writes (its page limit, or its file system), or null. */
function sqliteFull(pageCounts: SQLite.Statement, path: string, minFreeBytes: number): string | null {
  const counts = pageCounts.get() as { pages: number; limit: number; free: number };
  const pages = Number(counts.pages);
  const limit = Number(counts.limit);
  const free = Number(counts.free);
  if (pages >= limit && free === 0) return `page limit reached (${pages} pages)`;
  if (path === ':memory:') return null;
  const fs = statfsSync(dirname(path));
  const available = Number(fs.bavail) * Number(fs.bsize);
  return available < minFreeBytes ? `${available} bytes free on its file system` : null;
}

const PREPARING = Symbol('tasksgodzilla.preparedStatements');

/**
 * A pooled pg client whose reusable queries (`preparedStatementName`) go as named statements: pg
 * parses and plans each once per connection (the client remembers what it prepared), instead of once
 * per call. Other SQL, a call with a callback, and anything that is not SQL text (a cursor) go as they
 * came. The pool hands out the same clients again, so each is set up once.
 *
 * A schema change made while the connection is open (a newer process migrating the database under a
 * running one) can make PostgreSQL refuse a prepared statement whose rows changed shape ("cached plan
 * must not change result type", SQLSTATE 0A000): that call is sent again as plain SQL, and so is
 * everything later on that connection.
 */
function withPreparedStatements(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [PREPARING]?: 'on' | 'off' };
  if (marked[PREPARING]) return client;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  marked.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    const name =
      typeof text === 'string' && callback === undefined && marked[PREPARING] === 'on'
        ? preparedStatementName(text)
        : undefined;
    if (name === undefined) return query(text, values, callback);
    return (query({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== '0A000') throw error;
      marked[PREPARING] = 'off';
      return query(text, values);
    });
  }) as pg.PoolClient['query'];
  marked[PREPARING] = 'on';
  return client;
}

/**
 * Opens the database: PostgreSQL when `url` is given, else the SQLite file at `path` (created with
 * its folder; WAL, foreign keys on, busy timeout; one connection per process). Does not migrate:
 * call `migrateToLatest(handle)`.
 */
export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url) {
    if (!/^postgres(ql)?:\/\//.test(options.url))
      throw new ConfigError(`Unsupported database URL ${redactUrl(options.url)}: use postgres:// or postgresql://`);
    const pool = new (requirePg().Pool)({ connectionString: options.url, max: options.poolSize ?? 5 });
    // A dropped idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<DatabaseSchema>({
      dialect: new PostgresDialect({
        pool: {
          connect: async () => withPreparedStatements(await pool.connect()),
          end: () => pool.end(),
        },
      }),
    });
    return {
      db,
      dialect: 'postgres',
      location: redactUrl(options.url),
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      // PostgreSQL keeps its own pages consistent and enforces the foreign keys: nothing to report once it answers.
      checkIntegrity: async () => {
        await sql`select 1`.execute(db);
        return [];
      },
      close: () => db.destroy(),
    };
  }
  const path = options.path ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path, { timeout: options.busyTimeoutMs ?? 5000, nativeBinding: sqliteAddon() });
  } catch (error) {
    throw new StorageError(`Cannot open SQLite database at ${path}: ${(error as Error).message}`, {
      cause: error,
      retryable: false,
    });
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const statements = cachingStatements(sqlite);
  const use: ConnectionUse = { held: 0 };
  const db = new Kysely<DatabaseSchema>({ dialect: new ImmediateSqliteDialect(sqlite, statements, use) });
  enableDirectReads(db, sqlite, statements, use);
  const minFreeBytes = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  const clock = options.clock ?? systemClock;
  const spaceCheckMaxAgeMs = options.spaceCheckMaxAgeMs ?? SPACE_CHECK_MAX_AGE_MS;
  // Both statements prepared once: ping runs on every /health.
  let alive: SQLite.Statement | undefined;
  let pageCounts: SQLite.Statement | undefined;
  // When the last space check found room (null: none yet, or it found the database full).
  let roomAt: number | null = null;
  return {
    db,
    dialect: 'sqlite',
    location: path,
    ping: async () => {
      // A closed or broken connection fails here, on every call.
      (alive ??= sqlite.prepare('SELECT 1')).get();
      const now = clock.now().getTime();
      if (roomAt !== null && now >= roomAt && now - roomAt < spaceCheckMaxAgeMs) return;
      roomAt = null;
      pageCounts ??= sqlite.prepare(
        'SELECT p.page_count AS pages, m.max_page_count AS "limit", f.freelist_count AS free' +
          ' FROM pragma_page_count() p, pragma_max_page_count() m, pragma_freelist_count() f',
      );
      const full = sqliteFull(pageCounts, path, minFreeBytes);
      if (full) throw new StorageError(`The database is full: ${full}`, { code: 'storage_full', retryable: true });
      roomAt = now;
    },
    checkIntegrity: async () => {
      const pages = sqlite.pragma('integrity_check') as { integrity_check: string }[];
      const problems = pages.map((row) => row.integrity_check).filter((line) => line !== 'ok');
      const keys = sqlite.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
      return [
        ...problems,
        ...keys.map((row) => `${row.table} row ${row.rowid} references a missing ${row.parent} row`),
      ];
    },
    // Kysely opens its driver on its first query only, so a handle only pinged would stay open.
    close: async () => {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * True when the database has run exactly this history and has Kysely's lock row: migrateToLatest then
 * has nothing to do. Two queries instead of the Migrator's table introspection (every column of every
 * table, twice), a fifth of a start (issue 12). Any error (no such table yet) means "not known": the
 * Migrator decides.
 */
async function historyComplete(handle: DatabaseHandle): Promise<boolean> {
  try {
    const executed = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(
      handle.db,
    );
    const names = new Set(executed.rows.map((row) => row.name));
    if (names.size !== MIGRATION_NAMES.length || !MIGRATION_NAMES.every((name) => names.has(name))) return false;
    const lock =
      await sql`select id from ${sql.table(DEFAULT_MIGRATION_LOCK_TABLE)} where id = ${MIGRATION_LOCK_ID}`.execute(
        handle.db,
      );
    return lock.rows.length === 1;
  } catch {
    return false;
  }
}

/** Migration names in code point order: the order Kysely gives the history, without ICU's collator (localeCompare's first call cost ~30 ms and ~3 MiB at each start). */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Applies every pending migration (same history on SQLite and PostgreSQL). Safe to call concurrently from several processes on SQLite; on PostgreSQL Kysely takes an advisory lock. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  if (await historyComplete(handle)) return [];
  const migrator = new Migrator({
    db: handle.db,
    provider: createMigrationProvider(handle.dialect),
    nameComparator: byCodePoint,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new StorageError(`Database migration failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
      retryable: false,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
