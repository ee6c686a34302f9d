import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { errorMessage } from '@tasksgodzilla/core';
import { resolveInside } from '@tasksgodzilla/platform-git';
import { copyIfAbsent } from './file-copy.js';

/**
 * The starter assets shipped with this package (`<package>/assets/`), found through the package's own
 * name, so the path holds from `src/`, `dist/` or an app's bundle (where this code is in the app's file).
 */
export function starterAssetsDir(): string {
  const root = dirname(createRequire(import.meta.url).resolve('@tasksgodzilla/services-onboarding/package.json'));
  return join(root, 'assets', sep);
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
