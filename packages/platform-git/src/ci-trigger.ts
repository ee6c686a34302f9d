import { GitError, isAppError, ValidationError } from '@tasksgodzilla/core';
import { assertBranchName } from './branch-name.js';
import { createCommandRunner, type RunCommand } from './command-runner.js';
import { findExecutable } from './find-executable.js';
import type { ForgeProvider } from './git-service.types.js';
import { inferForgeProvider } from './remote-url.js';

/** The workflow `tgz ci trigger` runs on GitHub by default: the starter assets' `ci.yml`. */
export const DEFAULT_CI_WORKFLOW = 'ci.yml';

const TRIGGER_TIMEOUT_MS = 120_000;

export interface TriggerCiInput {
  /** The checkout whose origin the CI belongs to (the forge CLI runs there). */
  repoPath: string;
  branch: string;
  /** github or gitlab; detected from the origin URL when absent. */
  platform?: ForgeProvider;
  /** GitHub workflow (file name or name); default {@link DEFAULT_CI_WORKFLOW}. Not used on GitLab. */
  workflow?: string;
  /** Environment of the child processes (PATH finds git, gh and glab). */
  env: Record<string, string | undefined>;
}

export interface TriggerCiResult {
  platform: ForgeProvider;
  via: 'gh' | 'glab';
  /** The command line that ran (binary name and arguments). */
  command: string[];
  /** What the forge CLI printed. */
  output: string;
}

/** `gh workflow run <workflow> --ref <branch>` (gh needs the workflow when it cannot prompt) / `glab ci run --branch <branch>`. */
export function ciTriggerArgs(platform: ForgeProvider, branch: string, workflow: string): string[] {
  return platform === 'github' ? ['workflow', 'run', workflow, '--ref', branch] : ['ci', 'run', '--branch', branch];
}

async function originPlatform(run: RunCommand, git: string, repoPath: string): Promise<ForgeProvider> {
  let url: string;
  try {
    url = (await run(git, ['remote', 'get-url', 'origin'], { cwd: repoPath })).stdout.trim();
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new ValidationError(`platform: ${repoPath} has no origin remote to detect it from; pass --platform`, [
      { path: ['platform'], message: 'no origin remote' },
    ]);
  }
  const platform = inferForgeProvider(url);
  if (!platform)
    throw new ValidationError(
      `platform: cannot tell github from gitlab by the origin URL ${url}; pass --platform github|gitlab`,
      [{ path: ['platform'], message: 'not detected from the origin URL' }],
    );
  return platform;
}

/**
 * Triggers a CI run for `branch` with the forge's CLI. A missing CLI is a GitError with code
 * `forge_cli_missing`; a failing one a GitError carrying its output.
 */
export async function triggerCi(input: TriggerCiInput): Promise<TriggerCiResult> {
  const branch = assertBranchName(input.branch, 'branch');
  const workflow = input.workflow ?? DEFAULT_CI_WORKFLOW;
  if (!workflow.trim())
    throw new ValidationError('workflow: must not be empty', [{ path: ['workflow'], message: 'empty' }]);
  const run = createCommandRunner({ env: input.env, timeoutMs: TRIGGER_TIMEOUT_MS });
  const platform = input.platform ?? (await originPlatform(run, 'git', input.repoPath));
  const via = platform === 'github' ? 'gh' : 'glab';
  const binary = await findExecutable(via, input.env['PATH']);
  if (!binary)
    throw new GitError(
      `${via} is not installed (not found on PATH): install the ${platform === 'github' ? 'GitHub' : 'GitLab'} CLI and log in to trigger CI`,
      { code: 'forge_cli_missing', retryable: false },
    );
  const args = ciTriggerArgs(platform, branch, workflow);
  const env = platform === 'github' ? { GH_PROMPT_DISABLED: '1', NO_COLOR: '1' } : { NO_PROMPT: '1', NO_COLOR: '1' };
  try {
    const { stdout, stderr } = await run(binary, args, { cwd: input.repoPath, env, network: true });
    return { platform, via, command: [via, ...args], output: `${stdout}${stderr}`.trim() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const stderr = typeof error.details?.['stderr'] === 'string' ? error.details['stderr'].trim() : '';
    throw new GitError(`${via} ${args.join(' ')} failed: ${stderr || error.message}`, {
      code: 'ci_trigger_failed',
      retryable: false,
      details: error.details,
      cause: error,
    });
  }
}
