import type { GitCredentialsResolver } from './git-credentials.js';
import type { ForgeIssue, ForgeIssueRef, IssueCommentInput, IssueCommentResult } from './forge-issues.js';

/**
 * A worktree's content (tracked and untracked, not ignored) with the HEAD it sat on: `index` names the
 * index file kept for it in the worktree's git dir (what `snapshotWorktree` takes); `tree`, a tree
 * object, is what snapshots of earlier versions hold (still restored, e.g. from an old attempt lock).
 */
export interface WorktreeSnapshot {
  head: string;
  index?: string;
  tree?: string;
}

/** Author and committer identity used for commits and written into a repo's local config. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** The two forges whose PR/MR APIs and CLIs are supported. */
export type ForgeProvider = 'github' | 'gitlab';

/** Minimal logger: pino, console or a test spy all fit. */
export interface GitLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface GitServiceDeps {
  /** Root of cloned repositories: `<projectsRoot>/<project_id>/<repo_name>`. */
  projectsRoot: string;
  /** Root of protocol worktrees. Default: `<repo parent>/worktrees`. */
  worktreesRoot?: string;
  /** All protocols share one worktree and branch (the original's default). Default false. */
  singleWorktree?: boolean;
  /** Branch of the shared worktree when `singleWorktree` is on. Default `tasksgodzilla-worktree`. */
  worktreeBranch?: string;
  /** git executable (name looked up on PATH, or a path). Default `git`. */
  gitBinary?: string;
  /** GitHub CLI (name or path); `null` never uses it. Default `gh`. */
  ghBinary?: string | null;
  /** GitLab CLI (name or path); `null` never uses it. Default `glab`. */
  glabBinary?: string | null;
  /** GitHub REST base URL, e.g. `https://api.github.com`. */
  githubApiUrl: string;
  /** GitLab REST base URL, e.g. `https://gitlab.com/api/v4`. */
  gitlabApiUrl: string;
  githubToken?: string;
  gitlabToken?: string;
  /** Identity for commits and for `configureIdentity` when the call gives none. */
  identity?: GitIdentity;
  logger?: GitLogger;
  /**
   * Environment of child processes (git, gh, glab); also the PATH used to find gh/glab.
   * Default: the parent's environment, passed through unchanged.
   */
  env?: Record<string, string | undefined>;
  /**
   * Credentials of http(s) remotes, asked for the remote URL (the clone URL, else `origin`'s URL) before
   * each clone, fetch, push and ls-remote; they reach git through a credential helper (see
   * `gitCredentialsEnv`). Default: none.
   */
  credentials?: GitCredentialsResolver;
  /** Kill a git/gh/glab command after this long. Default 10 minutes. */
  commandTimeoutMs?: number;
  /** Timeout of each REST call. Default 30 s. */
  httpTimeoutMs?: number;
}

/** Where a project's repository lives or should live. */
export interface RepoLocator {
  projectId: number | string;
  gitUrl: string;
  /** Name used when the URL has no usable last segment. */
  projectName?: string;
  /** A checkout recorded earlier (the project's `local_path`); used when it is a git repo. */
  localPath?: string | null;
}

export interface EnsureRepoInput extends RepoLocator {
  /** Clone when the repo is not present. Default true. */
  cloneIfMissing?: boolean;
}

export interface EnsureRepoResult {
  path: string;
  cloned: boolean;
}

export interface EnsureWorktreeInput {
  /** The main checkout. */
  repoPath: string;
  protocolName: string;
  /** Branch the new protocol branch is cut from. Default `main`. */
  baseBranch?: string;
  /** Override the branch name (ignored in single-worktree mode). */
  branch?: string;
}

export interface WorktreeInfo {
  path: string;
  branch: string;
  /** False when an existing worktree (or an existing branch) was reused. */
  created: boolean;
  /** The ref the branch was cut from when it was created (`origin/main`, `main`), else null. */
  startPoint: string | null;
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, or null when detached. */
  branch: string | null;
  bare: boolean;
}

export interface CommitInput {
  /** Checkout (usually a protocol worktree) whose changes are committed. */
  repoPath: string;
  message: string;
  /** Default: the service's identity, else the repo's own git config. */
  author?: GitIdentity;
}

export type CommitResult = { committed: true; sha: string; files: string[] } | { committed: false };

export interface PushInput {
  repoPath: string;
  branch: string;
}

export type PushResult =
  | { pushed: true; remote: 'origin'; branch: string }
  | { pushed: false; reason: 'no_origin'; branch: string };

export interface EnsureOriginInput {
  repoPath: string;
  /** Added as origin when the repo has none. */
  gitUrl: string;
  /** Rewrite an https GitHub origin to SSH (reference §7.2 step 8, `TASKSGODZILLA_GH_SSH`). */
  preferSsh: boolean;
}

