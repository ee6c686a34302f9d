import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, createTestRepo, type TempDir } from '@tasksgodzilla/testing';
import { createTestGitService } from './git.test-helpers.js';

describe('GitService.commitAll and repository hooks', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-git-hooks-');
  });
  afterEach(() => dir.remove());

  it('runs no hook an agent planted in the git dir (they would run with the worker’s environment)', async () => {
    const service = createTestGitService(dir.path);
    const { path } = createTestRepo(dir.path);
    const wt = await service.ensureWorktree({ repoPath: path, protocolName: '0001-hooks', baseBranch: 'main' });
    const hooks = join(path, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit']) {
      const script = join(hooks, hook);
      writeFileSync(script, `#!/bin/sh\nenv > "${join(dir.path, `${hook}.ran`)}"\n`);
      chmodSync(script, 0o755);
    }
    writeFileSync(join(wt.path, 'agent.txt'), 'work\n');
    const result = await service.commitAll({ repoPath: wt.path, message: 'step' });
    expect(result.committed).toBe(true);
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit'])
      expect(existsSync(join(dir.path, `${hook}.ran`))).toBe(false);
  });
});
