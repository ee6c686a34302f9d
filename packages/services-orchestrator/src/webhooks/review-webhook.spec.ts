import { interpretGithubWebhook } from './github-webhook.js';
import { interpretGitlabWebhook } from './gitlab-webhook.js';

describe('review webhooks', () => {
  it('reads a submitted GitHub review (changes requested without a body still counts) with its repository', () => {
    const result = interpretGithubWebhook('pull_request_review', {
      action: 'submitted',
      repository: { full_name: 'acme/demo' },
      pull_request: { number: 4, head: { ref: '0001-demo' } },
      review: { state: 'CHANGES_REQUESTED', body: null, user: { login: 'bob' }, html_url: 'https://forge/r/1' },
    });
    expect(result.status).toBe('review');
    expect(result.input).toMatchObject({
      status: 'review',
      branch: '0001-demo',
      pr_number: 4,
      repository: { full_name: 'acme/demo' },
      review: { author: 'bob', state: 'changes_requested', body: 'Changes requested.' },
    });
  });

  it('ignores edits, empty comments and notes that are not on a merge request', () => {
    expect(
      interpretGithubWebhook('pull_request_review_comment', { action: 'edited', comment: { body: 'x' } }).input,
    ).toBeNull();
    expect(
      interpretGithubWebhook('pull_request_review', { action: 'submitted', review: { state: 'commented', body: '' } })
        .ignored_reason,
    ).toBe('a review without a comment');
    expect(
      interpretGitlabWebhook('Note Hook', {
        object_kind: 'note',
        object_attributes: { noteable_type: 'Issue', note: 'hi' },
      }).ignored_reason,
    ).toBe('a note that is not on a merge request');
  });

  it('keeps the start of a very long comment', () => {
    const result = interpretGithubWebhook('pull_request_review_comment', {
      action: 'created',
      pull_request: { head: { ref: 'b' } },
      comment: { body: 'A'.repeat(10_000) },
    });
    expect(result.input?.review?.body).toHaveLength(4000);
  });

  it('GitLab pipelines name their failed jobs and carry the log excerpt scripts/ci/report.sh sends', () => {
    const result = interpretGitlabWebhook('Pipeline Hook', {
      object_kind: 'pipeline',
      object_attributes: { ref: 'b', status: 'failed' },
      builds: [
        { name: 'lint', status: 'success' },
        { name: 'test', status: 'failed' },
      ],
      log_excerpt: 'x'.repeat(5000) + 'END',
    });
    expect(result.input?.metadata).toMatchObject({ check_name: 'test' });
    expect((result.input?.metadata?.log_excerpt as string).endsWith('END')).toBe(true);
    expect((result.input?.metadata?.log_excerpt as string).length).toBe(4000);
  });
});
