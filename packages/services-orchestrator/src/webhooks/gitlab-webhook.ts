import type { JsonObject } from '@tasksgodzilla/core';
import { interpretGitlabNote } from './review-webhook.js';
import type { WebhookInterpretation } from './webhook.types.js';
import {
  ciInterpretation,
  classifyCiValue,
  compact,
  GITLAB_VALUE_SETS,
  gitlabRepository,
  integer,
  isObject,
  LOG_EXCERPT_CHARS,
  objectAt,
  text,
  webhookPayload,
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
  const body = webhookPayload(payload);
  const objectKind = text(body['object_kind']) ?? (eventHeader?.trim() || 'gitlab');
  const note = interpretGitlabNote(objectKind, body);
  if (note) return note;
  const attrs = objectAt(body, 'object_attributes');
  const rawStatus = text(attrs['status']) ?? text(attrs['state']);
  const branch = text(attrs['source_branch']) ?? text(attrs['ref']) ?? text(body['ref']);
  const value = (rawStatus ?? '').toLowerCase();
  const merged = MERGE_REQUEST_KINDS.has(objectKind.toLowerCase()) && text(attrs['state']) === 'merged';
  return ciInterpretation({
    provider: 'gitlab',
    event_type: objectKind,
    branch,
    value,
    status: merged ? 'merged' : classifyCiValue(GITLAB_VALUE_SETS, value),
    ignoredReason: () =>
      value === '' ? `no CI status in a ${objectKind} event` : `value ${JSON.stringify(value)} is not acted on`,
    report: () => ({
      repository: gitlabRepository(body),
      pr_number: integer(attrs['iid']),
      sha: text(attrs['sha']) ?? text(objectAt(attrs, 'last_commit')['id']) ?? text(body['checkout_sha']),
      url: text(attrs['url']),
      metadata: compact({
        event: objectKind,
        ref: branch,
        ci_status: rawStatus,
        check_name: failedJobs(body),
        log_excerpt: text(body['log_excerpt'])?.slice(-LOG_EXCERPT_CHARS),
      }),
    }),
  });
}
