import { basename, dirname, join, resolve } from 'node:path';
import { sha256Hex, ValidationError } from '@tasksgodzilla/core';
import type { RepoLocator } from './git-service.types.js';
import { repoNameFromUrl } from './remote-url.js';

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function safeSegment(value: string): string | null {
  const cleaned = value
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/\.+$/, '');
  return cleaned && SAFE_SEGMENT.test(cleaned) ? cleaned : null;
}

/** `<projectsRoot>/<project_id>/<repo_name>`, absolute. Repo name from the URL, else the project name, else `project`. */
export function layoutRepoPath(projectsRoot: string, locator: RepoLocator): string {
  const projectId = String(locator.projectId);
  if (!SAFE_SEGMENT.test(projectId) || projectId.includes('..')) {
    throw new ValidationError(`Invalid project id for a repository path: ${JSON.stringify(projectId)}`, [
      { path: ['projectId'], message: 'letters, digits, ".", "_" and "-" only' },
    ]);
  }
  const fromUrl = repoNameFromUrl(locator.gitUrl);
  const name =
    (fromUrl && safeSegment(fromUrl)) ?? (locator.projectName ? safeSegment(locator.projectName) : null) ?? 'project';
  return resolve(projectsRoot, projectId, name);
}

/**
 * Folder of a branch's worktree. Default `<repo parent>/worktrees/<branch>`; under a configured root
 * `<root>/<repo name>-<hash of the repo path>/<branch>`, so two projects sharing that root never collide.
 */
export function layoutWorktreePath(repoPath: string, branch: string, worktreesRoot: string | undefined): string {
  const absoluteRepo = resolve(repoPath);
  if (!worktreesRoot) return join(dirname(absoluteRepo), 'worktrees', branch);
  const key = sha256Hex(absoluteRepo).slice(0, 10);
  return join(resolve(worktreesRoot), `${safeSegment(basename(absoluteRepo)) ?? 'repo'}-${key}`, branch);
}
