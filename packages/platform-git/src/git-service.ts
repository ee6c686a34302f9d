import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { GitError, ValidationError, allowListedEnv, isAppError } from '@tasksgodzilla/core';
import { assertBranchName } from './branch-name.js';
import { createCommandRunner, type CommandOptions, type CommandResult } from './command-runner.js';
import { gitCredentialsEnv } from './git-credentials.js';
import { GIT_ALLOW_PROTOCOL, assertGitUrl } from './git-url.js';
import { findExecutable } from './find-executable.js';
import { createPullRequestWithCli } from './forge-cli.js';
import { createKeyedLock } from './keyed-lock.js';
import { createGithubPullRequest, GITHUB_ISSUE_API } from './github-rest.js';
import { createGitlabMergeRequest, GITLAB_ISSUE_API } from './gitlab-rest.js';
import { fetchForgeIssue, upsertForgeIssueComment, type ForgeEndpoint, type ForgeIssueRef } from './forge-issues.js';
import type {
  CommitInput,
  CommitResult,
  EnsureOriginInput,
  EnsureOriginResult,
  EnsureRepoInput,
  EnsureRepoResult,
  EnsureWorktreeInput,
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
} from './git-service.types.js';
import { redactCredentials as redactUrl } from './git-errors.js';
import { inferForgeProvider, parseRemoteUrl, toGithubSshUrl } from './remote-url.js';
import { layoutRepoPath, layoutWorktreePath } from './repo-layout.js';
import { createWorktreeSnapshots } from './worktree-snapshot.js';
import {
  gitDirFromFiles,
  headCommitFromFiles,
  headMessageFromFiles,
  headShaFromFiles,
  isWorktreeOfBranch,
  originUrlFromFiles,
} from './git-files.js';

const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_HTTP_TIMEOUT_MS = 30 * 1000;
const DEFAULT_SHARED_BRANCH = 'tasksgodzilla-worktree';
// Applied to every git call: raw UTF-8 paths in output, and no `ext::` transport (it runs commands).
// No repository hooks and no fsmonitor command: the repository (and an agent working in it) can
// write them, in `.git/hooks` or through a repository-local `core.hooksPath`/`core.fsmonitor`, and
// they would run as us. A command-line `-c` wins over every config file and reaches git's sub-gits.
const GIT_PREFIX = [
  '-c',
  'core.quotepath=false',
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
];
// No automatic housekeeping: without these, every commit (and fetch, merge, …) starts
// `git maintenance run --auto` / `git gc --auto`, a second git process per commit on the step path,
// and now and then a repack in the middle of a step. The system's repositories get their
// housekeeping once per protocol run instead, when its worktree is created (`housekeep`).
const NO_AUTO_HOUSEKEEPING = ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];
// `sh -c` script of commitAll: $0 is git, $1 the message, the rest git's options (before the command).
const ADD_AND_COMMIT = 'm=$1; shift; "$0" "$@" add -A && exec "$0" "$@" commit --quiet -m "$m"';

/**
 * What git, gh and glab inherit from the parent on top of core's `BASE_CHILD_ENV` (never a protected
 * name: the worker's tokens and database/Redis URLs stay out of reach of hooks, ssh and helpers):
 * the ssh agent and ssh command, git's config-file locations, the commit identity, the forge CLIs'
 * own config folders. Credentials for a remote are injected per call (`gitCredentialsEnv`).
 */
export const GIT_CHILD_ENV: readonly string[] = [
  'SSH_AUTH_SOCK',
  'SSH_AGENT_PID',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'XDG_CONFIG_HOME',
  'GH_CONFIG_DIR',
  'GH_HOST',
  'GLAB_CONFIG_DIR',
  'GITLAB_HOST',
];

const SILENT_LOGGER: GitLogger = { info: () => undefined, warn: () => undefined };

