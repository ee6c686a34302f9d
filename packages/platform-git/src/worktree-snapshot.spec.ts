import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { createTestGitService, useTempDir } from './git.test-helpers.js';

describe('GitService: worktree snapshots', () => {
  const dir = useTempDir('tgz-git-snap-');

  it('restores a worktree to its snapshot: later files removed, changed and deleted ones back, ignored and committed ones kept', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0001-snap', baseBranch: 'main' });
    mkdirSync(join(wt.path, '.protocols', '0001-snap'), { recursive: true });
    writeFileSync(join(wt.path, '.protocols', '0001-snap', 'plan.md'), '# plan\n');
    writeFileSync(join(wt.path, '.gitignore'), 'ignored/\n');
    await service.commitAll({ repoPath: wt.path, message: 'protocol files' });
    writeFileSync(join(wt.path, 'earlier-untracked.txt'), 'left by an earlier failed run\n');
    const before = git(wt.path, ['status', '--porcelain']);

    const snapshot = await service.snapshotWorktree(wt.path);
    expect(snapshot.head).toBe(git(wt.path, ['rev-parse', 'HEAD']));
    expect(git(wt.path, ['status', '--porcelain'])).toBe(before);

    // What a dead attempt leaves behind.
    writeFileSync(join(wt.path, 'earlier-untracked.txt'), 'overwritten\n');
    writeFileSync(join(wt.path, '.protocols', '0001-snap', 'plan.md'), 'clobbered\n');
    rmSync(join(wt.path, '.gitignore'));
    mkdirSync(join(wt.path, 'dead', 'deep'), { recursive: true });
    writeFileSync(join(wt.path, 'dead', 'deep', 'marker.txt'), 'dead attempt\n');
    mkdirSync(join(wt.path, 'ignored'));
    writeFileSync(join(wt.path, 'ignored', 'cache.bin'), 'x');

    expect(await service.restoreWorktree(wt.path, snapshot)).toBe(true);
    expect(readFileSync(join(wt.path, 'earlier-untracked.txt'), 'utf8')).toBe('left by an earlier failed run\n');
    expect(readFileSync(join(wt.path, '.protocols', '0001-snap', 'plan.md'), 'utf8')).toBe('# plan\n');
    expect(readFileSync(join(wt.path, '.gitignore'), 'utf8')).toBe('ignored/\n');
    expect(existsSync(join(wt.path, 'dead'))).toBe(false);
    expect(existsSync(join(wt.path, 'ignored', 'cache.bin'))).toBe(true);
    expect(git(wt.path, ['status', '--porcelain'])).toBe(before);
    // No temporary index is left in the git dir; the snapshot's own index is kept until discarded.
    const gitDir = await service.gitDir(wt.path);
    const files = () => readdirSync(gitDir).filter((name) => name.startsWith('tgz-'));
    expect(files()).toEqual([snapshot.index]);
    // Restored again: the kept index was not changed by the first restore.
    writeFileSync(join(wt.path, 'earlier-untracked.txt'), 'overwritten again\n');
    expect(await service.restoreWorktree(wt.path, snapshot)).toBe(true);
    expect(git(wt.path, ['status', '--porcelain'])).toBe(before);
    await service.discardSnapshot(wt.path, snapshot);
    expect(files()).toEqual([]);
  });

  it('restores a snapshot of an earlier version, a tree object, the same way', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0004-tree', baseBranch: 'main' });
    writeFileSync(join(wt.path, 'kept.txt'), 'before the attempt\n');
    const withIndex = { cwd: wt.path, env: { ...process.env, GIT_INDEX_FILE: join(dir.path, 'tree-index') } };
    execFileSync('git', ['read-tree', 'HEAD'], withIndex);
    execFileSync('git', ['add', '-A'], withIndex);
    const tree = execFileSync('git', ['write-tree'], { ...withIndex, encoding: 'utf8' }).trim();
    const snapshot = { head: git(wt.path, ['rev-parse', 'HEAD']), tree };

    writeFileSync(join(wt.path, 'kept.txt'), 'clobbered\n');
    writeFileSync(join(wt.path, 'dead.txt'), 'dead attempt\n');
    expect(await service.restoreWorktree(wt.path, snapshot)).toBe(true);
    expect(readFileSync(join(wt.path, 'kept.txt'), 'utf8')).toBe('before the attempt\n');
    expect(existsSync(join(wt.path, 'dead.txt'))).toBe(false);
    await service.discardSnapshot(wt.path, snapshot);
    expect(existsSync(join(wt.path, 'kept.txt'))).toBe(true);
  });

  it('refuses a snapshot whose index is not a snapshot file of the git dir, and one whose index is gone', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0005-names', baseBranch: 'main' });
    const head = git(wt.path, ['rev-parse', 'HEAD']);
    for (const index of ['index', '../../index', 'tgz-snapshot-../x']) {
      await expect(service.restoreWorktree(wt.path, { head, index })).rejects.toMatchObject({
        code: 'validation_error',
      });
      await expect(service.discardSnapshot(wt.path, { head, index })).rejects.toMatchObject({
        code: 'validation_error',
      });
    }
    expect(existsSync(join(await service.gitDir(wt.path), 'index'))).toBe(true);
    const snapshot = await service.snapshotWorktree(wt.path);
    await service.discardSnapshot(wt.path, snapshot);
    await expect(service.restoreWorktree(wt.path, snapshot)).rejects.toMatchObject({ code: 'snapshot_missing' });
  });

  it('refuses to restore once HEAD has moved (a commit happened since)', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0002-moved', baseBranch: 'main' });
    const snapshot = await service.snapshotWorktree(wt.path);
    writeFileSync(join(wt.path, 'committed.txt'), 'kept\n');
    await service.commitAll({ repoPath: wt.path, message: 'step' });
    expect(await service.restoreWorktree(wt.path, snapshot)).toBe(false);
    expect(existsSync(join(wt.path, 'committed.txt'))).toBe(true);
  });

  it('gives the absolute git dir of a linked worktree', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0003-dir', baseBranch: 'main' });
    expect(await service.gitDir(wt.path)).toMatch(/\.git\/worktrees\/[^/]+$/);
  });
});
