import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { initRepository } from './init-repo.js';
import { isolatedGitEnv, useTempDir } from './git.test-helpers.js';

describe('initRepository', () => {
  const dir = useTempDir('tgz-init-repo-');

  it('makes the folder a repository on the base branch, with nothing committed', async () => {
    const path = join(dir.path, 'fresh');
    mkdirSync(path);
    const env = isolatedGitEnv(dir.path);
    await initRepository({ path, baseBranch: 'trunk', env });
    expect(existsSync(join(path, '.git'))).toBe(true);
    expect(execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: path, env, encoding: 'utf8' }).trim()).toBe(
      'trunk',
    );
    expect(() =>
      execFileSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: path, env, stdio: 'pipe' }),
    ).toThrow();
  });

  it('rejects a bad branch name before running git', async () => {
    const path = join(dir.path, 'bad');
    mkdirSync(path);
    await expect(initRepository({ path, baseBranch: 'a..b', env: isolatedGitEnv(dir.path) })).rejects.toThrow(
      ValidationError,
    );
    expect(existsSync(join(path, '.git'))).toBe(false);
  });
});