function realOrResolved(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

function samePath(a: string, b: string): boolean {
  return realOrResolved(a) === realOrResolved(b);
}

function assertIdentity(identity: GitIdentity): GitIdentity {
  for (const key of ['name', 'email'] as const) {
    const value = identity[key];
    if (typeof value !== 'string' || !value.trim() || /[\n\r<>\0]/.test(value)) {
      throw new ValidationError(`Invalid git identity ${key}`, [
        { path: ['identity', key], message: 'non-empty, one line, no < or >' },
      ]);
    }
  }
  return identity;
}

function assertOptionSafe(value: string, field: string): string {
  if (typeof value !== 'string' || !value.trim() || value.startsWith('-') || value.includes('\0')) {
    throw new ValidationError(`Invalid ${field}: ${JSON.stringify(value)}`, [
      { path: [field], message: 'must be non-empty and not start with "-"' },
    ]);
  }
  return value;
}

function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const line of output.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length), head: null, branch: null, bare: false };
      entries.push(current);
    } else if (current && line.startsWith('HEAD ')) {
      current.head = line.slice('HEAD '.length);
    } else if (current && line.startsWith('branch ')) {
      current.branch = line.slice('branch '.length).replace(/^refs\/heads\//, '');
    } else if (current && line === 'bare') {
      current.bare = true;
    }
  }
  return entries;
}

