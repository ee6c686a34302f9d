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

/**
 * Child environment that ignores the machine's global and system git config (no identity, no signing,
 * no hooks path, no proxies), so a suite behaves the same everywhere. `extra` is added on top.
 */
export function isolatedGitEnv(dir: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const emptyConfig = join(dir, 'empty.gitconfig');
  writeFileSync(emptyConfig, '');
  const env: Record<string, string | undefined> = {
    ...process.env,
    GIT_CONFIG_GLOBAL: emptyConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
  for (const key of Object.keys(env)) {
    if (
      /^GIT_(AUTHOR|COMMITTER)_|^EMAIL$|^GIT_DIR$|^GIT_WORK_TREE$|^GIT_INDEX_FILE$|^(http|https|all)_proxy$/i.test(key)
    )
      delete env[key];
  }
  return env;
}
