import type { CiProvider, JsonObject } from '@tasksgodzilla/core';
import type { IssueFacts, IssueWebhookInterpretation } from '../issues/issue.types.js';
import {
  githubRepository,
  gitlabRepository,
  integer,
  isObject,
  objectAt,
  text,
  webhookPayload,
} from './webhook-values.js';

/** Label names of a payload's `labels`: objects with `name` (GitHub) or `title` (GitLab), or strings. */
function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((label) =>
      typeof label === 'string' ? label : isObject(label) ? (text(label['name']) ?? text(label['title'])) : null,
    )
    .filter((name): name is string => name !== null);
}

function facts(provider: CiProvider, repository: string | null, issue: JsonObject, labels: unknown): IssueFacts | null {
  const number = integer(provider === 'github' ? issue['number'] : issue['iid']);
  if (!repository || number === null || number < 1) return null;
  return {
    provider,
    repository,
    number,
    title: text(issue['title']) ?? '',
    body: text(provider === 'github' ? issue['body'] : issue['description']) ?? '',
    url: text(provider === 'github' ? issue['html_url'] : issue['url']),
    labels: labelNames(labels),
    state: text(issue['state'])?.toLowerCase() ?? null,
  };
}

/**
 * A GitHub `issues` delivery, or null when the event is not `issues` (the CI reader takes it). `opened`
 * and `reopened` count when the issue carries the label; `labeled` when the label added is it.
 */
function githubIssue(event: string, payload: JsonObject): IssueWebhookInterpretation | null {
  if (event !== 'issues') return null;
  const action = text(payload['action']) ?? '';
  const issue = objectAt(payload, 'issue');
  const repositoryRef = githubRepository(payload);
  const found = facts('github', repositoryRef?.full_name ?? null, issue, issue['labels']);
  const trigger = action === 'opened' || action === 'reopened' ? 'opened' : action === 'labeled' ? 'labeled' : null;
  return {
    provider: 'github',
    event_type: event,
    action,
    trigger,
    added_label: action === 'labeled' ? text(objectAt(payload, 'label')['name']) : null,
    repository_ref: repositoryRef,
    issue: found,
    ignored_reason: !found
      ? 'the payload names no issue and repository'
      : issue['pull_request'] !== undefined
        ? 'a pull request, not an issue'
        : trigger === null
          ? `issue action ${JSON.stringify(action)} is not acted on`
          : found.state === 'closed'
            ? 'the issue is closed'
            : null,
  };
}

/** A GitLab issue hook (`object_kind: issue`, also confidential ones), or null for any other kind. */
function gitlabIssue(payload: JsonObject): IssueWebhookInterpretation | null {
  const kind = text(payload['object_kind']) ?? text(payload['event_type']);
  if (kind !== 'issue' && kind !== 'confidential_issue') return null;
  const attributes = objectAt(payload, 'object_attributes');
  const action = text(attributes['action']) ?? '';
  const repositoryRef = gitlabRepository(payload);
  const labels = Array.isArray(payload['labels']) ? payload['labels'] : attributes['labels'];
  const found = facts('gitlab', repositoryRef?.full_name ?? null, attributes, labels);
  const trigger = action === 'open' || action === 'reopen' ? 'opened' : action === 'update' ? 'updated' : null;
  return {
    provider: 'gitlab',
    event_type: 'issue',
    action,
    trigger,
    added_label: null,
    repository_ref: repositoryRef,
    issue: found,
    ignored_reason: !found
      ? 'the payload names no issue and project'
      : trigger === null
        ? `issue action ${JSON.stringify(action)} is not acted on`
        : found.state === 'closed'
          ? 'the issue is closed'
          : null,
  };
}

/**
 * Reads an issue delivery: GitHub's `issues` event (`X-GitHub-Event`), GitLab's issue hook
 * (`object_kind: issue`). Null when the delivery is about something else (CI, reviews), so the caller
 * hands it to the CI reader. Whether it opens a run depends on the project's label (see
 * `handleIssueDelivery`). A payload that is not a JSON object is a ValidationError.
 */
export function interpretIssueWebhook(
  provider: CiProvider,
  eventHeader: string | null | undefined,
  payload: unknown,
): IssueWebhookInterpretation | null {
  const body = webhookPayload(payload);
  if (provider === 'github') return githubIssue(eventHeader?.trim() ?? '', body);
  return gitlabIssue(body);
}

/** Whether the delivery asks the project with `label` for a run (labels compared case-insensitively, as forges do). */
export function issueWantsRun(interpretation: IssueWebhookInterpretation, label: string): string | null {
  if (interpretation.ignored_reason) return interpretation.ignored_reason;
  const wanted = label.toLowerCase();
  if (interpretation.trigger === 'labeled') {
    return interpretation.added_label?.toLowerCase() === wanted
      ? null
      : `label ${JSON.stringify(interpretation.added_label ?? '')} is not ${JSON.stringify(label)}`;
  }
  const carries = interpretation.issue?.labels.some((name) => name.toLowerCase() === wanted) ?? false;
  return carries ? null : `the issue does not carry the label ${JSON.stringify(label)}`;
}
