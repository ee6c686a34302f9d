import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGitRecorder, createTestRepo, git } from '@tasksgodzilla/testing';
import { createTestGitService, useTempDir } from './git.test-helpers.js';
import { spawnHelper } from './spawn-helper.js';

const AUTO_HOUSEKEEPING = /run_command: .*(gc --auto|maintenance run --auto)/;

describe('GitService: the git processes of a step', () => {
  const dir = useTempDir('tgz-git-step-');

  const setUp = async () => {
    const recorder = createGitRecorder(dir.path);
    const service = createTestGitService(dir.path, { gitBinary: recorder.binary });
    const { path } = createTestRepo(dir.path);
    // Housekeeping due after every single object: without the guard, each commit would start it.
    git(path, ['config', 'gc.auto', '1']);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0001-steps', baseBranch: 'main' });
    return { recorder, service, repo: path, wt };
  };

  it('a commit in a protocol worktree never starts git gc or maintenance, even when they are due', async () => {
    const { recorder, service, wt } = await setUp();
    recorder.reset();
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(wt.path, `file-${i}.txt`), `${i}\n`);
      expect(await service.commitAll({ repoPath: wt.path, message: `step ${i}` })).toMatchObject({ committed: true });
    }
    expect(recorder.trace()).toContain('trace: built-in: git commit --quiet');
    expect(recorder.trace()).not.toMatch(AUTO_HOUSEKEEPING);
  });

  it('runs the housekeeping once per protocol worktree, when it is created, by git own thresholds', async () => {
    const { recorder, service, repo } = await setUp();
    const housekeeping = () => recorder.calls().filter((args) => args.includes('maintenance'));
    expect(housekeeping()).toHaveLength(1);
    // Not neutralised by the guard every other call carries.
    expect(housekeeping()[0]).not.toContain('gc.auto=0');
    expect(housekeeping()[0]?.slice(-4)).toEqual(['maintenance', 'run', '--auto', '--quiet']);

    await service.ensureWorktree({ repoPath: repo, protocolName: '0001-steps', baseBranch: 'main' });
    await service.ensureWorktree({ repoPath: repo, protocolName: '0002-other', baseBranch: 'main' });
    expect(housekeeping()).toHaveLength(2);
  });

  it('one step on an existing worktree: 4 git commands from workspace lookup to push', async () => {
    const { recorder, service, repo, wt } = await setUp();
    recorder.reset();
    // The job finds its workspace again: answered from the checkout's files.
    const found = await service.ensureRepo({ projectId: 1, gitUrl: 'unused', localPath: repo, cloneIfMissing: false });
    expect(found).toEqual({ path: repo, cloned: false });
    expect(await service.ensureWorktree({ repoPath: repo, protocolName: '0001-steps', baseBranch: 'main' })).toEqual({
      path: wt.path,
      branch: '0001-steps',
      created: false,
      startPoint: null,
    });
    expect(await service.gitDir(wt.path)).toBe(git(wt.path, ['rev-parse', '--absolute-git-dir']));
    expect(recorder.commands()).toEqual([]);

    // Already committed by this job? The attempt's snapshot, the engine's work, the commit, the push.
    const head = await service.headMessage(wt.path);
    expect(head).toEqual({
      sha: git(wt.path, ['rev-parse', 'HEAD']),
      message: git(wt.path, ['log', '-1', '--format=%B']),
    });
    const snapshot = await service.snapshotWorktree(wt.path);
    expect(snapshot.head).toBe(head?.sha);
    await service.discardSnapshot(wt.path, snapshot);
    writeFileSync(join(wt.path, 'out.txt'), 'step output\n');
    const commit = await service.commitAll({ repoPath: wt.path, message: '0001-steps: 01-step [step 1]' });
    expect(commit).toMatchObject({ committed: true, files: ['out.txt'] });
    expect(await service.push({ repoPath: wt.path, branch: wt.branch })).toMatchObject({ pushed: true });

    expect(recorder.commands().map((args) => args[0])).toEqual([
      // headMessage: HEAD's ref and loose commit object read from the files; snapshot: HEAD from the ref
      'add', // snapshot: into a copy of the index, kept as the snapshot (no write-tree)
      'add', // commitAll
      'commit', // the new commit's sha and files: from its loose objects
      // push: origin's URL from the repository's config file
      'push',
    ]);
  });

  it('commitAll starts one process: add and commit are run by one shell, not each spawned by the service', async () => {
    const { service, wt } = await setUp();
    // A git wrapper that records, per call, its own process, the one that started it and the arguments.
    const log = join(dir.path, 'parents.log');
    const wrapper = join(dir.path, 'git-parent');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s %s %s\\036' "$$" "$PPID" "$*" >> '${log}'\nexec git "$@"\n`);
    chmodSync(wrapper, 0o755);
    const recorded = createTestGitService(dir.path, { gitBinary: wrapper });
    writeFileSync(join(wt.path, 'new.txt'), 'new\n');
    const message = '-m "$(touch pwned)" `x` $1\n\nbody';
    expect(await recorded.commitAll({ repoPath: wt.path, message })).toMatchObject({
      committed: true,
      files: ['new.txt'],
    });
    expect(git(wt.path, ['log', '-1', '--format=%B'])).toBe(message);
    const calls = readFileSync(log, 'utf8')
      .split('\u001e')
      .filter((call) => call !== '');
    expect(calls.map((call) => / (add -A|commit --quiet)/.exec(call)?.[1])).toEqual(['add -A', 'commit --quiet']);
    // The shell the service started runs `add`, then becomes `commit` (before: two spawns from here).
    const [add, commit] = calls.map((call) => call.split(' ', 2));
    expect(add?.[1]).toBe(commit?.[0]);
    // Started by this process, or by its spawn helper on its behalf (spawn-helper.ts).
    expect([String(process.pid), String(spawnHelper().pid())]).toContain(commit?.[1]);
    expect(await service.commitAll({ repoPath: wt.path, message: 'nothing' })).toEqual({ committed: false });
    // No git where the service looks: the same error as a spawn of git that is not there.
    const missing = createTestGitService(dir.path, { gitBinary: join(dir.path, 'no-such-git') });
    writeFileSync(join(wt.path, 'other.txt'), 'other\n');
    await expect(missing.commitAll({ repoPath: wt.path, message: 'x' })).rejects.toMatchObject({
      code: 'git_binary_not_found',
      retryable: false,
    });
  });

  it('does not take a worktree whose folder now has another branch checked out for the protocol one', async () => {
    const { service, repo, wt } = await setUp();
    git(wt.path, ['switch', '-c', 'elsewhere']);
    await expect(
      service.ensureWorktree({ repoPath: repo, protocolName: '0001-steps', baseBranch: 'main' }),
    ).rejects.toMatchObject({ code: 'worktree_path_occupied' });
  });

  it('reads sha, message and files of a commit without changes, and of one with a body', async () => {
    const { service, wt } = await setUp();
    git(wt.path, ['commit', '--allow-empty', '-m', 'empty']);
    expect(await service.headCommit(wt.path)).toEqual({
      sha: git(wt.path, ['rev-parse', 'HEAD']),
      message: 'empty',
      files: [],
    });
    writeFileSync(join(wt.path, 'a.txt'), 'a\n');
    const commit = await service.commitAll({ repoPath: wt.path, message: 'subject\n\nbody line\nTrailer: x' });
    expect(await service.headCommit(wt.path)).toEqual({
      sha: commit.committed ? commit.sha : null,
      message: 'subject\n\nbody line\nTrailer: x',
      files: ['a.txt'],
    });
  });
});
