import { lstat } from 'node:fs/promises';
import { resolveInside, type GitService } from '@tasksgodzilla/platform-git';
import { copyIfAbsent } from './file-copy.js';
import { DISCOVERY_NOTES, DISCOVERY_OUTPUT_DIR } from './onboarding.discovery.js';
import { listStarterAssets, starterAssetsDir } from './starter-assets.js';

/** Message of the protocol branch's first commit when onboarding's files are brought in. */
export const SEED_COMMIT_MESSAGE = 'TasksGodzilla: onboarding starter assets and discovery notes';

export interface SeedWorktreeInput {
  /** The project's main checkout, where onboarding wrote its files (uncommitted). */
  repoPath: string;
  /** A freshly created protocol worktree (clean: its first commit holds only these files). */
  worktreePath: string;
}

export interface SeedWorktreeResult {
  /** Relative paths copied from the main checkout into the worktree. */
  copied: string[];
  /** The commit that holds them, null when nothing was missing. */
  commit: string | null;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Brings onboarding's output into a new protocol worktree as the branch's first commit: every
 * starter asset and discovery note that exists in the main checkout (onboarding leaves them there
 * uncommitted, and the worktree is cut from the base, so it lacks them) but not in the worktree is
 * copied — the main checkout's version, which discovery may have adapted — and committed. Files
 * already on the base branch are left alone, so once the first PR is merged nothing is committed
 * again. Paths that would leave either checkout (symlinks) are skipped.
 */
export async function seedProtocolWorktree(
  deps: { git: Pick<GitService, 'commitAll'>; assetsDir?: string },
  input: SeedWorktreeInput,
): Promise<SeedWorktreeResult> {
  const candidates = [
    ...(await listStarterAssets(deps.assetsDir ?? starterAssetsDir())),
    ...DISCOVERY_NOTES.map((name) => `${DISCOVERY_OUTPUT_DIR}/${name}`),
  ];
  const copied: string[] = [];
  for (const path of candidates) {
    let source: string;
    let target: string;
    try {
      source = resolveInside(input.repoPath, path);
      target = resolveInside(input.worktreePath, path);
    } catch {
      continue;
    }
    if ((await isFile(source)) && (await copyIfAbsent(source, target))) copied.push(path);
  }
  if (copied.length === 0) return { copied, commit: null };
  const commit = await deps.git.commitAll({ repoPath: input.worktreePath, message: SEED_COMMIT_MESSAGE });
  return { copied, commit: commit.committed ? commit.sha : null };
}
