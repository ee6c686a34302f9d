import type { Page, Project } from '@tasksgodzilla/core';
import { projectGitCredentials } from './git-credentials.js';

function project(id: number, git_url: string, secrets: Project['secrets']): Project {
  return {
    id,
    name: `p${id}`,
    git_url,
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets,
    default_models: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

describe('projectGitCredentials', () => {
  const all = [
    project(1, 'https://git.example.test/acme/app.git', { api_token: 'x' }),
    project(2, 'https://git.example.test/acme/other.git', { git_credentials: { username: 'u2', password: 'p2' } }),
    project(3, 'https://git.example.test/acme/app.git', { git_credentials: { username: 'u3', password: 'p3' } }),
  ];
  // One project per page, so the lookup has to follow the cursor.
  const projects = {
    list: async (page: { cursor?: string | null } = {}): Promise<Page<Project>> => {
      const index = page.cursor ? Number(page.cursor) : 0;
      return { items: all.slice(index, index + 1), next_cursor: index + 1 < all.length ? String(index + 1) : null };
    },
  };

  it('answers with the credentials of a project whose git_url is the remote, across pages; null for an unknown remote', async () => {
    const resolve = projectGitCredentials(projects);
    expect(await resolve('https://git.example.test/acme/app.git')).toEqual({ username: 'u3', password: 'p3' });
    expect(await resolve('https://git.example.test/acme/other.git')).toEqual({ username: 'u2', password: 'p2' });
    expect(await resolve('https://git.example.test/acme/unknown.git')).toBeNull();
  });
});
