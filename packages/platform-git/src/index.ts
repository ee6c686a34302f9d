export { createGitService } from './git-service.js';
export { gitServiceDepsFromConfig } from './git-config.js';
export type {
  GitLogger,
  GitService,
  GitServiceDeps,
  OpenPullRequestInput,
  PullRequestResult,
  RepoLocator,
  WorktreeSnapshot,
} from './git-service.types.js';
export type { ForgeIssue, ForgeIssueRef, IssueCommentInput, IssueCommentResult } from './forge-issues.js';
export { resolveInside, sanitizeStepFilename } from './path-safety.js';
export { fingerprintFile, fingerprintText } from './fingerprint.js';
export { inferForgeProvider, parseRemoteUrl } from './remote-url.js';
export { assertBranchName } from './branch-name.js';
export { assertGitUrl } from './git-url.js';
export { GIT_CREDENTIALS_SECRET, gitCredentialsOf, splitGitUrlCredentials } from './git-credentials.js';
export type { GitCredentialsResolver } from './git-credentials.js';
export { redactCredentials } from './git-errors.js';
export { DEFAULT_CI_WORKFLOW, triggerCi } from './ci-trigger.js';
export { initRepository } from './init-repo.js';
export type { InitRepositoryInput } from './init-repo.js';
export type { TriggerCiInput, TriggerCiResult } from './ci-trigger.js';
export { spawnDetached } from './detached-spawn.js';
export type { DetachedHandlers, DetachedSpec } from './detached-spawn.js';
