import { GitError, isAppError } from '@tasksgodzilla/core';
import type { RunCommand } from './command-runner.js';
import type { ForgeProvider, PullRequestResult } from './git-service.types.js';

export interface CliPullRequestInput {
  provider: ForgeProvider;
  /** Absolute path of gh (github) or glab (gitlab). */
  binary: string;
  cwd: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  /** Token handed to the CLI (GH_TOKEN / GITLAB_TOKEN); its own login is used otherwise. */
  token?: string;
}

const URL_PATTERN = /https?:\/\/\S+?\/(?:pull|-\/merge_requests|merge_requests)\/(\d+)\b/;

function findUrl(text: string): { url: string; number: number } | null {
  const match = URL_PATTERN.exec(text);
  return match && match[1] ? { url: match[0], number: Number(match[1]) } : null;
}

function cliArgs(input: CliPullRequestInput): string[] {
  if (input.provider === 'github') {
    return [
      'pr',
      'create',
      '--title',
      input.title,
      '--body',
      input.body,
      '--base',
      input.base,
      '--head',
      input.head,
      ...(input.draft ? ['--draft'] : []),
    ];
  }
  return [
    'mr',
    'create',
    '--title',
    input.title,
    '--description',
    input.body,
    '--target-branch',
    input.base,
    '--source-branch',
    input.head,
    '--yes',
    ...(input.draft ? ['--draft'] : []),
  ];
}

/** `gh pr create` / `glab mr create`; "already exists" answers become `created: false` with the URL they print. */
export async function createPullRequestWithCli(
  run: RunCommand,
  input: CliPullRequestInput,
): Promise<PullRequestResult> {
  const via = input.provider === 'github' ? 'gh' : 'glab';
  const env: Record<string, string> =
    input.provider === 'github' ? { GH_PROMPT_DISABLED: '1', NO_COLOR: '1' } : { NO_PROMPT: '1', NO_COLOR: '1' };
  if (input.token) env[input.provider === 'github' ? 'GH_TOKEN' : 'GITLAB_TOKEN'] = input.token;
  try {
    const { stdout, stderr } = await run(input.binary, cliArgs(input), { cwd: input.cwd, env, network: true });
    const found = findUrl(stdout) ?? findUrl(stderr);
    return { provider: input.provider, via, created: true, url: found?.url ?? null, number: found?.number ?? null };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const stderr = typeof error.details?.stderr === 'string' ? error.details.stderr : error.message;
    if (/already exists/i.test(stderr)) {
      const found = findUrl(stderr);
      const iid = /!(\d+)/.exec(stderr);
      return {
        provider: input.provider,
        via,
        created: false,
        url: found?.url ?? null,
        number: found?.number ?? (iid?.[1] ? Number(iid[1]) : null),
      };
    }
    throw new GitError(
      `${via} could not open the ${input.provider === 'github' ? 'pull' : 'merge'} request: ${stderr}`,
      {
        code: error.code === 'git_binary_not_found' ? 'forge_cli_missing' : error.code,
        retryable: error.retryable,
        details: error.details,
        cause: error,
      },
    );
  }
}
