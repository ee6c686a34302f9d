import { GitError } from '@tasksgodzilla/core';
import { forgeHttpError, forgeMessage, forgeRequest, trimSlash } from './forge-http.js';
import type { PullRequestResult } from './git-service.types.js';

export interface GithubPullRequestInput {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  timeoutMs: number;
}

interface GithubPull {
  html_url?: unknown;
  number?: unknown;
}

function toResult(pull: GithubPull, created: boolean): PullRequestResult {
  return {
    provider: 'github',
    via: 'rest',
    created,
    url: typeof pull.html_url === 'string' ? pull.html_url : null,
    number: typeof pull.number === 'number' ? pull.number : null,
  };
}

/**
 * `POST /repos/{owner}/{repo}/pulls`. A 422 saying the PR already exists is not a failure: the open
 * PR for the same head and base is looked up and returned with `created: false`.
 */
export async function createGithubPullRequest(input: GithubPullRequestInput): Promise<PullRequestResult> {
  const base = `${trimSlash(input.apiUrl)}/repos/${encodeURIComponent(input.owner)}/${encodeURIComponent(input.repo)}/pulls`;
  const headers = {
    Authorization: `Bearer ${input.token}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
  };
  const response = await forgeRequest({
    provider: 'github',
    method: 'POST',
    url: base,
    headers,
    body: {
      title: input.title,
      head: input.head,
      base: input.base,
      body: input.body,
      draft: input.draft,
      maintainer_can_modify: true,
    },
    timeoutMs: input.timeoutMs,
  });
  if (response.status === 201 || response.status === 200) return toResult((response.json ?? {}) as GithubPull, true);
  if (response.status === 422 && /already exists/i.test(forgeMessage(response))) {
    const query = new URLSearchParams({ head: `${input.owner}:${input.head}`, base: input.base, state: 'open' });
    const lookup = await forgeRequest({
      provider: 'github',
      method: 'GET',
      url: `${base}?${query.toString()}`,
      headers,
      timeoutMs: input.timeoutMs,
    });
    if (lookup.status !== 200) throw forgeHttpError('github', 'pull request lookup', lookup);
    const existing = Array.isArray(lookup.json) ? (lookup.json[0] as GithubPull | undefined) : undefined;
    if (!existing) {
      throw new GitError(
        `GitHub says a pull request for ${input.head} already exists, but none is open into ${input.base}`,
        {
          code: 'forge_request_failed',
          retryable: false,
          details: { provider: 'github', status: 422, head: input.head, base: input.base },
        },
      );
    }
    return toResult(existing, false);
  }
  throw forgeHttpError('github', 'create pull request', response);
}
