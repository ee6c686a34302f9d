import { assertBranchName } from './branch-name.js';
import { createCommandRunner } from './command-runner.js';

const INIT_TIMEOUT_MS = 60_000;

export interface InitRepositoryInput {
  /** The folder to make a repository (absolute; it must exist). */
  path: string;
  /** The initial branch (`git init -b`). */
  baseBranch: string;
  /** Environment of the git child process (its `PATH` finds git). */
  env: Record<string, string | undefined>;
}

/**
 * `git init -b <baseBranch>` in `path` (`tgz init --init-if-needed`): an empty repository on the base
 * branch, nothing committed. A bad branch name is a ValidationError naming `base_branch`.
 */
export async function initRepository(input: InitRepositoryInput): Promise<void> {
  const branch = assertBranchName(input.baseBranch, 'base_branch');
  const run = createCommandRunner({ env: input.env, timeoutMs: INIT_TIMEOUT_MS });
  await run('git', ['init', '--quiet', '-b', branch], { cwd: input.path });
}
