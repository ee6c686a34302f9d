import type { Page, Project } from '@tasksgodzilla/core';
import { redactedShowCommit } from './commit-redaction.js';

function project(id: number, fields: Partial<Project>): Project {
  return {
    id,
    name: `p${id}`,
    git_url: `https://git.example.test/acme/p${id}.git`,
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets: null,
    default_models: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...fields,
  };
}

describe('redactedShowCommit (the step diff)', () => {
  const all = [
    project(1, { secrets: { deploy_key: 'first-project-secret' } }),
    project(2, {
      secrets: {
        env: { NPM_TOKEN: 'npm-token-of-two' },
        git_credentials: { username: 'bot', password: 'git-password-two' },
        env_passthrough: ['GITHUB_TOKEN'],
      },
    }),
    project(3, { local_path: '/work/checkouts/three', secrets: { api_key: 'third-project-key' } }),
  ];
  // One project per page, so the lookup has to follow the cursor.
  const projects = {
    list: async (page: { cursor?: string | null } = {}): Promise<Page<Project>> => {
      const index = page.cursor ? Number(page.cursor) : 0;
      return { items: all.slice(index, index + 1), next_cursor: index + 1 < all.length ? String(index + 1) : null };
    },
  };
  const patch = [
    '+NPM_TOKEN=npm-token-of-two',
    '+remote https://bot:git-password-two@git.example.test',
    '+key third-project-key',
    '+other first-project-secret',
    '+api config-api-token',
    '+GITHUB_TOKEN is a name',
  ].join('\n');
  const showCommit = redactedShowCommit({
    git: {
      showCommit: async () => patch,
      repoPathFor: (locator) => `/data/projects/${locator.projectId}/p${locator.projectId}`,
    },
    projects,
    redactValues: ['config-api-token'],
  });

  it("redacts the config's secret values and the secret values of the project whose repository it is", async () => {
    const text = await showCommit('/data/projects/2/p2', 'abc123');
    expect(text).not.toMatch(/npm-token-of-two|git-password-two|config-api-token/);
    expect(text).toContain('+NPM_TOKEN=[REDACTED]');
    expect(text).toContain('GITHUB_TOKEN is a name');
    // Another project's values are not this project's secrets.
    expect(text).toContain('first-project-secret');
  });

  it("finds a project by its local_path; an unknown repository gets the config's values only", async () => {
    expect(await showCommit('/work/checkouts/three/', 'abc123')).toContain('+key [REDACTED]');
    const unknown = await showCommit('/elsewhere/repo', 'abc123');
    expect(unknown).toContain('npm-token-of-two');
    expect(unknown).toContain('+api [REDACTED]');
  });
});
