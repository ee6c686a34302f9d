import { GitError } from '@tasksgodzilla/core';
import { forgeHttpError, forgeRequest, trimSlash } from './forge-http.js';
import type { PullRequestResult } from './git-service.types.js';

export interface GitlabMergeRequestInput {
  apiUrl: string;
  token: string;
  /** `group/subgroup/project`; sent URL-encoded as the project id. */
  projectPath: string;
  sourceBranch: string;
  targetBranch: string;
  title: string;
  description: string;
  draft: boolean;
  timeoutMs: number;
}

interface GitlabMergeRequest {
  web_url?: unknown;
  iid?: unknown;
}

function toResult(mr: GitlabMergeRequest, created: boolean): PullRequestResult {
  return {
    provider: 'gitlab',
    via: 'rest',
    created,
    url: typeof mr.web_url === 'string' ? mr.web_url : null,
    number: typeof mr.iid === 'number' ? mr.iid : null,
  };
}

/**
 * `POST /projects/:id/merge_requests`. A 409 (an open MR for the source branch exists) returns that
 * MR with `created: false`. Drafts use GitLab's `Draft:` title prefix.
 */
export async function createGitlabMergeRequest(input: GitlabMergeRequestInput): Promise<PullRequestResult> {
  const base = `${trimSlash(input.apiUrl)}/projects/${encodeURIComponent(input.projectPath)}/merge_requests`;
  const headers = { 'PRIVATE-TOKEN': input.token, Accept: 'application/json' };
  const title = input.draft && !/^(draft:|\[draft\])/i.test(input.title) ? `Draft: ${input.title}` : input.title;
  const response = await forgeRequest({
    provider: 'gitlab',
    method: 'POST',
    url: base,
    headers,
    body: {
      source_branch: input.sourceBranch,
      target_branch: input.targetBranch,
      title,
      description: input.description,
    },
    timeoutMs: input.timeoutMs,
  });
  if (response.status === 201 || response.status === 200)
    return toResult((response.json ?? {}) as GitlabMergeRequest, true);
  if (response.status === 409) {
    const query = new URLSearchParams({
      source_branch: input.sourceBranch,
      target_branch: input.targetBranch,
      state: 'opened',
    });
    const lookup = await forgeRequest({
      provider: 'gitlab',
      method: 'GET',
      url: `${base}?${query.toString()}`,
      headers,
      timeoutMs: input.timeoutMs,
    });
    if (lookup.status !== 200) throw forgeHttpError('gitlab', 'merge request lookup', lookup);
    const existing = Array.isArray(lookup.json) ? (lookup.json[0] as GitlabMergeRequest | undefined) : undefined;
    if (!existing) {
      throw new GitError(
        `GitLab says a merge request for ${input.sourceBranch} already exists, but none is open into ${input.targetBranch}`,
        {
          code: 'forge_request_failed',
          retryable: false,
          details: {
            provider: 'gitlab',
            status: 409,
            source_branch: input.sourceBranch,
            target_branch: input.targetBranch,
          },
        },
      );
    }
    return toResult(existing, false);
  }
  throw forgeHttpError('gitlab', 'create merge request', response);
}
