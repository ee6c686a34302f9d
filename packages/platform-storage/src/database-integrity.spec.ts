import Database from 'better-sqlite3';
import { createTempDir } from '@tasksgodzilla/testing';
import { migrateToLatest, openDatabase } from './database.js';

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
      raw.prepare("insert into events (project_id, event_type, message, created_at) values (999, 'x', 'orphan', '2026-01-01T00:00:00.000Z')").run();
      raw.close();
      expect(await handle.checkIntegrity()).toEqual([expect.stringContaining('events row')]);
    } finally {
      await handle.close();
      dir.remove();
    }
  });
});
