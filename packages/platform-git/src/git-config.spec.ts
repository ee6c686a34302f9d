import { loadConfig } from '@tasksgodzilla/core';
import { gitServiceDepsFromConfig } from './git-config.js';

describe('gitServiceDepsFromConfig', () => {
  it('maps the git settings of the config', () => {
    const config = loadConfig({
      TASKSGODZILLA_PROJECTS_ROOT: '/srv/projects',
      TASKSGODZILLA_GIT_USER: 'Bot',
      TASKSGODZILLA_GIT_EMAIL: 'bot@example.invalid',
      TASKSGODZILLA_SINGLE_WORKTREE: 'true',
      GITHUB_TOKEN: 'ghp_x',
    });
    expect(gitServiceDepsFromConfig(config)).toMatchObject({
      projectsRoot: '/srv/projects',
      singleWorktree: true,
      worktreeBranch: 'tasksgodzilla-worktree',
      githubToken: 'ghp_x',
      githubApiUrl: config.githubApiUrl,
      gitlabApiUrl: config.gitlabApiUrl,
      identity: { name: 'Bot', email: 'bot@example.invalid' },
    });
  });

  it('drops a half-configured identity', () => {
    const config = loadConfig({ TASKSGODZILLA_GIT_USER: 'Bot' });
    expect(gitServiceDepsFromConfig(config).identity).toBeUndefined();
  });
});
