import type { Config } from '@tasksgodzilla/core';
import type { GitServiceDeps } from './git-service.types.js';

/** The configuration-derived part of GitServiceDeps; add `logger` (and `env`) when composing. */
export function gitServiceDepsFromConfig(
  config: Pick<
    Config,
    | 'projectsRoot'
    | 'worktreesRoot'
    | 'singleWorktree'
    | 'worktreeBranch'
    | 'gitUser'
    | 'gitEmail'
    | 'githubToken'
    | 'githubApiUrl'
    | 'gitlabToken'
    | 'gitlabApiUrl'
  >,
): GitServiceDeps {
  return {
    projectsRoot: config.projectsRoot,
    worktreesRoot: config.worktreesRoot,
    singleWorktree: config.singleWorktree,
    worktreeBranch: config.worktreeBranch,
    githubApiUrl: config.githubApiUrl,
    gitlabApiUrl: config.gitlabApiUrl,
    githubToken: config.githubToken,
    gitlabToken: config.gitlabToken,
    // Like the original, the identity is only used when both halves are set.
    identity: config.gitUser && config.gitEmail ? { name: config.gitUser, email: config.gitEmail } : undefined,
  };
}
