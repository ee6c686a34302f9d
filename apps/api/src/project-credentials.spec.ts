import { type Loose, useApi } from './api.test-helpers.js';

// Issue 10 (should fix): credentials embedded in git_url are stored as a secret, never as part of the URL.
const TOKEN = 'tok3n-s3cret-value';
const BARE = 'https://git.example.test/acme/app.git';

describe('credentials in a project git_url', () => {
  const h = useApi();

  it('answers the bare URL and shows git_credentials as a set secret; stores no credentials in git_url', async () => {
    const created = await h.call('POST', '/projects', {
      body: {
        name: 'private-repo',
        git_url: `https://deploy-bot:${TOKEN}@git.example.test/acme/app.git`,
        local_path: h.repo.path,
        secrets: { api_token: 'pt' },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ git_url: BARE, secrets: { api_token: '***', git_credentials: '***' } });
    const id = created.body.id as number;
    const token = { 'x-project-token': 'pt' };

    const got = await h.call('GET', `/projects/${id}`, { headers: token });
    expect(got.body).toMatchObject({ git_url: BARE, secrets: { api_token: '***', git_credentials: '***' } });
    const stored = await h.runtime.storage.projects.get(id);
    expect(stored.git_url).toBe(BARE);
    expect(stored.secrets).toMatchObject({ git_credentials: { username: 'deploy-bot', password: TOKEN } });

    // Onboarding runs; nothing it writes or the api answers carries the token.
    await h.drain();
    const texts = await Promise.all([
      h.call('GET', '/projects'),
      h.call('GET', `/projects/${id}/onboarding`, { headers: token }),
      h.call('GET', '/events', { query: { project_id: id, limit: 500 }, headers: token }),
      h.call('GET', '/queues/jobs', { query: { limit: 500 } }),
    ]);
    for (const res of texts) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(TOKEN);
    }
    expect(((texts[2]!.body as Loose[]) ?? []).length).toBeGreaterThan(0);
  });

  it('refuses credentials with control characters with a 422 naming git_url, and creates nothing', async () => {
    const before = ((await h.call('GET', '/projects')).body as Loose[]).length;
    const res = await h.call('POST', '/projects', {
      body: { name: 'bad', git_url: 'https://u:a%0Ab@git.example.test/x.git' },
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('git_url');
    expect(((await h.call('GET', '/projects')).body as Loose[]).length).toBe(before);
  });

  it('never shows user:token of git_url in project responses or events', async () => {
    const created = await h.call('POST', '/projects', {
      body: {
        name: 'private',
        git_url: 'https://bot:ghp_s3cretT0ken@example.invalid/acme/app.git',
        local_path: h.repo.path,
      },
    });
    expect(created.status).toBe(200);
    // Stored as the git_credentials secret since issue 10's should-fix: the URL is answered bare.
    expect(created.body.git_url).toBe('https://example.invalid/acme/app.git');
    expect(created.body.secrets).toEqual({ git_credentials: '***' });
    await h.drain();
    for (const url of [
      `/projects/${created.body.id}`,
      '/projects',
      `/events?project_id=${created.body.id}`,
      `/projects/${created.body.id}/onboarding`,
    ]) {
      const res = await h.call('GET', url);
      expect([url, res.status]).toEqual([url, 200]);
      expect([url, res.text.includes('ghp_s3cretT0ken')]).toEqual([url, false]);
    }
  });
});
