import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

// Answers read from the few files git keeps for a checkout (`.git`, `HEAD`, `commondir`), so the
// per-step path does not spawn git for facts that do not change while a step runs. Each reader
// returns null when the files do not look exactly as expected; the caller then asks git itself.

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * The git dir of a checkout whose top level is `folder`: `<folder>/.git` when it is a directory with a
 * HEAD, the target of a `gitdir: …` file (a linked worktree) when that target has a HEAD; else null.
 */
export function gitDirFromFiles(folder: string): string | null {
  const dotGit = join(folder, '.git');
  if (isDirectory(dotGit)) return readText(join(dotGit, 'HEAD')) === null ? null : real(dotGit);
  const pointer = readText(dotGit);
  const match = pointer === null ? null : /^gitdir: (.+)\n?$/.exec(pointer);
  if (!match?.[1]) return null;
  const target = isAbsolute(match[1]) ? match[1] : resolve(folder, match[1]);
  return readText(join(target, 'HEAD')) === null ? null : real(target);
}

/**
 * True when `worktree` is a linked worktree of the repository whose main checkout is `repo`, with
 * `branch` checked out: its git dir is one of the repository's worktree entries (`commondir` leads
 * back to the repository's git dir) and its HEAD names `refs/heads/<branch>`.
 */
export function isWorktreeOfBranch(repo: string, worktree: string, branch: string): boolean {
  const repoGitDir = gitDirFromFiles(repo);
  const gitDir = gitDirFromFiles(worktree);
  if (!repoGitDir || !gitDir || gitDir === repoGitDir) return false;
  if (readText(join(gitDir, 'HEAD'))?.trim() !== `ref: refs/heads/${branch}`) return false;
  const common = readText(join(gitDir, 'commondir'))?.trim();
  if (!common) return false;
  return real(isAbsolute(common) ? common : resolve(gitDir, common)) === repoGitDir;
}
