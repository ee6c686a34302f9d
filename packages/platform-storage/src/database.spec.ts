import { sql } from 'kysely';
import { createTempDir, createTestPostgresDatabase, postgresAvailable } from '@tasksgodzilla/testing';
import { MIGRATION_NAMES } from './migrations/index.js';
import { migrateToLatest, openDatabase } from './database.js';

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

  it('ping fails once the SQLite database is closed (the page-count read is the probe)', async () => {
    const handle = openDatabase({ path: ':memory:' });
    await handle.ping();
    await handle.close();
    await expect(handle.ping()).rejects.toThrow(/not open/);
  });

  it('rejects a non-postgres URL', () => {
    expect(() => openDatabase({ url: 'mysql://x' })).toThrow('Unsupported database URL');
  });

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
