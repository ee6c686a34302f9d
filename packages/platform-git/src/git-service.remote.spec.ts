import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError } from '@tasksgodzilla/core';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { createTestGitService, useTempDir } from './git.test-helpers.js';

describe('GitService: push and remote branches', () => {
  const dir = useTempDir('tgz-git-remote-');

  it('pushes the protocol branch with upstream and creates it on the bare origin', async () => {
    const service = createTestGitService(dir.path);
    const { path, originPath } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0002-push-me' });
    writeFileSync(join(wt.path, 'feature.txt'), 'feature\n');
    const commit = await service.commitAll({ repoPath: wt.path, message: 'feat: pushed' });
    if (!commit.committed) throw new Error('expected a commit');

    expect(await service.remoteBranchExists(wt.path, '0002-push-me')).toBe(false);
    expect(await service.push({ repoPath: wt.path, branch: '0002-push-me' })).toEqual({
      pushed: true,
      remote: 'origin',
      branch: '0002-push-me',
    });

    expect(git(originPath, ['rev-parse', 'refs/heads/0002-push-me'])).toBe(commit.sha);
    expect(git(wt.path, ['rev-parse', '--abbrev-ref', '0002-push-me@{upstream}'])).toBe('origin/0002-push-me');
    expect(await service.remoteBranchExists(path, '0002-push-me')).toBe(true);
    // Pushing again with nothing new is fine.
    expect((await service.push({ repoPath: wt.path, branch: '0002-push-me' })).pushed).toBe(true);
  });

  it('reports a clear no-op when there is no origin', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    expect(await service.push({ repoPath: path, branch: 'main' })).toEqual({
      pushed: false,
      reason: 'no_origin',
      branch: 'main',
    });
    expect(await service.listRemoteBranches(path)).toEqual([]);
    expect(await service.remoteBranchExists(path, 'main')).toBe(false);
    await expect(service.deleteRemoteBranch(path, 'main')).rejects.toMatchObject({
      code: 'no_origin',
      retryable: false,
    });
  });

  it('lists, checks and deletes remote branches (incl. names with slashes)', async () => {
    const service = createTestGitService(dir.path);
    const { path, originPath } = createTestRepo(dir.path);
    git(path, ['push', 'origin', 'main:refs/heads/feature/a', 'main:refs/heads/0003-b']);

    expect((await service.listRemoteBranches(path)).sort()).toEqual(['0003-b', 'feature/a', 'main']);
    expect(await service.remoteBranchExists(path, 'feature/a')).toBe(true);
    expect(await service.remoteBranchExists(path, 'feature')).toBe(false);

    expect(await service.deleteRemoteBranch(path, 'feature/a')).toEqual({ deleted: true, branch: 'feature/a' });
    expect((await service.listRemoteBranches(path)).sort()).toEqual(['0003-b', 'main']);
    expect(git(originPath, ['branch', '--list'])).not.toContain('feature/a');

    const error = await service.deleteRemoteBranch(path, 'feature/a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'git_bad_ref', retryable: false });
    expect((error as GitError).message).toMatch(/remote ref does not exist/);
  });

  it('marks an unreachable origin as a retryable failure', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    // Port 9 (discard) on loopback: refused at once, no network needed.
    await service.setOriginUrl(path, 'https://127.0.0.1:9/acme/app.git');
    const error = await service.push({ repoPath: path, branch: 'main' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'git_network', retryable: true });
    expect((error as GitError).message).toMatch(/unable to access/);
  });

  it('reports an origin that is not a repository as final, with git stderr', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path, { withOrigin: false });
    await service.setOriginUrl(path, join(dir.path, 'gone.git'));
    const error = await service.listRemoteBranches(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).details?.command).toEqual(expect.arrayContaining(['ls-remote', '--heads', 'origin']));
    expect(String((error as GitError).details?.stderr)).toMatch(/gone\.git/);
    expect((error as GitError).retryable).toBe(false);
  });
});
