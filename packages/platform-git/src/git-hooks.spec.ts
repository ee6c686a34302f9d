import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { createTestGitService, isolatedGitEnv, useTempDir } from './git.test-helpers.js';

// Client-side hooks git can run for the service's operations (server-side hooks belong to the remote).
const HOOKS = [
  'pre-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'post-checkout',
  'post-merge',
  'pre-push',
  'reference-transaction',
  'post-rewrite',
  'post-index-change',
  'pre-auto-gc',
  'fsmonitor-watchman',
];

/** A folder of hooks that each leave `<markers>/<hook>` behind when they run. */
function plantHooks(hooksDir: string, markers: string): void {
  mkdirSync(hooksDir, { recursive: true });
  for (const hook of HOOKS) {
    const script = join(hooksDir, hook);
    writeFileSync(script, `#!/bin/sh\nmkdir -p "${markers}"\nenv > "${join(markers, hook)}"\nexit 0\n`);
    chmodSync(script, 0o755);
  }
}

describe('GitService runs no repository hook', () => {
  const dir = useTempDir('tgz-git-hooks-');

  it('in any operation: hooks in .git/hooks, from the clone template, or under a repository-local core.hooksPath', async () => {
    const markers = join(dir.path, 'markers');
    const { path: seed, originPath } = createTestRepo(join(dir.path, 'seed'));
    // The clone gets hooks copied from its template folder (the post-checkout of the clone itself would run).
    const template = join(dir.path, 'template');
    plantHooks(join(template, 'hooks'), markers);
    const globalConfig = join(dir.path, 'global.gitconfig');
    writeFileSync(globalConfig, `[init]\n\ttemplateDir = ${template}\n`);
    const service = createTestGitService(dir.path, {
      env: isolatedGitEnv(dir.path, { GIT_CONFIG_GLOBAL: globalConfig }),
    });

    const { path: repo, cloned } = await service.ensureRepo({ projectId: 1, gitUrl: originPath, projectName: 'hooks' });
    expect(cloned).toBe(true);
    expect(readdirSync(join(repo, '.git', 'hooks'))).toEqual(expect.arrayContaining(['post-checkout', 'pre-push']));
    // What an agent can write in the repository's own config: a hooks folder and an fsmonitor command.
    const localHooks = join(dir.path, 'agent-hooks');
    plantHooks(localHooks, markers);
    git(repo, ['config', '--local', 'core.hooksPath', localHooks]);
    git(repo, ['config', '--local', 'core.fsmonitor', join(localHooks, 'fsmonitor-watchman')]);

    const wt = await service.ensureWorktree({ repoPath: repo, protocolName: '0001-hooks', baseBranch: 'main' });
    writeFileSync(join(wt.path, 'agent.txt'), 'work\n');
    expect((await service.commitAll({ repoPath: wt.path, message: 'step' })).committed).toBe(true);
    expect((await service.push({ repoPath: wt.path, branch: '0001-hooks' })).pushed).toBe(true);
    const snapshot = await service.snapshotWorktree(wt.path);
    writeFileSync(join(wt.path, 'stray.txt'), 'stray\n');
    await service.restoreWorktree(wt.path, snapshot);
    expect(await service.listRemoteBranches(repo)).toContain('0001-hooks');
    await service.removeWorktree(repo, wt.path);
    // The kept branch is checked out again.
    await service.ensureWorktree({ repoPath: repo, protocolName: '0001-hooks', baseBranch: 'main' });
    await service.deleteRemoteBranch(repo, '0001-hooks');
    git(seed, ['commit', '--allow-empty', '-m', 'upstream moved']);
    git(seed, ['push', 'origin', 'main']);
    await service.ensureWorktree({ repoPath: repo, protocolName: '0002-fetched', baseBranch: 'main' });

    expect(existsSync(markers) ? readdirSync(markers) : []).toEqual([]);
    // The hooks do run when git is not told otherwise, so the assertion above means something.
    git(repo, ['commit', '--allow-empty', '-m', 'plain git']);
    expect(readdirSync(markers)).toEqual(expect.arrayContaining(['pre-commit', 'post-commit']));
  });
});
