import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import { SEED_COMMIT_MESSAGE } from './onboarding.seed.js';
import { createHarness, createTempDir, type Harness } from './onboarding.test-helpers.js';
import { listStarterAssets } from './starter-assets.js';

describe('OnboardingService.seedWorktree: onboarding output reaches the protocol branch', () => {
  let harness: Harness;
  let repoPath: string;

  beforeEach(() => {
    const dir = createTempDir('tgz-onboarding-seed-');
    const repo = createTestRepo(dir.path, { withOrigin: true });
    repoPath = repo.path;
    harness = createHarness(dir, {
      project: { local_path: repo.path },
      config: { gitUser: 'Godzilla Bot', gitEmail: 'bot@tasksgodzilla.invalid' },
    });
  });
  afterEach(() => harness.remove());

  async function onboardAndBranch(protocolName = '0001-demo') {
    await harness.setup();
    // What discovery writes (uncommitted, in the main checkout), and how it adapts a CI script.
    mkdirSync(join(repoPath, 'tasksgodzilla'), { recursive: true });
    writeFileSync(
      join(repoPath, 'tasksgodzilla', 'DISCOVERY.md'),
      '# Discovery\n\nTypeScript; test with `npm test`.\n',
    );
    writeFileSync(join(repoPath, 'tasksgodzilla', 'CI_NOTES.md'), '# CI\n\nnpm run lint\n');
    writeFileSync(join(repoPath, 'scripts', 'ci', 'test.sh'), '#!/bin/sh\nnpm test\n');
    return harness.gitService.ensureWorktree({ repoPath, protocolName, baseBranch: 'main' });
  }

  it("commits the starter assets and discovery notes of the main checkout as the branch's first commit", async () => {
    const worktree = await onboardAndBranch();
    const result = await harness.service.seedWorktree({ repoPath, worktreePath: worktree.path });

    const expected = [...(await listStarterAssets()), 'tasksgodzilla/DISCOVERY.md', 'tasksgodzilla/CI_NOTES.md'];
    expect(result.copied.sort()).toEqual(expected.sort());
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(git(worktree.path, ['log', '-1', '--format=%H %s'])).toBe(`${result.commit} ${SEED_COMMIT_MESSAGE}`);
    expect(git(worktree.path, ['show', '--name-only', '--format=', 'HEAD']).split('\n').sort()).toEqual(
      expected.sort(),
    );
    expect(git(worktree.path, ['status', '--porcelain'])).toBe('');
    // The main checkout's version (adapted by discovery) is the one committed, executable bit kept.
    expect(readFileSync(join(worktree.path, 'scripts', 'ci', 'test.sh'), 'utf8')).toBe('#!/bin/sh\nnpm test\n');
    expect(statSync(join(worktree.path, 'scripts', 'ci', 'test.sh')).mode & 0o111).toBe(0o111);
    // The main checkout's own branch gets no commit.
    expect(git(repoPath, ['log', '--oneline', 'main']).split('\n')).toHaveLength(1);

    // The prompts of the protocol read the notes from the worktree.
    const exec = await createPromptService().buildExecPrompt({
      protocolName: '0001-demo',
      stepFilename: '01-a.md',
      stepContent: 'STEP',
      plan: 'PLAN',
      workspaceRoot: worktree.path,
      protocolRoot: join(worktree.path, '.protocols', '0001-demo'),
    });
    expect(exec.text).toContain('tasksgodzilla/DISCOVERY.md:\n# Discovery\n\nTypeScript; test with `npm test`.');
    expect(exec.text).toContain('tasksgodzilla/CI_NOTES.md:\n# CI\n\nnpm run lint');
  });

  it('nothing missing, nothing committed: a second call, and files already on the base branch', async () => {
    const worktree = await onboardAndBranch();
    await harness.service.seedWorktree({ repoPath, worktreePath: worktree.path });
    const head = git(worktree.path, ['rev-parse', 'HEAD']);
    expect(await harness.service.seedWorktree({ repoPath, worktreePath: worktree.path })).toEqual({
      copied: [],
      commit: null,
    });
    expect(git(worktree.path, ['rev-parse', 'HEAD'])).toBe(head);

    // Once the files are on the base branch (origin's, which worktrees are cut from), a new protocol's worktree has them: no seed commit.
    git(repoPath, ['add', '-A']);
    git(repoPath, ['commit', '-m', 'merge onboarding files']);
    git(repoPath, ['push', 'origin', 'main']);
    const next = await harness.gitService.ensureWorktree({ repoPath, protocolName: '0002-next', baseBranch: 'main' });
    expect(await harness.service.seedWorktree({ repoPath, worktreePath: next.path })).toEqual({
      copied: [],
      commit: null,
    });
  });

  it('a project that was never onboarded gets nothing', async () => {
    const worktree = await harness.gitService.ensureWorktree({
      repoPath,
      protocolName: '0003-bare',
      baseBranch: 'main',
    });
    expect(await harness.service.seedWorktree({ repoPath, worktreePath: worktree.path })).toEqual({
      copied: [],
      commit: null,
    });
    expect(git(worktree.path, ['log', '--oneline']).split('\n')).toHaveLength(1);
  });
});
