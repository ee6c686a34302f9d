import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGitService, type GitService } from '@tasksgodzilla/platform-git';
import { createTempDir, createTestRepo, git, type TempDir } from '@tasksgodzilla/testing';

export interface Workspace {
  dir: TempDir;
  repoPath: string;
  originPath: string;
  worktreePath: string;
  protocolRoot: string;
  branch: string;
  logPath: string;
  git: GitService;
  remove(): void;
}

export interface WorkspaceOptions {
  /** Give the repo a bare origin (default true). */
  withOrigin?: boolean;
  /** Prefix of the temp folder's name. */
  prefix?: string;
}

/**
 * A repo with a bare origin, the protocol's worktree and branch (through the real GitService) and a
 * committed protocol folder with the given step files.
 */
export async function createWorkspace(
  stepFiles: Record<string, string>,
  options: WorkspaceOptions = {},
): Promise<Workspace> {
  const dir = createTempDir(options.prefix ?? 'tgz-workspace-');
  const { path: repoPath, originPath } = createTestRepo(dir.path, { withOrigin: options.withOrigin ?? true });
  const emptyConfig = join(dir.path, 'empty.gitconfig');
  writeFileSync(emptyConfig, '');
  const service = createGitService({
    projectsRoot: join(dir.path, 'projects'),
    githubApiUrl: 'http://127.0.0.1:9/github',
    gitlabApiUrl: 'http://127.0.0.1:9/gitlab',
    ghBinary: null,
    glabBinary: null,
    identity: { name: 'Godzilla Bot', email: 'bot@tasksgodzilla.invalid' },
    env: { ...process.env, GIT_CONFIG_GLOBAL: emptyConfig, GIT_CONFIG_NOSYSTEM: '1' },
  });
  const wt = await service.ensureWorktree({ repoPath, protocolName: '0001-demo', baseBranch: 'main' });
  const protocolRoot = join(wt.path, '.protocols', '0001-demo');
  mkdirSync(protocolRoot, { recursive: true });
  writeFileSync(join(protocolRoot, 'plan.md'), '# Plan\n\n- Build the greeting.\n');
  writeFileSync(join(protocolRoot, 'context.md'), 'Small repo.\n');
  writeFileSync(join(protocolRoot, 'log.md'), '');
  for (const [name, content] of Object.entries(stepFiles)) writeFileSync(join(protocolRoot, name), content);
  git(wt.path, ['add', '-A']);
  git(wt.path, ['commit', '-m', 'plan 0001-demo']);
  return {
    dir,
    repoPath,
    originPath,
    worktreePath: wt.path,
    protocolRoot,
    branch: wt.branch,
    logPath: join(dir.path, 'runs', 'job-1', 'run.log'),
    git: service,
    remove: () => dir.remove(),
  };
}
