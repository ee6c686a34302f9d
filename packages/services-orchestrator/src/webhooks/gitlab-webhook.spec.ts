import { ValidationError } from '@tasksgodzilla/core';
import { interpretGitlabWebhook } from './gitlab-webhook.js';
import { GITLAB_VALUE_SETS } from './webhook-values.js';

describe('interpretGitlabWebhook', () => {
  it('reads a pipeline success with the ref at the top level and the header as kind (acceptance case 10)', () => {
    const result = interpretGitlabWebhook('Pipeline Hook', {
      object_attributes: { status: 'success' },
      ref: '0002-demo',
    });
    expect(result).toMatchObject({ event_type: 'Pipeline Hook', branch: '0002-demo', status: 'success' });
    expect(result.input).toEqual({
      provider: 'gitlab',
      status: 'success',
      event_type: 'Pipeline Hook',
      branch: '0002-demo',
      pr_number: null,
      sha: null,
      conclusion: 'success',
      url: null,
      metadata: { event: 'Pipeline Hook', ref: '0002-demo', ci_status: 'success' },
    });
  });

  it('reads a pipeline failure with object_kind (acceptance case 11)', () => {
    const result = interpretGitlabWebhook('Pipeline Hook', {
      object_kind: 'pipeline',
      object_attributes: { status: 'failed', ref: '0002b-demo', sha: 'f00' },
    });
    expect(result.input).toMatchObject({ status: 'failure', event_type: 'pipeline', branch: '0002b-demo', sha: 'f00' });
  });

  it.each([
    ...GITLAB_VALUE_SETS.success.map((value) => [value, 'success'] as const),
    ...GITLAB_VALUE_SETS.running.map((value) => [value, 'running'] as const),
    ...GITLAB_VALUE_SETS.failure.map((value) => [value, 'failure'] as const),
  ])('classifies %s as %s', (value, expected) => {
    expect(
      interpretGitlabWebhook('Pipeline Hook', {
        object_kind: 'pipeline',
        object_attributes: { status: value, ref: 'b' },
      }).status,
    ).toBe(expected);
  });

  it('counts report.sh "failure" as a failure (the original ignored it)', () => {
    expect(
      interpretGitlabWebhook('Pipeline Hook', {
        object_kind: 'pipeline',
        object_attributes: { status: 'failure', ref: 'b' },
      }).status,
    ).toBe('failure');
  });

  it.each(['skipped', 'manual', 'created', ''])('ignores %j', (value) => {
    const result = interpretGitlabWebhook('Pipeline Hook', {
      object_kind: 'pipeline',
      object_attributes: { status: value, ref: 'b' },
    });
    expect(result.input).toBeNull();
    expect(result.ignored_reason).toBeTruthy();
  });

  it('turns a merged merge request into merged, by object_kind or by header (acceptance case 13)', () => {
    const byKind = interpretGitlabWebhook('Merge Request Hook', {
      object_kind: 'merge_request',
      object_attributes: { state: 'merged', source_branch: '0004-demo', iid: 11 },
    });
    expect(byKind.input).toMatchObject({
      status: 'merged',
      event_type: 'merge_request',
      branch: '0004-demo',
      pr_number: 11,
    });
    const byHeader = interpretGitlabWebhook('Merge Request Hook', {
      object_attributes: { state: 'merged', source_branch: 'x' },
    });
    expect(byHeader.status).toBe('merged');
    const opened = interpretGitlabWebhook('Merge Request Hook', {
      object_kind: 'merge_request',
      object_attributes: { state: 'opened', source_branch: 'x' },
    });
    expect(opened.input).toBeNull();
  });

  it('reads object_attributes: null as empty instead of crashing, and defaults the kind to gitlab', () => {
    expect(interpretGitlabWebhook(undefined, { object_attributes: null, ref: 'b' })).toMatchObject({
      event_type: 'gitlab',
      branch: 'b',
      input: null,
    });
  });

  it('rejects a payload that is not a JSON object', () => {
    expect(() => interpretGitlabWebhook('Pipeline Hook', null)).toThrow(ValidationError);
  });
});