/** Creates the GitService. Nothing runs until a method is called. */
export function createGitService(deps: GitServiceDeps): GitService {
  const logger = deps.logger ?? SILENT_LOGGER;
  const gitBinary = deps.gitBinary ?? 'git';
  const sharedBranch = deps.worktreeBranch ?? DEFAULT_SHARED_BRANCH;
  const httpTimeoutMs = deps.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  // Children get the allow-list of the parent's environment (GIT_CHILD_ENV), never the whole of it;
  // git must never wait for a password prompt. Only https, ssh, git and local (file) transports:
  // remote helpers such as `fd::17` or `ext::` are refused by git.
  const childEnv: Record<string, string | undefined> = allowListedEnv({
    parent: deps.env ?? process.env,
    allow: GIT_CHILD_ENV,
    set: { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_ALLOW_PROTOCOL },
  });
  // Worktree changes of one repo are serialized in-process; across processes git's own locks and the
  // "already exists" recovery below keep ensureWorktree idempotent.
  const withRepoLock = createKeyedLock();
  const run = createCommandRunner({ env: childEnv, timeoutMs: deps.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS });

  // git messages are matched ("nothing to commit", "already exists"), so they must be in English.
  const git = (cwd: string, args: string[], options: Omit<CommandOptions, 'cwd'> = {}): Promise<CommandResult> =>
    run(gitBinary, [...GIT_PREFIX, ...NO_AUTO_HOUSEKEEPING, ...args], {
      ...options,
      cwd,
      env: { LC_ALL: 'C', LANGUAGE: undefined, ...options.env },
    });

  // `git add -A` then `git commit`, both with git()'s options, started by one small shell: a spawn
  // from this (large) process costs a fork of its whole address space, a fork from `sh` next to nothing.
  // The shell gets a fixed script; the binary, message and options are its arguments, never its text.
  const gitAddAndCommit = async (cwd: string, options: string[], message: string): Promise<CommandResult> => {
    try {
      return await run(
        '/bin/sh',
        ['-c', ADD_AND_COMMIT, gitBinary, message, ...GIT_PREFIX, ...NO_AUTO_HOUSEKEEPING, ...options],
        {
          cwd,
          env: { LC_ALL: 'C', LANGUAGE: undefined },
        },
      );
    } catch (error) {
      // 127: the shell found no git to run (git itself never exits so), as a spawn of git would say.
      if (isAppError(error) && error.details?.exitCode === 127) {
        throw new GitError(`${gitBinary} not found: is it installed and on PATH?`, {
          code: 'git_binary_not_found',
          retryable: false,
          details: error.details,
          cause: error,
        });
      }
      throw error;
    }
  };

  const gitOut = async (cwd: string, args: string[], options: Omit<CommandOptions, 'cwd'> = {}): Promise<string> =>
    (await git(cwd, args, options)).stdout.trim();

  /** The environment that authenticates a git invocation towards `url` (http(s) remotes with known credentials). */
  async function remoteEnv(url: string | null): Promise<Record<string, string> | undefined> {
    if (!url || !deps.credentials || !/^https?:\/\//i.test(url)) return undefined;
    const credentials = await deps.credentials(url);
    return credentials ? gitCredentialsEnv(credentials) : undefined;
  }

  const originEnv = async (repo: string): Promise<Record<string, string> | undefined> =>
    remoteEnv(await getOriginUrl(repo));

  async function isRepository(path: string): Promise<boolean> {
    if (!path || !existsSync(path)) return false;
    // A `.git` (folder or worktree pointer) with a HEAD behind it: the folder is a top level.
    if (gitDirFromFiles(path) !== null) return true;
    try {
      // A plain folder inside some other repo must not count: the top level has to be the folder itself.
      const top = await gitOut(path, ['rev-parse', '--show-toplevel']);
      return samePath(top, path);
    } catch {
      return false;
    }
  }

  async function requireRepository(path: string): Promise<string> {
    const absolute = resolve(path);
    if (!(await isRepository(absolute))) {
      throw new GitError(`Not a git repository: ${absolute}`, {
        code: 'git_not_a_repository',
        retryable: false,
        details: { path: absolute },
      });
    }
    return absolute;
  }

  async function getOriginUrl(repoPath: string): Promise<string | null> {
    // The repository's own config file names it in the plain form: no git spawned.
    const fromFiles = originUrlFromFiles(repoPath);
    if (fromFiles !== null) return fromFiles;
    const result = await git(repoPath, ['config', '--get', 'remote.origin.url'], { okExitCodes: [0, 1] });
    const url = result.stdout.trim();
    return result.exitCode === 0 && url ? url : null;
  }

  async function hasOrigin(repoPath: string): Promise<boolean> {
    return (await getOriginUrl(repoPath)) !== null;
  }

  async function refExists(repoPath: string, ref: string): Promise<boolean> {
    const result = await git(repoPath, ['show-ref', '--verify', '--quiet', ref], { okExitCodes: [0, 1] });
    return result.exitCode === 0;
  }

  async function listWorktrees(repoPath: string): Promise<WorktreeEntry[]> {
    return parseWorktreeList((await git(repoPath, ['worktree', 'list', '--porcelain'])).stdout);
  }

  function branchFor(protocolName: string, branch?: string): string {
    if (deps.singleWorktree) return assertBranchName(sharedBranch, 'worktreeBranch');
    return assertBranchName(branch ?? protocolName, branch === undefined ? 'protocolName' : 'branch');
  }

  function worktreePathFor(repoPath: string, branch: string): string {
    return layoutWorktreePath(repoPath, assertBranchName(branch), deps.worktreesRoot);
  }

  async function resolveRepoPath(locator: RepoLocator): Promise<string | null> {
    if (locator.localPath && (await isRepository(locator.localPath))) return resolve(locator.localPath);
    const layoutPath = layoutRepoPath(deps.projectsRoot, locator);
    return (await isRepository(layoutPath)) ? layoutPath : null;
  }

  async function ensureRepo(input: EnsureRepoInput): Promise<EnsureRepoResult> {
    const found = await resolveRepoPath(input);
    if (found) return { path: found, cloned: false };
    const target = layoutRepoPath(deps.projectsRoot, input);
    if (input.cloneIfMissing === false) {
      throw new GitError(`Repository not present locally at ${target}`, {
        code: 'repo_not_present',
        retryable: false,
        details: { path: target, git_url: redactUrl(input.gitUrl) },
      });
    }
    assertOptionSafe(input.gitUrl, 'gitUrl');
    assertGitUrl(input.gitUrl, 'gitUrl');
    // git clones from the target's parent folder, so a relative local path is made absolute first.
    const gitUrl = !isAbsolute(input.gitUrl) && existsSync(input.gitUrl) ? resolve(input.gitUrl) : input.gitUrl;
    if (existsSync(target) && readdirSync(target).length > 0) {
      throw new GitError(`Cannot clone into ${target}: the folder exists and is not an empty git checkout`, {
        code: 'repo_path_occupied',
        retryable: false,
        details: { path: target },
      });
    }
    await mkdir(dirname(target), { recursive: true });
    logger.info('cloning repository', { git_url: redactUrl(gitUrl), path: target });
    await git(dirname(target), ['clone', '--', gitUrl, target], { network: true, env: await remoteEnv(gitUrl) });
    return { path: target, cloned: true };
  }

  async function addWorktree(repo: string, path: string, branch: string, baseBranch: string): Promise<string | null> {
    await mkdir(dirname(path), { recursive: true });
    if (await refExists(repo, `refs/heads/${branch}`)) {
      // The worktree was removed earlier but its branch (and its commits) are kept: check it out again.
      await git(repo, ['worktree', 'add', path, branch]);
      return null;
    }
    if (await hasOrigin(repo)) {
      await git(repo, ['fetch', '--no-tags', 'origin', `+refs/heads/${baseBranch}:refs/remotes/origin/${baseBranch}`], {
        network: true,
        env: await originEnv(repo),
      });
      await git(repo, ['worktree', 'add', '--no-track', '-b', branch, path, `refs/remotes/origin/${baseBranch}`]);
      return `origin/${baseBranch}`;
    }
    if (!(await refExists(repo, `refs/heads/${baseBranch}`))) {
      throw new GitError(
        `Base branch ${baseBranch} does not exist in ${repo} (and there is no origin to fetch it from)`,
        {
          code: 'git_bad_ref',
          retryable: false,
          details: { repo, base_branch: baseBranch },
        },
      );
    }
    await git(repo, ['worktree', 'add', '-b', branch, path, `refs/heads/${baseBranch}`]);
    return baseBranch;
  }

  async function findBranchWorktree(repo: string, branch: string): Promise<WorktreeEntry | null> {
    const entries = await listWorktrees(repo);
    const index = entries.findIndex((entry) => entry.branch === branch);
    if (index < 0) return null;
    if (index === 0) {
      throw new GitError(
        `Branch ${branch} is checked out in the main checkout ${repo}; a protocol needs a branch of its own`,
        {
          code: 'branch_checked_out',
          retryable: false,
          details: { repo, branch },
        },
      );
    }
    return entries[index] ?? null;
  }

  /**
   * The automatic housekeeping every git call leaves out (NO_AUTO_HOUSEKEEPING), run once: git decides
   * by its own thresholds (`gc.auto`, `gc.autoPackLimit`, the repository's `maintenance.*` tasks)
   * whether anything is due, and a due gc goes to the background as usual. Best effort.
   */
  async function housekeep(repo: string): Promise<void> {
    try {
      await run(gitBinary, [...GIT_PREFIX, 'maintenance', 'run', '--auto', '--quiet'], {
        cwd: repo,
        env: { LC_ALL: 'C', LANGUAGE: undefined },
      });
    } catch (error) {
      logger.warn('git housekeeping failed', { repo, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async function ensureWorktree(input: EnsureWorktreeInput): Promise<WorktreeInfo> {
    const branch = branchFor(input.protocolName, input.branch);
    const baseBranch = assertBranchName(input.baseBranch ?? 'main', 'baseBranch');
    const repo = await requireRepository(input.repoPath);
    return withRepoLock(realOrResolved(repo), () => ensureWorktreeLocked(repo, branch, baseBranch));
  }

  async function ensureWorktreeLocked(repo: string, branch: string, baseBranch: string): Promise<WorktreeInfo> {
    const path = worktreePathFor(repo, branch);
    // Every step job asks again for a worktree that exists: answered from its files, no git spawned.
    if (isWorktreeOfBranch(repo, path, branch)) return { path, branch, created: false, startPoint: null };
    // Forget worktrees whose folders were deleted by hand, so they can be recreated.
    await git(repo, ['worktree', 'prune']);
    const existing = await findBranchWorktree(repo, branch);
    if (existing) return { path: existing.path, branch, created: false, startPoint: null };
    if (existsSync(path) && readdirSync(path).length > 0) {
      throw new GitError(`Cannot create the worktree of ${branch}: ${path} exists and is not a worktree of ${repo}`, {
        code: 'worktree_path_occupied',
        retryable: false,
        details: { repo, branch, path },
      });
    }
    try {
      const startPoint = await addWorktree(repo, path, branch, baseBranch);
      logger.info('worktree created', { repo, branch, path, start_point: startPoint });
      await housekeep(repo);
      return { path, branch, created: true, startPoint };
    } catch (error) {
      // Another worker may have created the same worktree a moment ago: that is the idempotent outcome.
      if (isAppError(error) && error.code === 'git_already_exists') {
        const raced = await findBranchWorktree(repo, branch);
        if (raced) return { path: raced.path, branch, created: false, startPoint: null };
      }
      throw error;
    }
  }

  async function removeWorktree(repoPath: string, worktreePath: string): Promise<{ removed: boolean }> {
    const repo = await requireRepository(repoPath);
    return withRepoLock(realOrResolved(repo), () => removeWorktreeLocked(repo, worktreePath));
  }

  async function removeWorktreeLocked(repo: string, worktreePath: string): Promise<{ removed: boolean }> {
    await git(repo, ['worktree', 'prune']);
    const entries = await listWorktrees(repo);
    const entry = entries.slice(1).find((candidate) => samePath(candidate.path, worktreePath));
    if (!entry) return { removed: false };
    await git(repo, ['worktree', 'remove', '--force', entry.path]);
    await git(repo, ['worktree', 'prune']);
    logger.info('worktree removed', { repo, path: entry.path, branch: entry.branch });
    return { removed: true };
  }

  async function commitAll(input: CommitInput): Promise<CommitResult> {
    if (typeof input.message !== 'string' || !input.message.trim()) {
      throw new ValidationError('A commit message is required', [{ path: ['message'], message: 'empty' }]);
    }
    const identity = input.author ?? deps.identity;
    const identityArgs = identity
      ? ['-c', `user.name=${assertIdentity(identity).name}`, '-c', `user.email=${identity.email}`]
      : [];
    // No `diff --cached --quiet` first: git itself says when nothing is staged (answered below).
    try {
      await gitAddAndCommit(input.repoPath, identityArgs, input.message);
    } catch (error) {
      const output = isAppError(error)
        ? `${String(error.details?.stdout ?? '')}\n${String(error.details?.stderr ?? '')}`
        : '';
      if (/nothing to commit|nothing added to commit|no changes added to commit/i.test(output))
        return { committed: false };
      throw error;
    }
    const head = await headCommit(input.repoPath);
    if (!head) throw new GitError(`No commit at HEAD of ${input.repoPath} after committing`, { code: 'git_bad_ref' });
    return { committed: true, sha: head.sha, files: head.files };
  }

  async function showCommit(repoPath: string, sha: string): Promise<string> {
    assertOptionSafe(sha, 'sha');
    const verified = await git(repoPath, ['rev-parse', '--verify', '--quiet', `${sha}^{commit}`], {
      okExitCodes: [0, 1, 128],
    });
    const full = verified.stdout.trim();
    if (verified.exitCode !== 0 || !full) {
      throw new GitError(`Commit ${sha} not found in ${repoPath}`, {
        code: 'commit_not_found',
        retryable: false,
        details: { sha, repo: repoPath },
      });
    }
    return (await git(repoPath, ['show', '--no-color', '--no-ext-diff', '--stat', '--patch', '--format=fuller', full]))
      .stdout;
  }

  async function headSha(repoPath: string): Promise<string> {
    return headShaFromFiles(repoPath) ?? gitOut(repoPath, ['rev-parse', 'HEAD']);
  }

  /**
   * Sha, message and changed files of one commit in a single git call (`null` when `rev` names no
   * commit, e.g. HEAD before the first commit). diff-tree prints `<sha>\0<message>\0` and then, after a
   * newline, the NUL-separated file names; `--always` keeps commits without changes.
   */
  async function describeCommit(
    repoPath: string,
    rev: string,
  ): Promise<{ sha: string; message: string; files: string[] } | null> {
    const result = await git(
      repoPath,
      ['diff-tree', '--always', '--root', '-r', '-z', '--name-only', '--format=%H%x00%B', rev, '--'],
      { okExitCodes: [0, 128] },
    );
    const out = result.stdout;
    const shaEnd = out.indexOf('\0');
    const messageEnd = shaEnd < 0 ? -1 : out.indexOf('\0', shaEnd + 1);
    if (result.exitCode !== 0 || messageEnd < 0) return null;
    const files = out
      .slice(messageEnd + 1)
      .replace(/^\n/, '')
      .split('\0')
      .filter((file) => file.length > 0);
    return { sha: out.slice(0, shaEnd), message: out.slice(shaEnd + 1, messageEnd).trimEnd(), files };
  }

  /** From the loose objects of a commit with one parent (a step's commit), else one `diff-tree`. */
  const headCommit = async (repoPath: string) => headCommitFromFiles(repoPath) ?? describeCommit(repoPath, 'HEAD');

  async function headMessage(repoPath: string): Promise<{ sha: string; message: string } | null> {
    const fromFiles = headMessageFromFiles(repoPath);
    if (fromFiles !== null) return fromFiles;
    const head = await describeCommit(repoPath, 'HEAD');
    return head === null ? null : { sha: head.sha, message: head.message };
  }

  async function currentBranch(repoPath: string): Promise<string | null> {
    const result = await git(repoPath, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1] });
    return result.exitCode === 0 ? result.stdout.trim() || null : null;
  }

  async function push(input: PushInput): Promise<PushResult> {
    const branch = assertBranchName(input.branch);
    const origin = await getOriginUrl(input.repoPath);
    if (origin === null) {
      logger.info('no origin: push skipped', { repo: input.repoPath, branch });
      return { pushed: false, reason: 'no_origin', branch };
    }
    await git(input.repoPath, ['push', '-u', 'origin', branch], { network: true, env: await remoteEnv(origin) });
    logger.info('branch pushed', { repo: input.repoPath, branch });
    return { pushed: true, remote: 'origin', branch };
  }

  async function setOriginUrl(repoPath: string, url: string): Promise<void> {
    assertOptionSafe(url, 'url');
    if (await hasOrigin(repoPath)) await git(repoPath, ['remote', 'set-url', 'origin', url]);
    else await git(repoPath, ['remote', 'add', 'origin', url]);
  }

  async function ensureOrigin(input: EnsureOriginInput): Promise<EnsureOriginResult> {
    let url = await getOriginUrl(input.repoPath);
    let changed = false;
    if (!url) {
      url = assertOptionSafe(input.gitUrl, 'gitUrl');
      await git(input.repoPath, ['remote', 'add', 'origin', url]);
      changed = true;
    }
    const ssh = input.preferSsh ? toGithubSshUrl(url) : null;
    if (ssh && ssh !== url) {
      await git(input.repoPath, ['remote', 'set-url', 'origin', ssh]);
      url = ssh;
      changed = true;
    }
    return { url, changed };
  }

  async function configureIdentity(repoPath: string, identity?: GitIdentity): Promise<GitIdentity | null> {
    const chosen = identity ?? deps.identity;
    if (!chosen) return null;
    assertIdentity(chosen);
    await git(repoPath, ['config', '--local', 'user.name', chosen.name]);
    await git(repoPath, ['config', '--local', 'user.email', chosen.email]);
    return { name: chosen.name, email: chosen.email };
  }

  async function listRemoteBranches(repoPath: string): Promise<string[]> {
    if (!(await hasOrigin(repoPath))) return [];
    const output = await gitOut(repoPath, ['ls-remote', '--heads', 'origin'], {
      network: true,
      env: await originEnv(repoPath),
    });
    return output
      .split('\n')
      .map((line) => line.split('\t')[1] ?? '')
      .filter((ref) => ref.startsWith('refs/heads/'))
      .map((ref) => ref.slice('refs/heads/'.length));
  }

  async function remoteBranchExists(repoPath: string, branch: string): Promise<boolean> {
    assertBranchName(branch);
    if (!(await hasOrigin(repoPath))) return false;
    const result = await git(repoPath, ['ls-remote', '--exit-code', '--heads', 'origin', `refs/heads/${branch}`], {
      network: true,
      okExitCodes: [0, 2],
      env: await originEnv(repoPath),
    });
    return result.exitCode === 0 && result.stdout.trim().length > 0;
  }

  async function deleteRemoteBranch(repoPath: string, branch: string): Promise<{ deleted: true; branch: string }> {
    assertBranchName(branch);
    if (!(await hasOrigin(repoPath))) {
      throw new GitError(`Cannot delete remote branch ${branch}: ${repoPath} has no origin`, {
        code: 'no_origin',
        retryable: false,
        details: { repo: repoPath, branch },
      });
    }
    await git(repoPath, ['push', 'origin', '--delete', branch], { network: true, env: await originEnv(repoPath) });
    logger.info('remote branch deleted', { repo: repoPath, branch });
    return { deleted: true, branch };
  }

  async function openPullRequest(input: OpenPullRequestInput): Promise<PullRequestResult> {
    const head = assertBranchName(input.branch);
    const base = assertBranchName(input.base, 'base');
    if (typeof input.title !== 'string' || !input.title.trim()) {
      throw new ValidationError('A pull request title is required', [{ path: ['title'], message: 'empty' }]);
    }
    const origin = await getOriginUrl(input.repoPath);
    const provider = input.provider ?? (origin ? inferForgeProvider(origin) : null);
    if (!provider) {
      throw new GitError(
        `Cannot tell whether origin ${origin ? redactUrl(origin) : '(none)'} is on GitHub or GitLab; set the project's CI provider`,
        {
          code: 'forge_unknown',
          retryable: false,
          details: { repo: input.repoPath, origin: origin ? redactUrl(origin) : null },
        },
      );
    }
    const body = input.body ?? '';
    const draft = input.draft ?? false;
    const cliName =
      provider === 'github'
        ? deps.ghBinary === undefined
          ? 'gh'
          : deps.ghBinary
        : deps.glabBinary === undefined
          ? 'glab'
          : deps.glabBinary;
    const cliPath = cliName ? await findExecutable(cliName, childEnv.PATH) : null;
    if (cliPath) {
      const token = provider === 'github' ? deps.githubToken : deps.gitlabToken;
      const result = await createPullRequestWithCli(run, {
        provider,
        binary: cliPath,
        cwd: input.repoPath,
        head,
        base,
        title: input.title,
        body,
        draft,
        token,
      });
      logger.info('pull request opened', { ...result, branch: head, base });
      return result;
    }
    const token = provider === 'github' ? deps.githubToken : deps.gitlabToken;
    if (!token) {
      throw new GitError(
        provider === 'github'
          ? 'Cannot open a pull request: gh is not available and no GitHub token is configured (GITHUB_TOKEN)'
          : 'Cannot open a merge request: glab is not available and no GitLab token is configured (GITLAB_TOKEN)',
        { code: 'forge_credentials_missing', retryable: false, details: { provider } },
      );
    }
    const location = origin ? parseRemoteUrl(origin) : null;
    if (!location || (provider === 'github' && location.owner.includes('/'))) {
      throw new GitError(`Cannot read owner/repo from origin ${origin ? redactUrl(origin) : '(none)'}`, {
        code: 'forge_remote_unparsable',
        retryable: false,
        details: { provider, origin: origin ? redactUrl(origin) : null },
      });
    }
    const result =
      provider === 'github'
        ? await createGithubPullRequest({
            apiUrl: deps.githubApiUrl,
            token,
            owner: location.owner,
            repo: location.repo,
            head,
            base,
            title: input.title,
            body,
            draft,
            timeoutMs: httpTimeoutMs,
          })
        : await createGitlabMergeRequest({
            apiUrl: deps.gitlabApiUrl,
            token,
            projectPath: location.fullPath,
            sourceBranch: head,
            targetBranch: base,
            title: input.title,
            description: body,
            draft,
            timeoutMs: httpTimeoutMs,
          });
    logger.info(result.created ? 'pull request opened' : 'pull request already open', {
      ...result,
      branch: head,
      base,
    });
    return result;
  }

  /** The REST endpoint of a forge for one issue call: the call's token, else the configured one. */
  function issueEndpoint(ref: ForgeIssueRef): ForgeEndpoint {
    const token = ref.token || (ref.provider === 'github' ? deps.githubToken : deps.gitlabToken);
    if (!token) {
      throw new GitError(
        `Cannot reach ${ref.provider === 'github' ? 'GitHub' : 'GitLab'} issues: no token (project secret or ${ref.provider === 'github' ? 'GITHUB_TOKEN' : 'GITLAB_TOKEN'})`,
        { code: 'forge_credentials_missing', retryable: false, details: { provider: ref.provider } },
      );
    }
    const apiUrl = ref.provider === 'github' ? deps.githubApiUrl : deps.gitlabApiUrl;
    return { apiUrl, token, timeoutMs: httpTimeoutMs };
  }

  const issueApi = (ref: ForgeIssueRef) => (ref.provider === 'github' ? GITHUB_ISSUE_API : GITLAB_ISSUE_API);

  return {
    getIssue: async (ref) => fetchForgeIssue(issueApi(ref), ref, issueEndpoint(ref)),
    upsertIssueComment: async (input) => {
      const result = await upsertForgeIssueComment(issueApi(input), input, issueEndpoint(input));
      logger.info(result.created ? 'issue comment posted' : 'issue comment edited', {
        provider: input.provider,
        repository: input.repository,
        issue: input.number,
        comment_id: result.commentId,
      });
      return result;
    },
    ...createWorktreeSnapshots(git),
    repoPathFor: (locator) => layoutRepoPath(deps.projectsRoot, locator),
    resolveRepoPath,
    ensureRepo,
    isRepository,
    branchFor,
    worktreePathFor,
    ensureWorktree,
    listWorktrees: async (repoPath) => listWorktrees(await requireRepository(repoPath)),
    removeWorktree,
    commitAll,
    showCommit,
    headSha,
    headCommit,
    headMessage,
    currentBranch,
    push,
    hasOrigin,
    getOriginUrl,
    setOriginUrl,
    ensureOrigin,
    configureIdentity,
    listRemoteBranches,
    remoteBranchExists,
    deleteRemoteBranch,
    openPullRequest,
  };
}
