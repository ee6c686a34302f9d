import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, ValidationError } from '@tasksgodzilla/core';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { createTestGitService, TEST_IDENTITY, useTempDir } from './git.test-helpers.js';

describe('GitService: repositories', () => {
  const dir = useTempDir('tgz-git-repo-');

  it('computes the layout path <projectsRoot>/<project_id>/<repo_name> without touching the disk', () => {
    const service = createTestGitService(dir.path);
    expect(service.repoPathFor({ projectId: 7, gitUrl: 'https://github.com/acme/widgets.git' })).toBe(
      join(dir.path, 'projects', '7', 'widgets'),
    );
    expect(service.repoPathFor({ projectId: 7, gitUrl: 'git@gitlab.com:g/sub/app.git' })).toBe(
      join(dir.path, 'projects', '7', 'app'),
    );
    expect(service.repoPathFor({ projectId: 8, gitUrl: 'https://x.invalid/', projectName: 'My App' })).toBe(
      join(dir.path, 'projects', '8', 'x.invalid'),
    );
    expect(service.repoPathFor({ projectId: 9, gitUrl: '..', projectName: 'My App' })).toBe(
      join(dir.path, 'projects', '9', 'My-App'),
    );
    expect(service.repoPathFor({ projectId: 9, gitUrl: '' })).toBe(join(dir.path, 'projects', '9', 'project'));
    expect(() => service.repoPathFor({ projectId: '../x', gitUrl: 'a/b.git' })).toThrow(ValidationError);
    expect(existsSync(join(dir.path, 'projects'))).toBe(false);
  });

  it('resolveRepoPath only looks: null for a missing repo, and creates nothing', async () => {
    const service = createTestGitService(dir.path);
    const { originPath } = createTestRepo(join(dir.path, 'upstream'));
    expect(await service.resolveRepoPath({ projectId: 1, gitUrl: originPath })).toBeNull();
    expect(existsSync(join(dir.path, 'projects'))).toBe(false);
  });

  it('ensureRepo clones a local path URL into the layout, then resolve finds it', async () => {
    const service = createTestGitService(dir.path);
    const { originPath } = createTestRepo(join(dir.path, 'upstream'));
    const ensured = await service.ensureRepo({ projectId: 1, gitUrl: originPath });
    const expected = join(dir.path, 'projects', '1', 'origin');
    expect(ensured).toEqual({ path: expected, cloned: true });
    expect(existsSync(join(expected, 'README.md'))).toBe(true);
    expect(await service.getOriginUrl(expected)).toBe(originPath);
    expect(await service.resolveRepoPath({ projectId: 1, gitUrl: originPath })).toBe(expected);
    expect(await service.ensureRepo({ projectId: 1, gitUrl: originPath })).toEqual({ path: expected, cloned: false });
  });

  it('ensureRepo without cloning reports the missing repo as a non-retryable GitError', async () => {
    const service = createTestGitService(dir.path);
    const error = await service
      .ensureRepo({ projectId: 2, gitUrl: '/nowhere/app.git', cloneIfMissing: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'repo_not_present', retryable: false });
    expect((error as Error).message).toContain(join(dir.path, 'projects', '2', 'app'));
    expect(existsSync(join(dir.path, 'projects'))).toBe(false);
  });

  it('a recorded local path wins over the layout', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(join(dir.path, 'mine'), { withOrigin: false });
    expect(await service.resolveRepoPath({ projectId: 3, gitUrl: 'https://github.com/a/b.git', localPath: path })).toBe(
      path,
    );
    expect(await service.ensureRepo({ projectId: 3, gitUrl: 'https://github.com/a/b.git', localPath: path })).toEqual({
      path,
      cloned: false,
    });
  });

  it('a plain folder inside another repository is not mistaken for the repo', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(join(dir.path, 'outer'), { withOrigin: false });
    mkdirSync(join(path, 'nested'));
    expect(await service.isRepository(path)).toBe(true);
    expect(await service.isRepository(join(path, 'nested'))).toBe(false);
    expect(await service.isRepository(join(dir.path, 'missing'))).toBe(false);
  });

  it('clone failures are GitErrors carrying git stderr', async () => {
    const service = createTestGitService(dir.path);
    const error = await service
      .ensureRepo({ projectId: 4, gitUrl: join(dir.path, 'no-such-repo.git') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).retryable).toBe(false);
    expect(String((error as GitError).details?.stderr)).toMatch(/does not exist|not appear to be a git repository/);
  });

  it('refuses to clone over a non-empty folder', async () => {
    const service = createTestGitService(dir.path);
    const target = join(dir.path, 'projects', '5', 'app');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'stray.txt'), 'x');
    await expect(service.ensureRepo({ projectId: 5, gitUrl: '/somewhere/app.git' })).rejects.toMatchObject({
      code: 'repo_path_occupied',
    });
    expect(readdirSync(target)).toEqual(['stray.txt']);
  });

  it('sets origin and identity for onboarding, preferring SSH for GitHub', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(join(dir.path, 'onboard'), { withOrigin: false });
    expect(await service.hasOrigin(path)).toBe(false);
    expect(await service.getOriginUrl(path)).toBeNull();

    expect(
      await service.ensureOrigin({ repoPath: path, gitUrl: 'https://github.com/acme/widgets', preferSsh: false }),
    ).toEqual({
      url: 'https://github.com/acme/widgets',
      changed: true,
    });
    expect(await service.ensureOrigin({ repoPath: path, gitUrl: 'ignored', preferSsh: false })).toEqual({
      url: 'https://github.com/acme/widgets',
      changed: false,
    });
    expect(await service.ensureOrigin({ repoPath: path, gitUrl: 'ignored', preferSsh: true })).toEqual({
      url: 'git@github.com:acme/widgets.git',
      changed: true,
    });
    expect(git(path, ['config', '--get', 'remote.origin.url'])).toBe('git@github.com:acme/widgets.git');

    await service.setOriginUrl(path, 'https://gitlab.com/g/sub/app.git');
    expect(await service.getOriginUrl(path)).toBe('https://gitlab.com/g/sub/app.git');
    expect(await service.ensureOrigin({ repoPath: path, gitUrl: 'x', preferSsh: true })).toEqual({
      url: 'https://gitlab.com/g/sub/app.git',
      changed: false,
    });
    await expect(service.setOriginUrl(path, '--upload-pack=evil')).rejects.toThrow(ValidationError);

    expect(await service.configureIdentity(path)).toEqual(TEST_IDENTITY);
    expect(git(path, ['config', '--local', '--get', 'user.name'])).toBe(TEST_IDENTITY.name);
    expect(git(path, ['config', '--local', '--get', 'user.email'])).toBe(TEST_IDENTITY.email);
    await expect(service.configureIdentity(path, { name: 'x\ny', email: 'a@b' })).rejects.toThrow(ValidationError);
    const anonymous = createTestGitService(dir.path, { identity: undefined });
    expect(await anonymous.configureIdentity(path)).toBeNull();
  });
});
