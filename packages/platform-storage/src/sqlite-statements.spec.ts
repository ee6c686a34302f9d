import Database from 'better-sqlite3';
import { jest } from '@jest/globals';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from './database.js';
import { createStorage } from './storage.js';
import { cachingStatements } from './sqlite-statements.js';

function countingDatabase() {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table t (id integer primary key, name text)');
  sqlite.exec("insert into t (name) values ('a'), ('b'), ('c')");
  const prepared: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((text: string) => {
    prepared.push(text);
    return prepare(text);
  }) as typeof sqlite.prepare;
  return { sqlite, prepared };
}

describe('cachingStatements', () => {
  it('prepares each SQL text once and hands the same statement back', () => {
    const { sqlite, prepared } = countingDatabase();
    const db = cachingStatements(sqlite);
    const first = db.prepare('select name from t where id = ?');
    const again = db.prepare('select name from t where id = ?');
    expect(again).toBe(first);
    expect(first.all([2])).toEqual([{ name: 'b' }]);
    expect(again.all([3])).toEqual([{ name: 'c' }]);
    expect(prepared).toEqual(['select name from t where id = ?']);
    db.close();
    expect(sqlite.open).toBe(false);
  });

  it('keeps at most the given number, dropping the least recently used', () => {
    const { sqlite, prepared } = countingDatabase();
    const db = cachingStatements(sqlite, 2);
    db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 1'); // now the most recent
    db.prepare('select 3'); // drops select 2
    expect(db.cachedStatements).toBe(2);
    db.prepare('select 1');
    db.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
    db.close();
  });

  it('prepares a fresh statement while the cached one is being iterated', () => {
    const { sqlite } = countingDatabase();
    const db = cachingStatements(sqlite);
    const streaming = db.prepare('select name from t order by id');
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ name: 'a' });
    const other = db.prepare('select name from t order by id');
    expect(other).not.toBe(streaming);
    expect(other.all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ name: 'b' }, { name: 'c' }]);
    db.close();
  });

  it('sees schema changes made after a statement was cached', () => {
    const { sqlite } = countingDatabase();
    const db = cachingStatements(sqlite);
    expect(db.prepare('select * from t where id = ?').all([1])).toEqual([{ id: 1, name: 'a' }]);
    sqlite.exec("alter table t add column note text default 'n'");
    expect(db.prepare('select * from t where id = ?').all([1])).toEqual([{ id: 1, name: 'a', note: 'n' }]);
    db.close();
  });
});

describe('openDatabase (SQLite) statement cache', () => {
  it('prepares a repeated query once', async () => {
    const handle = openDatabase({ path: ':memory:' });
    const prepare = jest.spyOn(Database.prototype, 'prepare');
    try {
      await migrateToLatest(handle);
      const storage = createStorage(handle);
      const project = await storage.projects.create({ name: 'p', git_url: '/tmp/p.git' });
      prepare.mockClear();
      for (let index = 0; index < 5; index += 1) {
        expect(await storage.projects.find(project.id)).toMatchObject({ id: project.id });
        await sql`select 1`.execute(handle.db);
      }
      const texts = prepare.mock.calls.map(([text]) => text);
      expect(texts).toHaveLength(new Set(texts).size);
      expect(texts.length).toBeGreaterThan(0);
    } finally {
      prepare.mockRestore();
      await handle.close();
    }
  });
});
