import { trimSlash } from './forge-http.js';
import { issueFromJson, type ForgeIssueApi } from './forge-issues.js';
import { createOrFindChangeRequest } from './forge-rest.js';
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

/**
 * `POST /projects/:id/merge_requests`. A 409 (an open MR for the source branch exists) returns that
 * MR with `created: false`. Drafts use GitLab's `Draft:` title prefix.
 */
export function createGitlabMergeRequest(input: GitlabMergeRequestInput): Promise<PullRequestResult> {
  const title = input.draft && !/^(draft:|\[draft\])/i.test(input.title) ? `Draft: ${input.title}` : input.title;
  const branches = { source_branch: input.sourceBranch, target_branch: input.targetBranch };
  return createOrFindChangeRequest({
    provider: 'gitlab',
    label: 'GitLab',
    noun: 'merge request',
    url: `${trimSlash(input.apiUrl)}/projects/${encodeURIComponent(input.projectPath)}/merge_requests`,
    headers: { 'PRIVATE-TOKEN': input.token, Accept: 'application/json' },
    body: { ...branches, title, description: input.description },
    timeoutMs: input.timeoutMs,
    alreadyExists: (response) => response.status === 409,
    lookup: { ...branches, state: 'opened' },
    source: input.sourceBranch,
    target: input.targetBranch,
    branchDetails: branches,
    fields: { url: 'web_url', number: 'iid' },
  });
}

function issueUrl(apiUrl: string, repository: string, iid: number): string {
  return `${trimSlash(apiUrl)}/projects/${encodeURIComponent(repository)}/issues/${iid}`;
}

/**
 * GitLab's issues API: `GET /projects/:id/issues/:iid`, comments (notes) through
 * `POST .../issues/:iid/notes` and `PUT .../issues/:iid/notes/:note_id`.
 */
export const GITLAB_ISSUE_API: ForgeIssueApi = {
  headers: (token) => ({ 'PRIVATE-TOKEN': token, Accept: 'application/json' }),
  getIssue: (apiUrl, repository, iid) => ({ method: 'GET', url: issueUrl(apiUrl, repository, iid) }),
  createComment: (apiUrl, repository, iid, body) => ({
    method: 'POST',
    url: `${issueUrl(apiUrl, repository, iid)}/notes`,
    body: { body },
  }),
  updateComment: (apiUrl, repository, iid, noteId, body) => ({
    method: 'PUT',
    url: `${issueUrl(apiUrl, repository, iid)}/notes/${encodeURIComponent(noteId)}`,
    body: { body },
  }),
  readIssue: (json, repository) =>
    issueFromJson('gitlab', json, repository, { number: 'iid', body: 'description', url: 'web_url' }),
};
