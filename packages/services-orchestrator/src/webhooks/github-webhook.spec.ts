import { ValidationError } from '@tasksgodzilla/core';
import { interpretGithubWebhook } from './github-webhook.js';
import { GITHUB_VALUE_SETS } from './webhook-values.js';

describe('interpretGithubWebhook', () => {
  it('reads a failed workflow_run (reference acceptance case 9)', () => {
    const result = interpretGithubWebhook('workflow_run', {
      action: 'completed',
      workflow_run: {
        conclusion: 'failure',
        status: 'completed',
        head_branch: '0001-demo',
        head_sha: 'abc',
        html_url: 'https://ci/1',
        pull_requests: [{ number: 4 }],
      },
    });
    expect(result.status).toBe('failure');
    expect(result.input).toEqual({
      provider: 'github',
      status: 'failure',
      event_type: 'workflow_run',
      branch: '0001-demo',
      pr_number: 4,
      sha: 'abc',
      conclusion: 'failure',
      url: 'https://ci/1',
      metadata: { action: 'completed', ci_status: 'completed' },
    });
  });

  it('falls back from conclusion to status, so a queued run is running', () => {
    const result = interpretGithubWebhook('workflow_run', {
      action: 'requested',
      workflow_run: { conclusion: null, status: 'queued', head_branch: 'b' },
    });
    expect(result.status).toBe('running');
    expect(result.value).toBe('queued');
  });

  it.each([
    ...GITHUB_VALUE_SETS.success.map((value) => [value, 'success'] as const),
    ...GITHUB_VALUE_SETS.running.map((value) => [value, 'running'] as const),
    ...GITHUB_VALUE_SETS.failure.map((value) => [value, 'failure'] as const),
  ])('classifies the status state %s as %s (case-insensitive)', (value, expected) => {
    const result = interpretGithubWebhook('status', {
      state: value.toUpperCase(),
      branches: [{ name: 'feature' }],
      target_url: 'https://ci',
      sha: 's1',
    });
    expect(result.status).toBe(expected);
    expect(result.input?.branch).toBe('feature');
    expect(result.input?.url).toBe('https://ci');
  });

  it.each(['skipped', 'stale', 'closed', 'open', ''])('ignores %j', (value) => {
    const result = interpretGithubWebhook('check_suite', {
      check_suite: { conclusion: value || null, head_branch: 'b' },
    });
    expect(result.input).toBeNull();
    expect(result.status).toBeNull();
    expect(result.ignored_reason).toBeTruthy();
  });

  it('reads check_run with the nested check_suite branch and the check name', () => {
    const result = interpretGithubWebhook('check_run', {
      check_run: {
        conclusion: 'success',
        name: 'lint',
        check_suite: { head_branch: 'nested' },
        pull_requests: [{ number: 9 }],
      },
    });
    expect(result.input).toMatchObject({
      status: 'success',
      branch: 'nested',
      pr_number: 9,
      metadata: { check_name: 'lint' },
    });
  });

  it('turns a merged pull request into merged, and a closed unmerged one into nothing (acceptance case 12)', () => {
    const merged = interpretGithubWebhook('pull_request', {
      action: 'closed',
      pull_request: { head: { ref: '0003-demo', sha: 'abc123' }, number: 7, state: 'closed', merged: true },
    });
    expect(merged.input).toMatchObject({
      status: 'merged',
      branch: '0003-demo',
      pr_number: 7,
      sha: 'abc123',
      conclusion: 'merged',
    });
    const closed = interpretGithubWebhook('pull_request', {
      action: 'closed',
      pull_request: { head: { ref: 'x' }, number: 8, state: 'closed', merged: false },
    });
    expect(closed.input).toBeNull();
  });

  it('keeps the base values for other events: a push has its ref but no CI state, a ping is ignored', () => {
    const push = interpretGithubWebhook('push', { ref: 'refs/heads/main', after: 'sha' });
    expect(push).toMatchObject({ branch: 'refs/heads/main', input: null });
    expect(interpretGithubWebhook('ping', { zen: 'hi' }).ignored_reason).toBe('ping');
  });

  it('defaults the event type to github and never crashes on odd shapes', () => {
    // An unnamed event keeps the base values only: its branch, but no CI state (as the original).
    expect(interpretGithubWebhook(undefined, { state: 'success', branch: 'b' })).toMatchObject({
      event_type: 'github',
      status: null,
      branch: 'b',
    });
    expect(interpretGithubWebhook('workflow_run', { workflow_run: null, ref: 'r' }).input).toBeNull();
    expect(interpretGithubWebhook('status', { state: 'success', branches: 'nope' }).branch).toBeNull();
  });

  it('rejects a payload that is not a JSON object', () => {
    expect(() => interpretGithubWebhook('status', [1])).toThrow(ValidationError);
    expect(() => interpretGithubWebhook('status', 'text')).toThrow('Webhook payload must be a JSON object');
  });
});
