import { forgeMessage, trimSlash } from './forge-http.js';
import { issueFromJson, type ForgeIssueApi } from './forge-issues.js';
import { createOrFindChangeRequest } from './forge-rest.js';
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

/**
 * `POST /repos/{owner}/{repo}/pulls`. A 422 saying the PR already exists is not a failure: the open
 * PR for the same head and base is looked up and returned with `created: false`.
 */
export function createGithubPullRequest(input: GithubPullRequestInput): Promise<PullRequestResult> {
  return createOrFindChangeRequest({
    provider: 'github',
    label: 'GitHub',
    noun: 'pull request',
    url: `${trimSlash(input.apiUrl)}/repos/${encodeURIComponent(input.owner)}/${encodeURIComponent(input.repo)}/pulls`,
    headers: {
      Authorization: `Bearer ${input.token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
    },
    body: {
      title: input.title,
      head: input.head,
      base: input.base,
      body: input.body,
      draft: input.draft,
      maintainer_can_modify: true,
    },
    timeoutMs: input.timeoutMs,
    alreadyExists: (response) => response.status === 422 && /already exists/i.test(forgeMessage(response)),
    lookup: { head: `${input.owner}:${input.head}`, base: input.base, state: 'open' },
    source: input.head,
    target: input.base,
    branchDetails: { head: input.head, base: input.base },
    fields: { url: 'html_url', number: 'number' },
  });
}

function repoUrl(apiUrl: string, repository: string): string {
  const [owner = '', repo = ''] = repository.split('/');
  return `${trimSlash(apiUrl)}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

/**
 * GitHub's issues API: `GET /repos/{owner}/{repo}/issues/{n}`, comments through
 * `POST .../issues/{n}/comments` and `PATCH .../issues/comments/{id}`.
 */
export const GITHUB_ISSUE_API: ForgeIssueApi = {
  headers: (token) => ({
    Authorization: `Bearer ${token}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
  }),
  getIssue: (apiUrl, repository, number) => ({ method: 'GET', url: `${repoUrl(apiUrl, repository)}/issues/${number}` }),
  createComment: (apiUrl, repository, number, body) => ({
    method: 'POST',
    url: `${repoUrl(apiUrl, repository)}/issues/${number}/comments`,
    body: { body },
  }),
  updateComment: (apiUrl, repository, _number, commentId, body) => ({
    method: 'PATCH',
    url: `${repoUrl(apiUrl, repository)}/issues/comments/${encodeURIComponent(commentId)}`,
    body: { body },
  }),
  readIssue(json, repository) {
    if (json['pull_request'] !== undefined) return null;
    return issueFromJson('github', json, repository, { number: 'number', body: 'body', url: 'html_url' });
  },
};
