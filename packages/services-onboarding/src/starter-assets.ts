import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '@tasksgodzilla/core';
import { resolveInside } from '@tasksgodzilla/platform-git';
import { copyIfAbsent } from './file-copy.js';

/** The starter assets shipped with this package (`assets/`; `src/` and `dist/` sit one level below the root). */
export function starterAssetsDir(): string {
  return fileURLToPath(new URL('../assets/', import.meta.url));
}

export interface StarterAssetsResult {
  /** Paths (relative, `/`-separated) written now. */
  copied: string[];
  /** Paths that already existed and were left untouched. */
  skipped: string[];
  /** Paths not written because the target would leave the repository (e.g. a symlinked folder). */
  rejected: { path: string; reason: string }[];
}

/** Relative paths of every file under `dir`, `/`-separated, sorted. */
export async function listStarterAssets(dir: string = starterAssetsDir()): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * Copies each starter asset into `targetDir` when the target is missing; never overwrites (so a second
 * run, or a file the user already has, changes nothing). Shell scripts are made executable whatever
 * mode the package manager gave the source. Nothing is committed.
 */
export async function ensureStarterAssets(
  targetDir: string,
  options: { assetsDir?: string } = {},
): Promise<StarterAssetsResult> {
  const sourceDir = options.assetsDir ?? starterAssetsDir();
  const result: StarterAssetsResult = { copied: [], skipped: [], rejected: [] };
  for (const path of await listStarterAssets(sourceDir)) {
    let target: string;
    try {
      target = resolveInside(targetDir, path);
    } catch (error) {
      result.rejected.push({ path, reason: errorMessage(error) });
      continue;
    }
    if (await copyIfAbsent(join(sourceDir, path), target, { executable: path.endsWith('.sh') })) {
      result.copied.push(path);
    } else {
      result.skipped.push(path);
    }
  }
  return result;
}
