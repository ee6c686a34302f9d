import { sql } from 'kysely';
import { useApi } from './api.test-helpers.js';
import { isStorageFull } from './http/http-errors.js';

// Issue 10: on a full disk every write answered a generic 500 (often "cannot rollback" instead of
// the SQLite error) and /health stayed ok. The database's page limit stands in for the disk here.

describe('a full database', () => {
  const h = useApi();
  beforeAll(async () => {
    await h.project({ name: 'before-full' });
  });

  it('answers 507 with a clear message, reports degraded health, and recovers when space is back', async () => {
    const db = h.runtime.storage.handle.db;
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count;
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    try {
      const big = 'x'.repeat(200_000);
      const res = await h.call('POST', '/projects', {
        body: { name: 'after-full', git_url: h.repo.originPath, description: big, secrets: { note: big } },
      });
      expect(res.status).toBe(507);
      expect(res.body).toEqual({
        detail: 'Insufficient storage: the database is full; free disk space and retry',
        code: 'storage_full',
        category: 'storage',
      });
      const health = await h.call('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('degraded');
      expect(health.body.db.ok).toBe(false);
      const names = ((await h.call('GET', '/projects')).body as { name: string }[]).map((p) => p.name);
      expect(names).toEqual(['before-full']);
    } finally {
      await sql.raw('pragma max_page_count = 1073741823').execute(db);
    }
    expect((await h.call('GET', '/health')).status).toBe(200);
    expect(
      (await h.call('POST', '/projects', { body: { name: 'after-space', git_url: h.repo.originPath } })).status,
    ).toBe(200);
    expect(await h.runtime.storage.handle.checkIntegrity()).toEqual([]);
  });
});

describe('isStorageFull', () => {
  it("recognises SQLite's SQLITE_FULL, PostgreSQL's disk_full and ENOSPC, also as a cause", () => {
    expect(isStorageFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(
      isStorageFull(
        new Error('wrapped', { cause: Object.assign(new Error('could not extend file'), { code: '53100' }) }),
      ),
    ).toBe(true);
    expect(isStorageFull(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe(true);
    expect(isStorageFull(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isStorageFull(null)).toBe(false);
  });
});
