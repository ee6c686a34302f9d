import { ValidationError } from '@tasksgodzilla/core';
import { resolveInside } from '@tasksgodzilla/platform-git';

/**
 * `path` (relative to `root`, or absolute) as an absolute path inside `root`, symlinks of its existing
 * part included (platform-git's `resolveInside`); null when it would leave the folder.
 */
export function confinedPath(root: string, path: string): string | null {
  try {
    return resolveInside(root, path);
  } catch (error) {
    if (error instanceof ValidationError) return null;
    throw error;
  }
}
