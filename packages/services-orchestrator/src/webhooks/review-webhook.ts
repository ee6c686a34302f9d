import type { JsonObject } from '@tasksgodzilla/core';
import type { CiRepositoryRef, CiReview } from '../orchestrator.types.js';
import type { WebhookInterpretation } from './webhook.types.js';
import { githubRepository, gitlabRepository, integer, isObject, objectAt, text } from './webhook-values.js';

/** Longest review body kept (its start: reviewers put the point first). */
export const REVIEW_BODY_CHARS = 4000;

const GITHUB_REVIEW_ACTIONS: Record<string, string> = {
  pull_request_review: 'submitted',
  pull_request_review_comment: 'created',
};

function reviewInterpretation(
  provider: 'github' | 'gitlab',
  eventType: string,
  branch: string | null,
  prNumber: number | null,
  review: CiReview,
  repository: CiRepositoryRef | null,
): WebhookInterpretation {
  return {
    provider,
    event_type: eventType,
    branch,
    value: review.state ?? 'commented',
    status: 'review',
    ignored_reason: null,
    input: {
      ...(repository ? { repository } : {}),
      provider,
      status: 'review',
      event_type: eventType,
      branch,
      pr_number: prNumber,
      url: review.url,
      conclusion: review.state,
      review: { ...review, body: review.body.slice(0, REVIEW_BODY_CHARS) },
    },
  };
}

function ignored(
  provider: 'github' | 'gitlab',
  eventType: string,
  branch: string | null,
  reason: string,
): WebhookInterpretation {
  return { provider, event_type: eventType, branch, value: '', status: null, input: null, ignored_reason: reason };
}

/**
 * GitHub `pull_request_review` (action `submitted`) and `pull_request_review_comment` (action
 * `created`) as a `review` report on the PR's head branch; null for any other event. An empty
 * review that is not `changes_requested` (a bare approval) is ignored.
 */
export function interpretGithubReview(event: string, payload: JsonObject): WebhookInterpretation | null {
  const expected = GITHUB_REVIEW_ACTIONS[event];
  if (!expected) return null;
  const pr = objectAt(payload, 'pull_request');
  const branch = text(objectAt(pr, 'head')['ref']);
  const action = text(payload['action']) ?? '';
  if (action !== expected) return ignored('github', event, branch, `action ${JSON.stringify(action)} is not acted on`);
  const source = event === 'pull_request_review' ? objectAt(payload, 'review') : objectAt(payload, 'comment');
  const state = event === 'pull_request_review' ? (text(source['state'])?.toLowerCase() ?? null) : 'commented';
  const body = text(source['body']) ?? '';
  if (body.trim() === '' && state !== 'changes_requested')
    return ignored('github', event, branch, 'a review without a comment');
  const review: CiReview = {
    author: text(objectAt(source, 'user')['login']),
    body: body || 'Changes requested.',
    state,
    path: text(source['path']),
    line: integer(source['line']) ?? integer(source['original_line']),
    url: text(source['html_url']),
  };
  return reviewInterpretation('github', event, branch, integer(pr['number']), review, githubRepository(payload));
}

/** A GitLab note hook on a merge request as a `review` report on its source branch; null for other kinds. */
export function interpretGitlabNote(objectKind: string, payload: JsonObject): WebhookInterpretation | null {
  if (objectKind.toLowerCase() !== 'note') return null;
  const attrs = objectAt(payload, 'object_attributes');
  const mr = objectAt(payload, 'merge_request');
  const branch = text(mr['source_branch']);
  if (text(attrs['noteable_type']) !== 'MergeRequest')
    return ignored('gitlab', objectKind, branch, 'a note that is not on a merge request');
  const body = text(attrs['note']) ?? '';
  if (body.trim() === '') return ignored('gitlab', objectKind, branch, 'an empty note');
  const position = isObject(attrs['position']) ? objectAt(attrs, 'position') : {};
  const review: CiReview = {
    author: text(objectAt(payload, 'user')['username']),
    body,
    state: 'commented',
    path: text(position['new_path']) ?? text(position['old_path']),
    line: integer(position['new_line']) ?? integer(position['old_line']),
    url: text(attrs['url']),
  };
  return reviewInterpretation('gitlab', objectKind, branch, integer(mr['iid']), review, gitlabRepository(payload));
}
