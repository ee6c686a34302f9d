export { createGitService, GIT_CHILD_ENV } from './git-service.js';
export { gitServiceDepsFromConfig } from './git-config.js';
export type {
  CommitInput,
  CommitResult,
  EnsureOriginInput,
  EnsureOriginResult,
  EnsureRepoInput,
  EnsureRepoResult,
  EnsureWorktreeInput,
  ForgeProvider,
  GitIdentity,
  GitLogger,
  GitService,
  GitServiceDeps,
  OpenPullRequestInput,
  PullRequestResult,
  PushInput,
  PushResult,
  RepoLocator,
  WorktreeEntry,
  WorktreeInfo,
  WorktreeSnapshot,
} from './git-service.types.js';
export { resolveInside, sanitizeStepFilename } from './path-safety.js';
export { fingerprintFile, fingerprintText } from './fingerprint.js';
export { inferForgeProvider, parseRemoteUrl, repoNameFromUrl, toGithubSshUrl } from './remote-url.js';
export type { RemoteLocation } from './remote-url.js';
export { assertBranchName } from './branch-name.js';
export { ALLOWED_GIT_PROTOCOLS, GIT_ALLOW_PROTOCOL, assertGitUrl, gitUrlProblem } from './git-url.js';
export {
  GIT_CREDENTIALS_SECRET,
  GIT_PASSWORD_ENV,
  GIT_USERNAME_ENV,
  gitCredentialsEnv,
  gitCredentialsOf,
  splitGitUrlCredentials,
} from './git-credentials.js';
export type { GitCredentials, GitCredentialsResolver } from './git-credentials.js';
export { killRunningCommands } from './command-runner.js';
export { classifyGitFailure, redactCredentials } from './git-errors.js';
export type { GitFailureClass } from './git-errors.js';
