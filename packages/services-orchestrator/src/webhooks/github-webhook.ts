import type { JsonObject } from '@tasksgodzilla/core';
import { interpretGithubReview } from './review-webhook.js';
import type { WebhookInterpretation } from './webhook.types.js';
import {
  ciInterpretation,
  classifyCiValue,
  compact,
  firstPullRequestNumber,
  GITHUB_VALUE_SETS,
  githubRepository,
  integer,
  isObject,
  LOG_EXCERPT_CHARS,
  objectAt,
  text,
  webhookPayload,
} from './webhook-values.js';

interface GithubFields {
  action: string;
  branch: string | null;
  sha: string | null;
  conclusion: string | null;
  status: string | null;
  pr_number: number | null;
  check_name: string | null;
  url: string | null;
  merged: boolean;
  /** A check run's own output (`output.text`, else `output.summary`): the log excerpt the forge gives. */
  log_excerpt: string | null;
}

/** Field extraction per event type, as the original's GitHub handler (reference §3.2). */
function githubFields(event: string, payload: JsonObject): GithubFields {
  const fields: GithubFields = {
    action: text(payload['action']) ?? '',
    branch: text(payload['ref']) ?? text(payload['branch']),
    sha: text(payload['after']),
    conclusion: null,
    status: null,
    pr_number: null,
    check_name: null,
    url: null,
    merged: false,
    log_excerpt: null,
  };
  if (event === 'workflow_run') {
    const run = objectAt(payload, 'workflow_run');
    fields.conclusion = text(run['conclusion']) ?? text(run['status']);
    fields.status = text(run['status']);
    fields.branch = text(run['head_branch']) ?? fields.branch;
    fields.pr_number = firstPullRequestNumber(run['pull_requests']);
    fields.sha = text(run['head_sha']) ?? fields.sha;
    fields.url = text(run['html_url']);
    fields.check_name = text(run['name']);
  } else if (event === 'check_suite' || event === 'check_run') {
    const check = isObject(payload['check_suite']) ? objectAt(payload, 'check_suite') : objectAt(payload, 'check_run');
    fields.conclusion = text(check['conclusion']);
    fields.status = text(check['status']);
    fields.branch = text(check['head_branch']) ?? text(objectAt(check, 'check_suite')['head_branch']) ?? fields.branch;
    fields.pr_number = firstPullRequestNumber(check['pull_requests']);
    fields.check_name = text(check['name']);
    const output = objectAt(check, 'output');
    fields.log_excerpt = text(output['text']) ?? text(output['summary']);
    fields.sha = text(check['head_sha']) ?? fields.sha;
    fields.url = text(check['html_url']);
  } else if (event === 'pull_request') {
    const pr = objectAt(payload, 'pull_request');
    const head = objectAt(pr, 'head');
    fields.branch = text(head['ref']) ?? fields.branch;
    fields.pr_number = integer(pr['number']) ?? integer(payload['number']);
    fields.status = text(pr['state']);
    fields.merged = pr['merged'] === true;
    fields.conclusion = fields.merged ? 'merged' : fields.status;
    fields.sha = text(head['sha']) ?? fields.sha;
    fields.url = text(pr['html_url']);
  } else if (event === 'status') {
    const branches = payload['branches'];
    const first = Array.isArray(branches) && isObject(branches[0]) ? branches[0] : {};
    fields.branch = text(first['name']) ?? fields.branch;
    fields.conclusion = text(payload['state']);
    fields.status = fields.conclusion;
    fields.sha = text(payload['sha']) ?? fields.sha;
    fields.url = text(payload['target_url']);
  }
  return fields;
}

/**
 * Reads a GitHub delivery (`X-GitHub-Event` header + JSON payload) into the orchestrator's CI
 * input. The value classified is `conclusion`, falling back to `status` (lowercased), against
 * GITHUB_VALUE_SETS; a merged pull request is `merged`. Anything else is ignored (input null).
 * A payload that is not a JSON object is a ValidationError.
 */
export function interpretGithubWebhook(
  eventHeader: string | null | undefined,
  payload: unknown,
): WebhookInterpretation {
  const body = webhookPayload(payload);
  const event = eventHeader?.trim() || 'github';
  const review = interpretGithubReview(event, body);
  if (review) return review;
  const fields = githubFields(event, body);
  const value = (fields.conclusion ?? fields.status ?? '').toLowerCase();
  const classified = classifyCiValue(GITHUB_VALUE_SETS, value);
  return ciInterpretation({
    provider: 'github',
    event_type: event,
    branch: fields.branch,
    value,
    status: event === 'pull_request' && fields.merged ? 'merged' : classified,
    ignoredReason: () =>
      event === 'ping'
        ? 'ping'
        : value === ''
          ? `no CI status in a ${event} event`
          : `value ${JSON.stringify(value)} is not acted on`,
    report: () => ({
      repository: githubRepository(body),
      pr_number: fields.pr_number,
      sha: fields.sha,
      url: fields.url,
      metadata: compact({
        action: fields.action,
        check_name: fields.check_name,
        ci_status: fields.status,
        log_excerpt: fields.log_excerpt?.slice(-LOG_EXCERPT_CHARS),
      }),
    }),
  });
}
