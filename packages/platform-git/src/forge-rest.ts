import { GitError } from '@tasksgodzilla/core';
import { forgeHttpError, forgeRequest, type ForgeResponse } from './forge-http.js';
import type { ForgeProvider, PullRequestResult } from './git-service.types.js';

/** What differs between a GitHub pull request and a GitLab merge request opened over REST. */
export interface ChangeRequestSpec {
  provider: ForgeProvider;
  /** The forge's name in messages: `GitHub`, `GitLab`. */
  label: string;
  /** `pull request` or `merge request`, for messages. */
  noun: string;
  /** The collection: POST creates one, GET with `lookup` lists the open one. */
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  timeoutMs: number;
  /** Whether the create call's answer means an open one exists already for these branches. */
  alreadyExists(response: ForgeResponse): boolean;
  /** The query that lists the open one for the same branches. */
  lookup: Record<string, string>;
  /** The branches, for messages, and as the error details name them. */
  source: string;
  target: string;
  branchDetails: Record<string, string>;
  /** Where the forge's JSON keeps the web URL and the number. */
  fields: { url: string; number: string };
}

function toResult(spec: ChangeRequestSpec, item: Record<string, unknown>, created: boolean): PullRequestResult {
  const url = item[spec.fields.url];
  const number = item[spec.fields.number];
  return {
    provider: spec.provider,
    via: 'rest',
    created,
    url: typeof url === 'string' ? url : null,
    number: typeof number === 'number' ? number : null,
  };
}

/**
 * Creates the pull/merge request. When the forge answers that one is open already, that one is
 * looked up and returned with `created: false`; other statuses become GitErrors (see forgeHttpError).
 */
export async function createOrFindChangeRequest(spec: ChangeRequestSpec): Promise<PullRequestResult> {
  const { provider, url, headers, timeoutMs } = spec;
  const response = await forgeRequest({ provider, method: 'POST', url, headers, body: spec.body, timeoutMs });
  if (response.status === 201 || response.status === 200) {
    return toResult(spec, (response.json ?? {}) as Record<string, unknown>, true);
  }
  if (!spec.alreadyExists(response)) throw forgeHttpError(provider, `create ${spec.noun}`, response);
  const query = new URLSearchParams(spec.lookup);
  const lookup = await forgeRequest({ provider, method: 'GET', url: `${url}?${query.toString()}`, headers, timeoutMs });
  if (lookup.status !== 200) throw forgeHttpError(provider, `${spec.noun} lookup`, lookup);
  const existing = Array.isArray(lookup.json) ? (lookup.json[0] as Record<string, unknown> | undefined) : undefined;
  if (!existing) {
    throw new GitError(
      `${spec.label} says a ${spec.noun} for ${spec.source} already exists, but none is open into ${spec.target}`,
      {
        code: 'forge_request_failed',
        retryable: false,
        details: { provider, status: response.status, ...spec.branchDetails },
      },
    );
  }
  return toResult(spec, existing, false);
}
