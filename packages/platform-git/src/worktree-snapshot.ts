import { randomBytes } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOptions, CommandResult } from './command-runner.js';
import type { WorktreeSnapshot } from './git-service.types.js';
import { gitDirFromFiles, headShaFromFiles } from './git-files.js';

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
    fn: (env: Record<string, string>, index: { path: string; real: string }) => Promise<T>,
  ): Promise<T> {
    const dir = await gitDir(worktreePath);
    const index = join(dir, `tgz-index-${randomBytes(6).toString('hex')}`);
    try {
      return await fn({ GIT_INDEX_FILE: index }, { path: index, real: join(dir, 'index') });
    } finally {
      rmSync(index, { force: true });
    }
  }

  // HEAD's commit from the checkout's ref files when they say it plainly, else from git.
  const headOf = async (worktreePath: string) =>
    headShaFromFiles(worktreePath) ?? out(worktreePath, ['rev-parse', 'HEAD']);

  async function snapshotWorktree(worktreePath: string): Promise<WorktreeSnapshot> {
    const head = await headOf(worktreePath);
    const tree = await withTempIndex(worktreePath, async (env, index) => {
      // A copy of the real index: `add -A` then only hashes what changed since it was written (its
      // stat data says what did not), and whatever it holds, `add -A` makes it the worktree's files.
      // No real index (a fresh checkout never written): start from HEAD's tree.
      try {
        copyFileSync(index.real, index.path);
      } catch {
        await git(worktreePath, ['read-tree', head], { env });
      }
      await git(worktreePath, ['add', '-A'], { env });
      return out(worktreePath, ['write-tree'], { env });
    });
    return { head, tree };
  }

  async function restoreWorktree(worktreePath: string, snapshot: WorktreeSnapshot): Promise<boolean> {
    if ((await headOf(worktreePath)) !== snapshot.head) return false;
    await withTempIndex(worktreePath, async (env) => {
      await git(worktreePath, ['read-tree', snapshot.tree], { env });
      // The snapshot's files first (a restored .gitignore then protects ignored files), then whatever is
      // untracked relative to the snapshot, i.e. written since, is removed.
      await git(worktreePath, ['checkout-index', '-a', '-f', '-q'], { env });
      await git(worktreePath, ['clean', '-f', '-d', '-q'], { env });
    });
    return true;
  }

  return { gitDir, snapshotWorktree, restoreWorktree };
}