export interface EnsureOriginResult {
  url: string;
  changed: boolean;
}

export interface OpenPullRequestInput {
  /** Any checkout of the repo (the protocol worktree); origin is read from it. */
  repoPath: string;
  /** Head branch (already pushed). */
  branch: string;
  /** Target branch. */
  base: string;
  title: string;
  body?: string;
  draft?: boolean;
  /** Forge; default inferred from the origin URL host. */
  provider?: ForgeProvider;
}

export interface PullRequestResult {
  provider: ForgeProvider;
  via: 'gh' | 'glab' | 'rest';
  /** False when a PR/MR for this branch already existed and was returned instead. */
  created: boolean;
  url: string | null;
  /** PR number (GitHub) or MR iid (GitLab), when known. */
  number: number | null;
}

export interface GitService {
  /** The default layout path `<projectsRoot>/<project_id>/<repo_name>`; pure, touches nothing. */
  repoPathFor(locator: RepoLocator): string;
  /** The repo's path if it is present (recorded local path first, then the layout path), else null. Creates nothing. */
  resolveRepoPath(locator: RepoLocator): Promise<string | null>;
  /** Like resolveRepoPath, but clones into the layout path when missing and allowed. */
  ensureRepo(input: EnsureRepoInput): Promise<EnsureRepoResult>;
  isRepository(path: string): Promise<boolean>;

  /** The branch a protocol works on: its name, or the shared branch in single-worktree mode. */
  branchFor(protocolName: string, branch?: string): string;
  /** Where the worktree of `branch` lives for this repo. */
  worktreePathFor(repoPath: string, branch: string): string;
  ensureWorktree(input: EnsureWorktreeInput): Promise<WorktreeInfo>;
  listWorktrees(repoPath: string): Promise<WorktreeEntry[]>;
  /** `git worktree remove --force` + prune; the branch is kept. */
  removeWorktree(repoPath: string, worktreePath: string): Promise<{ removed: boolean }>;

  commitAll(input: CommitInput): Promise<CommitResult>;
  /** Patch text (header, stat and diff) of one commit. */
  showCommit(repoPath: string, sha: string): Promise<string>;
  /** Absolute git dir of a worktree (where per-worktree state such as the attempt lock lives). */
  gitDir(worktreePath: string): Promise<string>;
  /** The worktree's files (tracked and untracked, not ignored) kept as an index file in its git dir, and its HEAD. */
  snapshotWorktree(worktreePath: string): Promise<WorktreeSnapshot>;
  /** Puts the files back as in the snapshot (new ones removed); false, untouched, when HEAD has moved. */
  restoreWorktree(worktreePath: string, snapshot: WorktreeSnapshot): Promise<boolean>;
  /** Removes the index file the snapshot keeps (once it is no longer needed). */
  discardSnapshot(worktreePath: string, snapshot: WorktreeSnapshot): Promise<void>;
  headSha(repoPath: string): Promise<string>;
  /** HEAD's sha, full message (trailing whitespace trimmed) and changed files; null when the branch has no commit yet. */
  headCommit(repoPath: string): Promise<{ sha: string; message: string; files: string[] } | null>;
  /** HEAD's sha and full message (trailing whitespace trimmed), read from the repository's files when it can; null when the branch has no commit yet. */
  headMessage(repoPath: string): Promise<{ sha: string; message: string } | null>;
  currentBranch(repoPath: string): Promise<string | null>;

  push(input: PushInput): Promise<PushResult>;
  hasOrigin(repoPath: string): Promise<boolean>;
  getOriginUrl(repoPath: string): Promise<string | null>;
  setOriginUrl(repoPath: string, url: string): Promise<void>;
  ensureOrigin(input: EnsureOriginInput): Promise<EnsureOriginResult>;
  /** Writes user.name/user.email into the repo's local config; null when no identity is known. */
  configureIdentity(repoPath: string, identity?: GitIdentity): Promise<GitIdentity | null>;

  /** Branch names on origin (`[]` when there is no origin). */
  listRemoteBranches(repoPath: string): Promise<string[]>;
  remoteBranchExists(repoPath: string, branch: string): Promise<boolean>;
  deleteRemoteBranch(repoPath: string, branch: string): Promise<{ deleted: true; branch: string }>;

  /** Opens a PR/MR via gh/glab when installed, else the forge's REST API with a token. */
  openPullRequest(input: OpenPullRequestInput): Promise<PullRequestResult>;

  /** Reads an issue over the forge's REST API (token: the call's, else the configured one). */
  getIssue(ref: ForgeIssueRef): Promise<ForgeIssue>;
  /** Edits the issue comment `commentId` in place, or posts a new one when there is none (or it is gone). */
  upsertIssueComment(input: IssueCommentInput): Promise<IssueCommentResult>;
}
