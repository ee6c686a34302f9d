import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const IDENTITY = [
  '-c',
  'user.name=TasksGodzilla Test',
  '-c',
  'user.email=test@tasksgodzilla.invalid',
  '-c',
  'init.defaultBranch=main',
  '-c',
  'commit.gpgsign=false',
];

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export interface TestRepo {
  /** Working repository with one commit on `main`. */
  path: string;
  /** Bare repository configured as `origin` of `path` (main pushed). */
  originPath: string;
}

/**
 * Creates `<root>/origin.git` (bare) and `<root>/repo` (a clone with a README commit pushed to main).
 * Pass `withOrigin: false` for a repository without a remote.
 */
export function createTestRepo(
  root: string,
  options: { withOrigin?: boolean; files?: Record<string, string> } = {},
): TestRepo {
  const path = join(root, 'repo');
  const originPath = join(root, 'origin.git');
  mkdirSync(path, { recursive: true });
  git(path, ['init', '-b', 'main']);
  const files = options.files ?? { 'README.md': '# sample\n' };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(path, name, '..'), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  git(path, ['add', '-A']);
  git(path, ['commit', '-m', 'initial commit']);
  if (options.withOrigin !== false) {
    git(root, ['init', '--bare', '-b', 'main', originPath]);
    git(path, ['remote', 'add', 'origin', originPath]);
    git(path, ['push', '-u', 'origin', 'main']);
  }
  return { path, originPath };
}
