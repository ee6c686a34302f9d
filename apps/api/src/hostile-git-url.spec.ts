import { useApi } from './api.test-helpers.js';

// Issue 10, must fix 7: `git_url: "fd::17"` made `git clone` hang for the command timeout.

describe('hostile git URLs', () => {
  const h = useApi();

  it('answers 422 naming git_url for remote helpers, option-like values and other schemes; nothing is created', async () => {
    const before = (await h.call('GET', '/projects')).body.length as number;
    for (const gitUrl of [
      'fd::17',
      'ext::sh -c touch% /tmp/pwned',
      '--upload-pack=touch /tmp/x',
      'ftp://example.invalid/x.git',
      'http://example.invalid/x.git',
      'exa\u001bmple:x',
    ]) {
      const res = await h.call('POST', '/projects', { body: { name: 'hostile', git_url: gitUrl } });
      expect([gitUrl, res.status]).toEqual([gitUrl, 422]);
      expect(res.body.detail[0].loc).toEqual(['body', 'git_url']);
    }
    expect((await h.call('GET', '/projects')).body.length).toBe(before);
    expect((await h.call('GET', '/queues/jobs')).body).toEqual([]);
  });

  it('accepts https, ssh, scp-like and local locations', async () => {
    for (const gitUrl of [
      'https://example.invalid/acme/app.git',
      'ssh://git@example.invalid/acme/app.git',
      'git@example.invalid:acme/app.git',
      h.repo.originPath,
    ]) {
      const res = await h.call('POST', '/projects', {
        body: { name: 'fine', git_url: gitUrl, local_path: h.repo.path },
      });
      expect([gitUrl, res.status]).toEqual([gitUrl, 200]);
    }
  });
});
