import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, createTestRepo, git, useTempDir } from './index.js';

describe('testing helpers', () => {
  it('creates a repo with a bare origin and removes temp dirs', () => {
    const dir = createTempDir();
    const repo = createTestRepo(dir.path);
    expect(git(repo.path, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
    expect(git(repo.originPath, ['rev-parse', 'main'])).toBe(git(repo.path, ['rev-parse', 'HEAD']));
    expect(existsSync(join(repo.path, 'README.md'))).toBe(true);
    dir.remove();
    expect(existsSync(dir.path)).toBe(false);
  });
});

describe('useTempDir', () => {
  const dir = useTempDir('tgz-use-');
  const seen: string[] = [];

  it('gives each test a fresh folder', () => {
    expect(existsSync(dir.path)).toBe(true);
    seen.push(dir.path);
  });

  it('removed the previous test folder', () => {
    expect(dir.path).not.toBe(seen[0]);
    expect(existsSync(seen[0]!)).toBe(false);
  });
});
