import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, randomHex, ValidationError } from '@tasksgodzilla/core';
import type { CommandOptions, CommandResult } from './command-runner.js';
import type { WorktreeSnapshot } from './git-service.types.js';
import { gitDirFromFiles, headShaFromFiles } from './git-files.js';

// The file name of a kept snapshot index in a worktree's git dir; anything else is refused.
const SNAPSHOT_INDEX = /^tgz-snapshot-[0-9a-f]{12}$/;

type Git = (cwd: string, args: string[], options?: Omit<CommandOptions, 'cwd'>) => Promise<CommandResult>;

/** Snapshot and restore of a worktree's files, through a throw-away index so the real one is untouched. */
export interface WorktreeSnapshots {
  /** Absolute git dir of a worktree (`<repo>/.git/worktrees/<name>` for a linked worktree). */
  gitDir(worktreePath: string): Promise<string>;
  snapshotWorktree(worktreePath: string): Promise<WorktreeSnapshot>;
  /**
   * Puts the worktree's files back as they were in the snapshot: files it lacked are removed (ignored
   * ones are left alone), changed or deleted ones restored. Refused (false) when HEAD has moved since.
   */
  restoreWorktree(worktreePath: string, snapshot: WorktreeSnapshot): Promise<boolean>;
  /** Removes the index file a snapshot keeps in the git dir (nothing for a tree snapshot). */
  discardSnapshot(worktreePath: string, snapshot: WorktreeSnapshot): Promise<void>;
}

export function createWorktreeSnapshots(git: Git): WorktreeSnapshots {
  const out = async (cwd: string, args: string[], options?: Omit<CommandOptions, 'cwd'>) =>
    (await git(cwd, args, options)).stdout.trim();

  async function gitDir(worktreePath: string): Promise<string> {
    // The top level of a checkout names its git dir in its own files; anything else asks git.
    return gitDirFromFiles(worktreePath) ?? out(worktreePath, ['rev-parse', '--absolute-git-dir']);
  }

  async function withTempIndex<T>(
    worktreePath: string,
    fn: (env: Record<string, string>, index: { path: string; dir: string }) => Promise<T>,
  ): Promise<T> {
    const dir = await gitDir(worktreePath);
    const index = join(dir, `tgz-index-${randomHex(6)}`);
    try {
      return await fn({ GIT_INDEX_FILE: index }, { path: index, dir });
    } finally {
      rmSync(index, { force: true });
    }
  }

  // HEAD's commit from the checkout's ref files when they say it plainly, else from git.
  const headOf = async (worktreePath: string) =>
    headShaFromFiles(worktreePath) ?? out(worktreePath, ['rev-parse', 'HEAD']);

  /** The path of a snapshot's kept index in the git dir, after checking its name is one of ours. */
  function keptIndexPath(dir: string, name: string): string {
    if (!SNAPSHOT_INDEX.test(name)) {
      throw new ValidationError(`Not a worktree snapshot index: ${JSON.stringify(name)}`, [
        { path: ['snapshot', 'index'], message: 'must name a tgz-snapshot-<hex> file of the git dir' },
      ]);
    }
    return join(dir, name);
  }

  async function snapshotWorktree(worktreePath: string): Promise<WorktreeSnapshot> {
    const head = await headOf(worktreePath);
    const dir = await gitDir(worktreePath);
    // The index `add -A` leaves is the snapshot itself (it names a blob for every file, and the blobs
    // are written): kept as a file, it needs no `write-tree`, one git process less per attempt.
    const name = `tgz-snapshot-${randomHex(6)}`;
    const path = join(dir, name);
    const env = { GIT_INDEX_FILE: path };
    try {
      // A copy of the real index: `add -A` then only hashes what changed since it was written (its
      // stat data says what did not), and whatever it holds, `add -A` makes it the worktree's files.
      // No real index (a fresh checkout never written): start from HEAD's tree.
      try {
        copyFileSync(join(dir, 'index'), path);
      } catch {
        await git(worktreePath, ['read-tree', head], { env });
      }
      await git(worktreePath, ['add', '-A'], { env });
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
    return { head, index: name };
  }

  async function restoreWorktree(worktreePath: string, snapshot: WorktreeSnapshot): Promise<boolean> {
    if ((await headOf(worktreePath)) !== snapshot.head) return false;
    await withTempIndex(worktreePath, async (env, index) => {
      if (snapshot.index !== undefined) {
        // A copy: nothing below may change the kept snapshot.
        const kept = keptIndexPath(index.dir, snapshot.index);
        if (!existsSync(kept)) {
          throw new GitError(`The snapshot index ${snapshot.index} of ${worktreePath} is gone`, {
            code: 'snapshot_missing',
            retryable: false,
            details: { worktree: worktreePath, index: snapshot.index },
          });
        }
        copyFileSync(kept, index.path);
      } else if (snapshot.tree !== undefined) {
        // A snapshot of an earlier version: a tree object.
        await git(worktreePath, ['read-tree', snapshot.tree], { env });
      } else {
        throw new ValidationError('A worktree snapshot names an index or a tree', [
          { path: ['snapshot'], message: 'index or tree required' },
        ]);
      }
      // The snapshot's files first (a restored .gitignore then protects ignored files), then whatever is
      // untracked relative to the snapshot, i.e. written since, is removed.
      await git(worktreePath, ['checkout-index', '-a', '-f', '-q'], { env });
      await git(worktreePath, ['clean', '-f', '-d', '-q'], { env });
    });
    return true;
  }

  async function discardSnapshot(worktreePath: string, snapshot: WorktreeSnapshot): Promise<void> {
    if (snapshot.index === undefined) return;
    rmSync(keptIndexPath(await gitDir(worktreePath), snapshot.index), { force: true });
  }

  return { gitDir, snapshotWorktree, restoreWorktree, discardSnapshot };
}
