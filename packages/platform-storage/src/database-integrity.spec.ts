import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { createManualClock } from '@tasksgodzilla/core';
import { createTempDir } from '@tasksgodzilla/testing';
import { migrateToLatest, openDatabase, SPACE_CHECK_MAX_AGE_MS } from './database.js';

describe('DatabaseHandle.checkIntegrity (SQLite)', () => {
  it('reports nothing for an intact file and names rows whose parent is missing', async () => {
    const dir = createTempDir();
    const path = `${dir.path}/db.sqlite`;
    const handle = openDatabase({ path });
    try {
      await migrateToLatest(handle);
      expect(await handle.checkIntegrity()).toEqual([]);
      // Another connection without foreign keys leaves an orphan behind.
      const raw = new Database(path);
      raw.pragma('foreign_keys = OFF');
      raw
        .prepare(
          "insert into events (project_id, event_type, message, created_at) values (999, 'x', 'orphan', '2026-01-01T00:00:00.000Z')",
        )
        .run();
      raw.close();
      expect(await handle.checkIntegrity()).toEqual([expect.stringContaining('events row')]);
    } finally {
      await handle.close();
      dir.remove();
    }
  });
});

describe('DatabaseHandle.ping on a full SQLite database', () => {
  it('fails with storage_full at the page limit, and when the file system has less free space than asked', async () => {
    const dir = createTempDir();
    const clock = createManualClock();
    const handle = openDatabase({ path: `${dir.path}/db.sqlite`, clock });
    const roomy = openDatabase({ path: `${dir.path}/other.sqlite`, minFreeBytes: Number.MAX_SAFE_INTEGER });
    try {
      await migrateToLatest(handle);
      // Migrations that drop indexes (0009) leave free pages, which would still take writes: none left.
      await sql`vacuum`.execute(handle.db);
      await handle.ping();
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(handle.db)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(handle.db);
      // The space check that found room is reused for SPACE_CHECK_MAX_AGE_MS, then read again.
      clock.advance(SPACE_CHECK_MAX_AGE_MS - 1);
      await handle.ping();
      clock.advance(1);
      await expect(handle.ping()).rejects.toMatchObject({
        code: 'storage_full',
        message: expect.stringContaining('page limit reached'),
      });
      // The write that does not fit fails with SQLite's own error, not "cannot rollback".
      const write = handle.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('projects')
          .values({
            name: 'x'.repeat(500_000),
            git_url: '/tmp/x',
            base_branch: 'main',
            created_at: 'now',
            updated_at: 'now',
          })
          .execute();
      });
      await expect(write).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      await sql.raw('pragma max_page_count = 1073741823').execute(handle.db);
      // A check that found the database full is not reused: the room is seen at once.
      await handle.ping();
      await expect(roomy.ping()).rejects.toMatchObject({
        code: 'storage_full',
        message: expect.stringContaining('bytes free'),
      });
    } finally {
      await handle.close();
      await roomy.close();
      dir.remove();
    }
  });
});
