import { Migrator, sql } from 'kysely';
import { migrateToLatest } from '../database.js';
import { createStorage } from '../storage.js';
import { BACKENDS, openEmptyDatabase } from '../test/test-storage.test-helpers.js';
import { createMigrationProvider } from './index.js';

const NOW = '2026-01-01T00:00:00.000Z';

describe.each(BACKENDS)('migration 0004-git-url-credentials on %s', (dialect) => {
  it('moves the credentials of stored https git_urls into the git_credentials secret and keeps the bare URL', async () => {
    const opened = await openEmptyDatabase(dialect);
    if (!opened) return;
    const { handle, cleanup } = opened;
    try {
      const migrator = new Migrator({ db: handle.db, provider: createMigrationProvider(handle.dialect) });
      const before = await migrator.migrateTo('0002-webhook-deliveries');
      expect(before.error).toBeUndefined();
      const insert = (name: string, gitUrl: string, secrets: string | null) =>
        sql`insert into projects (name, git_url, base_branch, secrets, created_at, updated_at)
            values (${name}, ${gitUrl}, 'main', ${secrets}, ${NOW}, ${NOW})`.execute(handle.db);
      await insert('token', 'https://x-access-token:ghp_s3cr%40t@github.com/acme/app.git', null);
      await insert('merged', 'http://bot@git.example.com:8080/acme/lib.git', JSON.stringify({ deploy: 'kept-value' }));
      await insert('ssh', 'git@github.com:acme/ssh.git', null);
      await insert('plain', 'https://github.com/acme/plain.git', JSON.stringify({ env: { A: 'b' } }));
      await insert('bad-escape', 'https://user:50%zz@host.example/x.git', null);

      expect(await migrateToLatest(handle)).toContain('0004-git-url-credentials');

      const projects = createStorage(handle).projects;
      const byName = new Map((await projects.list({ limit: 10 })).items.map((project) => [project.name, project]));
      expect(byName.get('token')).toMatchObject({
        git_url: 'https://github.com/acme/app.git',
        secrets: { git_credentials: { username: 'x-access-token', password: 'ghp_s3cr@t' } },
      });
      expect(byName.get('merged')).toMatchObject({
        git_url: 'http://git.example.com:8080/acme/lib.git',
        secrets: { deploy: 'kept-value', git_credentials: { username: 'bot', password: '' } },
      });
      expect(byName.get('ssh')).toMatchObject({ git_url: 'git@github.com:acme/ssh.git', secrets: null });
      expect(byName.get('plain')).toMatchObject({
        git_url: 'https://github.com/acme/plain.git',
        secrets: { env: { A: 'b' } },
      });
      expect(byName.get('bad-escape')).toMatchObject({
        git_url: 'https://host.example/x.git',
        secrets: { git_credentials: { username: 'user', password: '50%zz' } },
      });
      const stored = await sql<{ git_url: string }>`select git_url from projects`.execute(handle.db);
      for (const row of stored.rows) expect(row.git_url).not.toMatch(/:\/\/[^/]*@/);
    } finally {
      await cleanup();
    }
  });
});
