import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGitRecorder, createTestRepo, git } from '@tasksgodzilla/testing';
import { headCommitFromFiles, headMessageFromFiles, headShaFromFiles, originUrlFromFiles } from './git-files.js';
import { createTestGitService, useTempDir } from './git.test-helpers.js';

describe('git facts read from the checkout files (issue 12)', () => {
  const dir = useTempDir('tgz-git-files-');

  const setUp = async () => {
    const recorder = createGitRecorder(dir.path);
    const service = createTestGitService(dir.path, { gitBinary: recorder.binary });
    const { path, originPath } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0001-files', baseBranch: 'main' });
    git(wt.path, ['commit', '--allow-empty', '-m', 'subject line\n\nbody\nTasksGodzilla-Job: job-1\n']);
    recorder.reset();
    return { recorder, service, repo: path, originPath, wt: wt.path };
  };

  it('HEAD of a worktree and of the main checkout: loose ref, packed ref, detached', async () => {
    const { recorder, service, repo, wt } = await setUp();
    expect(headShaFromFiles(wt)).toBe(git(wt, ['rev-parse', 'HEAD']));
    expect(headShaFromFiles(repo)).toBe(git(repo, ['rev-parse', 'HEAD']));
    git(repo, ['pack-refs', '--all']);
    expect(headShaFromFiles(wt)).toBe(git(wt, ['rev-parse', 'HEAD']));
    git(wt, ['switch', '--detach', 'HEAD~1']);
    expect(headShaFromFiles(wt)).toBe(git(wt, ['rev-parse', 'HEAD']));
    expect(await service.headSha(wt)).toBe(git(wt, ['rev-parse', 'HEAD']));
    expect(recorder.commands()).toEqual([]);
  });

  it('a branch without a commit, or a folder below the top level, is left to git', async () => {
    const { service, wt } = await setUp();
    git(wt, ['switch', '--orphan', 'empty']);
    expect(headShaFromFiles(wt)).toBeNull();
    await expect(service.headSha(wt)).rejects.toThrow();
    expect(await service.headMessage(wt)).toBeNull();
    expect(headShaFromFiles(join(wt, '.protocols'))).toBeNull();
  });

  it('HEAD message from the loose commit object, else (packed) from git', async () => {
    const { recorder, service, repo, wt } = await setUp();
    const expected = { sha: git(wt, ['rev-parse', 'HEAD']), message: git(wt, ['log', '-1', '--format=%B']) };
    expect(expected.message).toBe('subject line\n\nbody\nTasksGodzilla-Job: job-1');
    expect(headMessageFromFiles(wt)).toEqual(expected);
    expect(await service.headMessage(wt)).toEqual(expected);
    expect(recorder.commands()).toEqual([]);

    git(repo, ['gc', '--quiet']);
    expect(headMessageFromFiles(wt)).toBeNull();
    expect(await service.headMessage(wt)).toEqual(expected);
    expect(recorder.commands().map((args) => args[0])).toEqual(['diff-tree']);
  });

  it('changed files of a step commit from its loose objects, as diff-tree lists them', async () => {
    const { recorder, service, wt } = await setUp();
    const write = (path: string, text: string) => {
      mkdirSync(join(wt, path, '..'), { recursive: true });
      writeFileSync(join(wt, path), text);
    };
    const diffTree = () =>
      git(wt, ['-c', 'core.quotepath=false', 'diff-tree', '-r', '--name-only', '--format=', 'HEAD'])
        .split('\n')
        .filter((line) => line !== '');
    const shapes: Array<() => void> = [
      () => write('out/step-0.txt', 'a\n'),
      () => {
        write('out/step-0.txt', 'b\n');
        write('out/deeper/x y.txt', 'x\n');
        write('é-unicode.md', 'u\n');
        write('a-b', 'dash sorts before the a/ tree\n');
        write('a/z', 'z\n');
      },
      () => {
        rmSync(join(wt, 'out', 'deeper'), { recursive: true });
        chmodSync(join(wt, 'a-b'), 0o755);
      },
      () => {
        rmSync(join(wt, 'a'), { recursive: true });
        write('a', 'a tree became a file\n');
        rmSync(join(wt, 'é-unicode.md'));
        mkdirSync(join(wt, 'é-unicode.md'));
        write('é-unicode.md/inner', 'a file became a tree\n');
        symlinkSync('out/step-0.txt', join(wt, 'link'));
      },
    ];
    for (const [index, shape] of shapes.entries()) {
      shape();
      recorder.reset();
      const commit = await service.commitAll({ repoPath: wt, message: `shape ${index}` });
      expect(commit).toEqual({ committed: true, sha: git(wt, ['rev-parse', 'HEAD']), files: diffTree() });
      expect(headCommitFromFiles(wt)).toEqual({
        sha: git(wt, ['rev-parse', 'HEAD']),
        message: `shape ${index}`,
        files: diffTree(),
      });
      expect(recorder.commands().map((args) => args[0])).toEqual(['add', 'commit']);
    }
  });

  it('a commit whose objects are packed, or a merge, is described by git', async () => {
    const { recorder, service, repo, wt } = await setUp();
    writeFileSync(join(wt, 'packed.txt'), 'p\n');
    git(wt, ['add', '-A']);
    git(wt, ['commit', '-m', 'packed']);
    git(repo, ['gc', '--quiet']);
    expect(headCommitFromFiles(wt)).toBeNull();
    recorder.reset();
    expect(await service.headCommit(wt)).toEqual({
      sha: git(wt, ['rev-parse', 'HEAD']),
      message: 'packed',
      files: ['packed.txt'],
    });
    expect(recorder.commands().map((args) => args[0])).toEqual(['diff-tree']);

    git(wt, ['switch', '-c', 'side', 'HEAD~1']);
    git(wt, ['commit', '--allow-empty', '-m', 'side']);
    git(wt, ['switch', '0001-files']);
    git(wt, ['merge', '--no-ff', '-m', 'merged', 'side']);
    expect(headCommitFromFiles(wt)).toBeNull();
    expect(await service.headCommit(wt)).toMatchObject({ message: 'merged', files: [] });
  });

  it("origin's URL from the config file in its plain form, else what git config says", async () => {
    const { recorder, service, repo, originPath, wt } = await setUp();
    expect(originUrlFromFiles(wt)).toBe(originPath);
    expect(originUrlFromFiles(repo)).toBe(originPath);
    expect(await service.getOriginUrl(wt)).toBe(originPath);
    expect(recorder.commands()).toEqual([]);

    // The last value wins, as with `git config --get`.
    git(repo, ['config', '--add', 'remote.origin.url', '/elsewhere/second.git']);
    expect(originUrlFromFiles(wt)).toBe('/elsewhere/second.git');
    expect(await service.getOriginUrl(wt)).toBe(git(wt, ['config', '--get', 'remote.origin.url']));

    const config = join(repo, '.git', 'config');
    git(repo, ['config', '--unset-all', 'remote.origin.url']);
    git(repo, ['config', 'remote.origin.url', originPath]);
    const plain = readFileSync(config, 'utf8');
    writeFileSync(join(dir.path, 'extra.gitconfig'), '[remote "origin"]\n\turl = /included/path.git\n');
    for (const tricky of [
      '[remote "origin"]\n\turl = "/quoted/path.git"\n',
      '[remote "origin"]\n\turl = /with/comment.git ; a comment\n',
      '[remote.origin]\n\turl = /old/form.git\n',
      `[include]\n\tpath = ${join(dir.path, 'extra.gitconfig')}\n`,
    ]) {
      writeFileSync(config, plain + tricky);
      recorder.reset();
      expect(originUrlFromFiles(wt)).toBeNull();
      const answer = await service.getOriginUrl(wt);
      expect(answer).toBe(git(wt, ['config', '--get', 'remote.origin.url']));
      expect(answer).not.toBe(originPath);
      expect(recorder.commands().map((args) => args[0])).toEqual(['config']);
    }
  });

  it('no origin: git is asked (the global config could name one)', async () => {
    const { service, repo, wt } = await setUp();
    git(repo, ['remote', 'remove', 'origin']);
    expect(originUrlFromFiles(wt)).toBeNull();
    expect(await service.getOriginUrl(wt)).toBeNull();
    expect(await service.push({ repoPath: wt, branch: '0001-files' })).toMatchObject({
      pushed: false,
      reason: 'no_origin',
    });
  });
});
