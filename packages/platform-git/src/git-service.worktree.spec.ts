import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, ValidationError } from '@tasksgodzilla/core';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { createTestGitService, isolatedGitEnv, TEST_IDENTITY, useTempDir } from './git.test-helpers.js';

/** Lands a new commit on origin/main through a second clone, so only a fetch can see it. */
function commitOnOrigin(root: string, originPath: string, file: string): string {
  const other = join(root, 'other-clone');
  git(root, ['clone', originPath, other]);
  writeFileSync(join(other, file), 'from elsewhere\n');
  git(other, ['add', file]);
  git(other, ['commit', '-m', `add ${file}`]);
  git(other, ['push', 'origin', 'main']);
  return git(other, ['rev-parse', 'HEAD']);
}

describe('GitService: worktrees and commits', () => {
  const dir = useTempDir('tgz-git-wt-');

  it('cuts the protocol branch from a freshly fetched origin/main, next to the repo', async () => {
    const service = createTestGitService(dir.path);
    const { path, originPath } = createTestRepo(dir.path);
    const newSha = commitOnOrigin(dir.path, originPath, 'LATER.md');
    expect(git(path, ['rev-parse', 'origin/main'])).not.toBe(newSha);

    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0001-add-login', baseBranch: 'main' });
    expect(wt).toEqual({
      path: join(dir.path, 'worktrees', '0001-add-login'),
      branch: '0001-add-login',
      created: true,
      startPoint: 'origin/main',
    });
    expect(git(wt.path, ['rev-parse', 'HEAD'])).toBe(newSha);
    expect(existsSync(join(wt.path, 'LATER.md'))).toBe(true);
    expect(await service.currentBranch(wt.path)).toBe('0001-add-login');
    // The main checkout is left alone.
    expect(await service.currentBranch(path)).toBe('main');
    expect(existsSync(join(path, 'LATER.md'))).toBe(false);
  });

  it('cuts from the local base branch when there is no origin', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: 'local-task' });
    expect(wt).toMatchObject({ branch: 'local-task', created: true, startPoint: 'main' });
    expect(git(wt.path, ['rev-parse', 'HEAD'])).toBe(git(path, ['rev-parse', 'main']));
    await expect(
      service.ensureWorktree({ repoPath: path, protocolName: 'other', baseBranch: 'develop' }),
    ).rejects.toMatchObject({
      code: 'git_bad_ref',
      retryable: false,
    });
  });

  it('fails clearly when origin lacks the base branch', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const error = await service
      .ensureWorktree({ repoPath: path, protocolName: 'p', baseBranch: 'release' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'git_bad_ref', retryable: false });
    expect((error as GitError).message).toMatch(/couldn't find remote ref/i);
  });

  it('is idempotent: the same protocol reuses its worktree and branch', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const first = await service.ensureWorktree({ repoPath: path, protocolName: 'again' });
    writeFileSync(join(first.path, 'work.txt'), 'in progress\n');
    const second = await service.ensureWorktree({ repoPath: path, protocolName: 'again' });
    expect(second).toEqual({ path: first.path, branch: 'again', created: false, startPoint: null });
    expect(readFileSync(join(second.path, 'work.txt'), 'utf8')).toBe('in progress\n');
    const listed = await service.listWorktrees(path);
    expect(listed.map((entry) => entry.branch)).toEqual(['main', 'again']);
  });

  it('stays idempotent under concurrent calls', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const results = await Promise.all([
      service.ensureWorktree({ repoPath: path, protocolName: 'busy' }),
      service.ensureWorktree({ repoPath: path, protocolName: 'busy' }),
      service.ensureWorktree({ repoPath: path, protocolName: 'other' }),
    ]);
    // Exactly one of the two calls for the same protocol creates it; which one is up to the scheduler.
    expect([results[0]?.created, results[1]?.created].sort()).toEqual([false, true]);
    expect(results[2]?.created).toBe(true);
    expect(results[0]?.path).toBe(results[1]?.path);
    expect((await service.listWorktrees(path)).map((entry) => entry.branch).sort()).toEqual(['busy', 'main', 'other']);
  });

  it('recreates a worktree on the kept branch after removal, and after its folder was deleted by hand', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: 'keep-branch' });
    writeFileSync(join(wt.path, 'a.txt'), 'a\n');
    const commit = await service.commitAll({ repoPath: wt.path, message: 'step 1' });
    expect(commit.committed).toBe(true);

    expect(await service.removeWorktree(path, wt.path)).toEqual({ removed: true });
    expect(existsSync(wt.path)).toBe(false);
    expect(git(path, ['branch', '--list', 'keep-branch'])).toContain('keep-branch');
    expect(await service.removeWorktree(path, wt.path)).toEqual({ removed: false });

    const again = await service.ensureWorktree({ repoPath: path, protocolName: 'keep-branch' });
    expect(again).toMatchObject({ path: wt.path, created: true, startPoint: null });
    expect(readFileSync(join(again.path, 'a.txt'), 'utf8')).toBe('a\n');

    rmSync(again.path, { recursive: true, force: true });
    const third = await service.ensureWorktree({ repoPath: path, protocolName: 'keep-branch' });
    expect(third.created).toBe(true);
    expect(existsSync(join(third.path, 'a.txt'))).toBe(true);
  });

  it('uses the configured worktrees root, keyed per repository', async () => {
    const service = createTestGitService(dir.path, { worktreesRoot: join(dir.path, 'wt-root') });
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: 'rooted' });
    expect(wt.path.startsWith(join(dir.path, 'wt-root', 'repo-'))).toBe(true);
    expect(wt.path.endsWith(join('/', 'rooted'))).toBe(true);
    expect(service.worktreePathFor(path, 'rooted')).toBe(wt.path);
  });

  it('single-worktree mode shares one branch between protocols', async () => {
    const service = createTestGitService(dir.path, { singleWorktree: true, worktreeBranch: 'shared-wt' });
    const { path } = createTestRepo(dir.path);
    const a = await service.ensureWorktree({ repoPath: path, protocolName: 'one' });
    const b = await service.ensureWorktree({ repoPath: path, protocolName: 'two' });
    expect(a).toMatchObject({ branch: 'shared-wt', created: true });
    expect(b).toEqual({ path: a.path, branch: 'shared-wt', created: false, startPoint: null });
    expect(service.branchFor('anything')).toBe('shared-wt');
  });

  it('rejects unsafe branch names, occupied folders and the main checkout branch', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    await expect(service.ensureWorktree({ repoPath: path, protocolName: '--force' })).rejects.toThrow(ValidationError);
    await expect(service.ensureWorktree({ repoPath: path, protocolName: '../escape' })).rejects.toThrow(
      ValidationError,
    );
    await expect(service.ensureWorktree({ repoPath: path, protocolName: 'main' })).rejects.toMatchObject({
      code: 'branch_checked_out',
    });
    mkdirSync(join(dir.path, 'worktrees', 'occupied'), { recursive: true });
    writeFileSync(join(dir.path, 'worktrees', 'occupied', 'x'), 'x');
    await expect(service.ensureWorktree({ repoPath: path, protocolName: 'occupied' })).rejects.toMatchObject({
      code: 'worktree_path_occupied',
    });
    await expect(service.ensureWorktree({ repoPath: join(dir.path, 'nope'), protocolName: 'x' })).rejects.toMatchObject(
      { code: 'git_not_a_repository' },
    );
  });

  it('commits everything with the given identity and returns sha and files; nothing to commit is not an error', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: 'commits' });

    expect(await service.commitAll({ repoPath: wt.path, message: 'empty' })).toEqual({ committed: false });

    mkdirSync(join(wt.path, '.protocols', 'commits'), { recursive: true });
    writeFileSync(join(wt.path, '.protocols', 'commits', 'plan.md'), '# plan\n');
    writeFileSync(join(wt.path, 'README.md'), '# changed\n');
    writeFileSync(join(wt.path, 'naïve file.txt'), 'x\n');
    const result = await service.commitAll({
      repoPath: wt.path,
      message: 'feat: step 1',
      author: { name: 'Step Author', email: 'step@tasksgodzilla.invalid' },
    });
    if (!result.committed) throw new Error('expected a commit');
    expect(result.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(result.sha).toBe(await service.headSha(wt.path));
    expect(result.files.sort()).toEqual(['.protocols/commits/plan.md', 'README.md', 'naïve file.txt']);
    expect(git(wt.path, ['log', '-1', '--format=%an <%ae>|%s'])).toBe(
      'Step Author <step@tasksgodzilla.invalid>|feat: step 1',
    );

    expect(await service.headCommit(wt.path)).toEqual({
      sha: result.sha,
      message: 'feat: step 1',
      files: result.files,
    });
    const unborn = join(dir.path, 'unborn');
    mkdirSync(unborn);
    git(unborn, ['init', '--quiet']);
    expect(await service.headCommit(unborn)).toBeNull();

    rmSync(join(wt.path, 'naïve file.txt'));
    const deletion = await service.commitAll({ repoPath: wt.path, message: 'remove file' });
    expect(deletion).toMatchObject({ committed: true, files: ['naïve file.txt'] });
    expect(git(wt.path, ['log', '-1', '--format=%an <%ae>'])).toBe(`${TEST_IDENTITY.name} <${TEST_IDENTITY.email}>`);

    expect(await service.commitAll({ repoPath: wt.path, message: 'again' })).toEqual({ committed: false });
    await expect(service.commitAll({ repoPath: wt.path, message: '  ' })).rejects.toThrow(ValidationError);
  });

  it('fails with a non-retryable GitError when no identity is known anywhere', async () => {
    // useConfigOnly stops git from guessing an identity from the host name.
    const globalConfig = join(dir.path, 'use-config-only.gitconfig');
    writeFileSync(globalConfig, '[user]\n\tuseConfigOnly = true\n');
    const env = isolatedGitEnv(dir.path, { GIT_CONFIG_GLOBAL: globalConfig });
    const service = createTestGitService(dir.path, { identity: undefined, env });
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    writeFileSync(join(path, 'x.txt'), 'x\n');
    const error = await service.commitAll({ repoPath: path, message: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'git_identity_missing', retryable: false });
  });

  it('shows the patch of a commit', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    writeFileSync(join(path, 'README.md'), '# sample\nsecond line\n');
    const commit = await service.commitAll({ repoPath: path, message: 'docs: second line' });
    if (!commit.committed) throw new Error('expected a commit');
    const patch = await service.showCommit(path, commit.sha);
    expect(patch).toContain(`commit ${commit.sha}`);
    expect(patch).toContain('docs: second line');
    expect(patch).toContain('diff --git a/README.md b/README.md');
    expect(patch).toContain('+second line');
    expect(await service.showCommit(path, commit.sha.slice(0, 10))).toBe(patch);

    await expect(service.showCommit(path, 'f'.repeat(40))).rejects.toMatchObject({
      code: 'commit_not_found',
      retryable: false,
    });
    await expect(service.showCommit(path, '--output=/tmp/x')).rejects.toThrow(ValidationError);
  });
});
