import { ValidationError, type JsonObject } from '@tasksgodzilla/core';
import type { CiStatus } from '../orchestrator.types.js';
import { interpretGitlabNote } from './review-webhook.js';
import type { WebhookInterpretation } from './webhook.types.js';
import {
  classifyCiValue,
  compact,
  GITLAB_VALUE_SETS,
  integer,
  isObject,
  LOG_EXCERPT_CHARS,
  objectAt,
  repositoryRef,
  text,
} from './webhook-values.js';

/** Names of a pipeline's failed jobs (`builds[]`), joined; undefined when none. */
function failedJobs(payload: JsonObject): string | undefined {
  const builds = Array.isArray(payload['builds']) ? payload['builds'] : [];
  const names = builds
    .filter(isObject)
    .filter((build) => text(build['status']) === 'failed')
    .map((build) => text(build['name']))
    .filter((name): name is string => name !== null);
  return names.length > 0 ? names.join(', ') : undefined;
}

const MERGE_REQUEST_KINDS = new Set(['merge_request', 'merge request hook']);

/**
 * Reads a GitLab delivery (`X-Gitlab-Event` header + JSON payload) into the orchestrator's CI input
 * (reference §3.3): a merge request whose state is `merged` is `merged`; otherwise
 * `object_attributes.status` (else `.state`), lowercased, is classified against GITLAB_VALUE_SETS.
 * `object_attributes: null` reads as `{}` (the original crashed). A payload that is not a JSON
 * object is a ValidationError.
 */
export function interpretGitlabWebhook(
  eventHeader: string | null | undefined,
  payload: unknown,
): WebhookInterpretation {
  if (!isObject(payload)) {
    throw new ValidationError('Webhook payload must be a JSON object', [
      { path: ['body'], message: 'must be a JSON object' },
    ]);
  }
  const objectKind = text(payload['object_kind']) ?? (eventHeader?.trim() || 'gitlab');
  const note = interpretGitlabNote(objectKind, payload);
  if (note) return note;
  const attrs = objectAt(payload, 'object_attributes');
  const rawStatus = text(attrs['status']) ?? text(attrs['state']);
  const ref = text(attrs['ref']) ?? text(payload['ref']);
  const branch = text(attrs['source_branch']) ?? ref;
  const value = (rawStatus ?? '').toLowerCase();
  const merged = MERGE_REQUEST_KINDS.has(objectKind.toLowerCase()) && text(attrs['state']) === 'merged';
  const status: CiStatus | null = merged ? 'merged' : classifyCiValue(GITLAB_VALUE_SETS, value);
  const base = { provider: 'gitlab' as const, event_type: objectKind, branch, value, status };
  if (status === null) {
    const ignored_reason =
      value === '' ? `no CI status in a ${objectKind} event` : `value ${JSON.stringify(value)} is not acted on`;
    return { ...base, input: null, ignored_reason };
  }
  const lastCommit = objectAt(attrs, 'last_commit');
  const repository = repositoryRef(objectAt(payload, 'project'), 'path_with_namespace', [
    'git_http_url',
    'git_ssh_url',
    'web_url',
  ]);
  return {
    ...base,
    ignored_reason: null,
    input: {
      ...(repository ? { repository } : {}),
      provider: 'gitlab',
      status,
      event_type: objectKind,
      branch,
      pr_number: integer(attrs['iid']),
      sha: text(attrs['sha']) ?? text(lastCommit['id']) ?? text(payload['checkout_sha']),
      conclusion: value,
      url: text(attrs['url']),
      metadata: compact({
        event: objectKind,
        ref: branch,
        ci_status: rawStatus,
        check_name: failedJobs(payload),
        log_excerpt: text(payload['log_excerpt'])?.slice(-LOG_EXCERPT_CHARS),
      }),
    },
  };
}
