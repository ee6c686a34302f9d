import { GitError } from '@tasksgodzilla/core';
import { forgeHttpError, forgeRequest, type ForgeRequest, type ForgeResponse } from './forge-http.js';
import type { ForgeProvider } from './git-service.types.js';

/** An issue as TasksGodzilla reads it from a forge. */
export interface ForgeIssue {
  provider: ForgeProvider;
  /** `owner/name` (GitHub) or the project path (GitLab). */
  repository: string;
  number: number;
  title: string;
  /** The body (GitHub) or description (GitLab); `''` when empty. */
  body: string;
  url: string | null;
  labels: string[];
  /** `open`/`closed` (GitHub), `opened`/`closed` (GitLab). */
  state: string | null;
}

/** One issue on one forge. `token` overrides the service's configured token for this call. */
export interface ForgeIssueRef {
  provider: ForgeProvider;
  repository: string;
  number: number;
  token?: string | null;
}

export interface IssueCommentInput extends ForgeIssueRef {
  body: string;
  /** The comment to edit; null (or a comment the forge no longer has) posts a new one. */
  commentId: string | null;
}

export interface IssueCommentResult {
  commentId: string;
  /** True when a new comment was posted, false when `commentId` was edited in place. */
  created: boolean;
}

/** What a provider's REST module gives for one forge call: the request, minus what is common. */
export interface ForgeCall {
  method: ForgeRequest['method'];
  url: string;
  body?: unknown;
}

/** The REST shape of one forge's issues API. */
export interface ForgeIssueApi {
  headers(token: string): Record<string, string>;
  getIssue(apiUrl: string, repository: string, number: number): ForgeCall;
  createComment(apiUrl: string, repository: string, number: number, body: string): ForgeCall;
  updateComment(apiUrl: string, repository: string, number: number, commentId: string, body: string): ForgeCall;
  /** The issue from the forge's JSON; null when it is not an issue (a GitHub pull request). */
  readIssue(json: Record<string, unknown>, repository: string): ForgeIssue | null;
}

export interface ForgeEndpoint {
  apiUrl: string;
  token: string;
  timeoutMs: number;
}

function call(provider: ForgeProvider, api: ForgeIssueApi, endpoint: ForgeEndpoint, spec: ForgeCall) {
  return forgeRequest({ provider, ...spec, headers: api.headers(endpoint.token), timeoutMs: endpoint.timeoutMs });
}

function asObject(response: ForgeResponse): Record<string, unknown> {
  const json = response.json;
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

/** GET one issue; a pull request (GitHub serves both under /issues) is a forge_not_an_issue GitError. */
export async function fetchForgeIssue(
  api: ForgeIssueApi,
  ref: ForgeIssueRef,
  endpoint: ForgeEndpoint,
): Promise<ForgeIssue> {
  const response = await call(ref.provider, api, endpoint, api.getIssue(endpoint.apiUrl, ref.repository, ref.number));
  if (response.status !== 200) throw forgeHttpError(ref.provider, `get issue #${ref.number}`, response);
  const issue = api.readIssue(asObject(response), ref.repository);
  if (!issue) {
    throw new GitError(`${ref.repository}#${ref.number} is a pull request, not an issue`, {
      code: 'forge_not_an_issue',
      retryable: false,
      details: { provider: ref.provider, repository: ref.repository, number: ref.number },
    });
  }
  return issue;
}

/**
 * Edits the comment in place when `commentId` is given and still exists, else posts a new one; the
 * forge's id of the comment comes back (stored by the caller, so the next report edits it again).
 */
export async function upsertForgeIssueComment(
  api: ForgeIssueApi,
  input: IssueCommentInput,
  endpoint: ForgeEndpoint,
): Promise<IssueCommentResult> {
  const { provider, repository, number, body } = input;
  if (input.commentId) {
    const edited = await call(
      provider,
      api,
      endpoint,
      api.updateComment(endpoint.apiUrl, repository, number, input.commentId, body),
    );
    if (edited.status === 200) return { commentId: input.commentId, created: false };
    if (edited.status !== 404) throw forgeHttpError(provider, `update comment ${input.commentId}`, edited);
  }
  const created = await call(provider, api, endpoint, api.createComment(endpoint.apiUrl, repository, number, body));
  if (created.status !== 201 && created.status !== 200)
    throw forgeHttpError(provider, `comment on issue #${number}`, created);
  const id = asObject(created)['id'];
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw new GitError(`${provider} answered a new comment without an id`, {
      code: 'forge_request_failed',
      retryable: false,
      details: { provider, status: created.status },
    });
  }
  return { commentId: String(id), created: true };
}

export function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Label names from a forge's `labels`: strings (GitLab) or objects with a `name` (GitHub). */
export function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((label) => (typeof label === 'string' ? label : textOf((label as { name?: unknown } | null)?.name)))
    .filter((name): name is string => name !== null);
}

/** Where a forge's issue JSON keeps the number, the body and the web URL. */
export interface IssueFields {
  number: string;
  body: string;
  url: string;
}

/** An issue read from a forge's JSON by its field names (title, labels and state are common). */
export function issueFromJson(
  provider: ForgeProvider,
  json: Record<string, unknown>,
  repository: string,
  fields: IssueFields,
): ForgeIssue {
  const number = json[fields.number];
  return {
    provider,
    repository,
    number: typeof number === 'number' ? number : 0,
    title: textOf(json['title']) ?? '',
    body: textOf(json[fields.body]) ?? '',
    url: textOf(json[fields.url]),
    labels: labelNames(json['labels']),
    state: textOf(json['state']),
  };
}
