import { sql } from 'kysely';
import { createTempDir, createTestPostgresDatabase, postgresAvailable } from '@tasksgodzilla/testing';
import { MIGRATION_NAMES } from './migrations/index.js';
import { migrateToLatest, openDatabase } from './database.js';
import type { DatabaseHandle } from './database.types.js';
import { preparedStatementName, reusableQuery } from './reusable-query.js';
import { createStorage } from './storage.js';

/** Runs `use` on a fresh, migrated PostgreSQL database of one connection (its session is the one asked about); skipped without PostgreSQL. */
async function onMigratedPostgres(use: (handle: DatabaseHandle) => Promise<void>): Promise<void> {
  if (!(await postgresAvailable())) return;
  const database = await createTestPostgresDatabase();
  const handle = openDatabase({ url: database.url, poolSize: 1 });
  try {
    await migrateToLatest(handle);
    await createStorage(handle).projects.create({ name: 'alpha', git_url: 'https://example.invalid/alpha.git' });
    await use(handle);
  } finally {
    await handle.close();
    await database.drop();
  }
}

describe('openDatabase + migrateToLatest', () => {
  it('creates the SQLite file with WAL and foreign keys, and migrates once', async () => {
    const dir = createTempDir();
    const handle = openDatabase({ path: `${dir.path}/nested/db.sqlite` });
    try {
      expect(await migrateToLatest(handle)).toEqual(MIGRATION_NAMES);
      expect(await migrateToLatest(handle)).toEqual([]);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
      await handle.ping();
    } finally {
      await handle.close();
      dir.remove();
    }
  });

  it('an up-to-date database is recognised with two statements; an unknown migration in its history still fails as Kysely says', async () => {
    const handle = openDatabase({ path: ':memory:' });
    try {
      await migrateToLatest(handle);
      const statements: string[] = [];
      const counted = {
        ...handle,
        db: handle.db.withPlugin({
          transformQuery: (args) => {
            statements.push(args.node.kind);
            return args.node;
          },
          transformResult: async (args) => args.result,
        }),
      };
      expect(await migrateToLatest(counted)).toEqual([]);
      // Kysely's Migrator introspects every table twice (one statement per table and more) before it finds nothing to do.
      expect(statements).toEqual(['RawNode', 'RawNode']);
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-newer-version', ${new Date().toISOString()})`.execute(
        handle.db,
      );
      await expect(migrateToLatest(handle)).rejects.toThrow(
        /previously executed migration 9999-from-a-newer-version is missing/,
      );
    } finally {
      await handle.close();
    }
  });

  it('a history missing its lock row goes through the Migrator, which puts it back', async () => {
    const handle = openDatabase({ path: ':memory:' });
    try {
      await migrateToLatest(handle);
      await sql`delete from kysely_migration_lock`.execute(handle.db);
      expect(await migrateToLatest(handle)).toEqual([]);
      const rows = await sql<{ id: string }>`select id from kysely_migration_lock`.execute(handle.db);
      expect(rows.rows).toEqual([{ id: 'migration_lock' }]);
    } finally {
      await handle.close();
    }
  });

  it('ping fails once the SQLite database is closed (the page-count read is the probe)', async () => {
    const handle = openDatabase({ path: ':memory:' });
    await handle.ping();
    await handle.close();
    await expect(handle.ping()).rejects.toThrow(/not open/);
  });

  it('rejects a non-postgres URL', () => {
    expect(() => openDatabase({ url: 'mysql://x' })).toThrow('Unsupported database URL');
  });

  it('sends reusable queries to PostgreSQL as named statements, parsed once per connection; other SQL as it is', () =>
    onMigratedPostgres(async (handle) => {
      const byName = reusableQuery((db, [name]: [string]) =>
        db.selectFrom('projects').select(['id', 'name']).where('name', '=', name),
      );
      expect(await byName.rows(handle.db, ['nobody'])).toEqual([]);
      const statementSql = byName.compiled(handle.db, ['x']).sql;
      const name = preparedStatementName(statementSql);
      expect(name).toMatch(/^tgz_\d+$/);
      // The second call reuses the prepared statement with its own value.
      expect((await byName.rows(handle.db, ['alpha'])).map((row) => row.name)).toEqual(['alpha']);
      const prepared = await sql<{
        name: string;
        statement: string;
      }>`select name, statement from pg_prepared_statements order by name`.execute(handle.db);
      expect(prepared.rows).toContainEqual({ name, statement: statementSql });
      // Only reusable queries are prepared (this one, not being one, is not among them).
      expect(prepared.rows.filter((row) => preparedStatementName(row.statement) !== row.name)).toEqual([]);
      expect(prepared.rows.some((row) => row.statement.includes('pg_prepared_statements'))).toBe(false);
    }));

  it('a prepared statement whose rows changed shape (a migration under a running process) is sent again as plain SQL', () =>
    onMigratedPostgres(async (handle) => {
      const everything = reusableQuery((db, [name]: [string]) =>
        db.selectFrom('projects').selectAll().where('name', '=', name),
      );
      expect(await everything.rows(handle.db, ['alpha'])).toHaveLength(1);
      await sql`alter table projects add column added_later text default 'yes'`.execute(handle.db);
      // PostgreSQL refuses the prepared plan (SQLSTATE 0A000); the call goes again as plain SQL, and so do later ones.
      const [after] = (await everything.rows(handle.db, ['alpha'])) as Record<string, unknown>[];
      expect(after).toMatchObject({ name: 'alpha', added_later: 'yes' });
      expect(await everything.rows(handle.db, ['alpha'])).toHaveLength(1);
    }));

  it('migrates PostgreSQL with the same history', async () => {
    if (!(await postgresAvailable())) return;
    const database = await createTestPostgresDatabase();
    const handle = openDatabase({ url: database.url });
    try {
      expect(await migrateToLatest(handle)).toEqual(MIGRATION_NAMES);
      expect(await migrateToLatest(handle)).toEqual([]);
      const tables = await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
        handle.db,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['events', 'job_runs', 'projects', 'protocol_runs', 'step_runs']),
      );
    } finally {
      await handle.close();
      await database.drop();
    }
  });
});
