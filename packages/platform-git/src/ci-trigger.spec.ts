import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GitError, ValidationError } from '@tasksgodzilla/core';
import { DEFAULT_CI_WORKFLOW, triggerCi } from './ci-trigger.js';
import { isolatedGitEnv, useTempDir, writeFakeCli } from './git.test-helpers.js';

const calls = (file: string): string[][] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);

describe('triggerCi', () => {
  const dir = useTempDir('tgz-ci-trigger-');
  let repo: string;
  let bin: string;
  /** PATH with the fake CLIs first and git's folder (nothing else), so a real gh/glab is never found. */
  let env: Record<string, string | undefined>;

  beforeEach(() => {
    repo = join(dir.path, 'repo');
    bin = join(dir.path, 'bin');
    mkdirSync(repo);
    mkdirSync(bin);
    const git = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    env = isolatedGitEnv(dir.path, { PATH: `${bin}:${dirname(git)}:${dirname(process.execPath)}` });
    execFileSync('git', ['init', '-q', repo], { env });
  });

  const setOrigin = (url: string) => execFileSync('git', ['remote', 'add', 'origin', url], { cwd: repo, env });

  it('runs gh workflow run with the default workflow (the original gave none) for a github origin', async () => {
    setOrigin('git@github.com:acme/widgets.git');
    const gh = writeFakeCli(bin, 'gh', { stdout: 'Created workflow_dispatch event\n' });
    const result = await triggerCi({ repoPath: repo, branch: 'feature/x', env });
    expect(calls(gh.callsFile)).toEqual([['workflow', 'run', DEFAULT_CI_WORKFLOW, '--ref', 'feature/x']]);
    expect(result).toEqual({
      platform: 'github',
      via: 'gh',
      command: ['gh', 'workflow', 'run', 'ci.yml', '--ref', 'feature/x'],
      output: 'Created workflow_dispatch event',
    });
  });

  it('runs glab ci run --branch for a gitlab origin, and honours --platform and --workflow', async () => {
    setOrigin('https://gitlab.example.com/acme/widgets.git');
    const glab = writeFakeCli(bin, 'glab', { stdout: 'Created pipeline (id: 7)\n' });
    const gh = writeFakeCli(bin, 'gh', {});
    await expect(triggerCi({ repoPath: repo, branch: 'main', env })).resolves.toMatchObject({ via: 'glab' });
    expect(calls(glab.callsFile)).toEqual([['ci', 'run', '--branch', 'main']]);
    await triggerCi({ repoPath: repo, branch: 'main', platform: 'github', workflow: 'tasksgodzilla-qa.yml', env });
    expect(calls(gh.callsFile)).toEqual([['workflow', 'run', 'tasksgodzilla-qa.yml', '--ref', 'main']]);
  });

  it('rejects an undetectable platform, a bad branch and an empty workflow without running anything', async () => {
    const gh = writeFakeCli(bin, 'gh', {});
    await expect(triggerCi({ repoPath: repo, branch: 'main', env })).rejects.toThrow(/no origin remote.*--platform/);
    setOrigin('/srv/git/widgets.git');
    await expect(triggerCi({ repoPath: repo, branch: 'main', env })).rejects.toThrow(ValidationError);
    await expect(triggerCi({ repoPath: repo, branch: 'a..b', platform: 'github', env })).rejects.toThrow(
      ValidationError,
    );
    await expect(triggerCi({ repoPath: repo, branch: 'main', platform: 'github', workflow: ' ', env })).rejects.toThrow(
      /workflow/,
    );
    expect(() => readFileSync(gh.callsFile)).toThrow();
  });

  it('a missing CLI is forge_cli_missing; a failing one carries its output', async () => {
    const missing = await triggerCi({ repoPath: repo, branch: 'main', platform: 'gitlab', env }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(GitError);
    expect(missing).toMatchObject({
      code: 'forge_cli_missing',
      message: expect.stringMatching(/glab is not installed/),
    });
    writeFakeCli(bin, 'gh', { stderr: 'could not find any workflows named ci.yml\n', exitCode: 1 });
    const failed = await triggerCi({ repoPath: repo, branch: 'main', platform: 'github', env }).catch(
      (e: unknown) => e,
    );
    expect(failed).toMatchObject({
      code: 'ci_trigger_failed',
      message: 'gh workflow run ci.yml --ref main failed: could not find any workflows named ci.yml',
    });
  });
});
