import { ValidationError } from '@tasksgodzilla/core';
import { interpretIssueWebhook, issueWantsRun } from './issue-webhook.js';

const githubIssues = (action: string, extra: Record<string, unknown> = {}) => ({
  action,
  issue: {
    number: 42,
    title: 'Fix login bug',
    body: 'Users cannot log in with SSO.',
    html_url: 'https://github.com/acme/demo/issues/42',
    state: 'open',
    labels: [{ name: 'bug' }, { name: 'TasksGodzilla' }],
  },
  repository: { full_name: 'acme/demo', clone_url: 'https://github.com/acme/demo.git' },
  ...extra,
});

const gitlabIssue = (action: string, labels: string[], state = 'opened') => ({
  object_kind: 'issue',
  project: { path_with_namespace: 'group/sub/demo', git_http_url: 'https://gitlab.example/group/sub/demo.git' },
  object_attributes: {
    iid: 5,
    title: 'Add CSV export',
    description: 'Export the report as CSV.',
    url: 'https://gitlab.example/group/sub/demo/-/issues/5',
    state,
    action,
  },
  labels: labels.map((title) => ({ title })),
});

describe('interpretIssueWebhook', () => {
  it('maps a GitHub issues/opened delivery: issue facts, repository, trigger', () => {
    expect(interpretIssueWebhook('github', 'issues', githubIssues('opened'))).toEqual({
      provider: 'github',
      event_type: 'issues',
      action: 'opened',
      trigger: 'opened',
      added_label: null,
      repository_ref: { full_name: 'acme/demo', urls: ['https://github.com/acme/demo.git'] },
      issue: {
        provider: 'github',
        repository: 'acme/demo',
        number: 42,
        title: 'Fix login bug',
        body: 'Users cannot log in with SSO.',
        url: 'https://github.com/acme/demo/issues/42',
        labels: ['bug', 'TasksGodzilla'],
        state: 'open',
      },
      ignored_reason: null,
    });
  });

  it('maps GitHub labeled with the label added, and ignores other actions, closed issues and pull requests', () => {
    const labeled = interpretIssueWebhook(
      'github',
      'issues',
      githubIssues('labeled', { label: { name: 'tasksgodzilla' } }),
    );
    expect(labeled).toMatchObject({ trigger: 'labeled', added_label: 'tasksgodzilla', ignored_reason: null });
    expect(interpretIssueWebhook('github', 'issues', githubIssues('edited'))?.ignored_reason).toBe(
      'issue action "edited" is not acted on',
    );
    const closed = githubIssues('labeled', { label: { name: 'tasksgodzilla' } });
    closed.issue.state = 'closed';
    expect(interpretIssueWebhook('github', 'issues', closed)?.ignored_reason).toBe('the issue is closed');
    const pr = githubIssues('opened');
    Object.assign(pr.issue, { pull_request: { url: 'x' } });
    expect(interpretIssueWebhook('github', 'issues', pr)?.ignored_reason).toBe('a pull request, not an issue');
    expect(interpretIssueWebhook('github', 'issues', { action: 'opened', issue: {} })?.ignored_reason).toBe(
      'the payload names no issue and repository',
    );
  });

  it('is null for deliveries that are not about issues (the CI reader takes them)', () => {
    expect(interpretIssueWebhook('github', 'workflow_run', { action: 'completed' })).toBeNull();
    expect(interpretIssueWebhook('github', undefined, githubIssues('opened'))).toBeNull();
    expect(interpretIssueWebhook('gitlab', 'Pipeline Hook', { object_kind: 'pipeline' })).toBeNull();
  });

  it('maps a GitLab issue hook: iid, project path, description, label titles', () => {
    expect(interpretIssueWebhook('gitlab', 'Issue Hook', gitlabIssue('open', ['tasksgodzilla']))).toMatchObject({
      provider: 'gitlab',
      event_type: 'issue',
      action: 'open',
      trigger: 'opened',
      repository_ref: { full_name: 'group/sub/demo' },
      issue: {
        repository: 'group/sub/demo',
        number: 5,
        title: 'Add CSV export',
        body: 'Export the report as CSV.',
        url: 'https://gitlab.example/group/sub/demo/-/issues/5',
        labels: ['tasksgodzilla'],
        state: 'opened',
      },
      ignored_reason: null,
    });
    expect(interpretIssueWebhook('gitlab', 'Issue Hook', gitlabIssue('update', ['x']))?.trigger).toBe('updated');
    expect(
      interpretIssueWebhook('gitlab', 'Issue Hook', gitlabIssue('close', ['tasksgodzilla'], 'closed'))?.ignored_reason,
    ).toBe('issue action "close" is not acted on');
  });

  it('refuses a payload that is not a JSON object', () => {
    expect(() => interpretIssueWebhook('github', 'issues', [])).toThrow(ValidationError);
  });
});

describe('issueWantsRun (the label filter)', () => {
  const read = (payload: unknown, provider: 'github' | 'gitlab' = 'github') =>
    interpretIssueWebhook(provider, provider === 'github' ? 'issues' : 'Issue Hook', payload)!;

  it('opened counts only when the issue carries the label (case-insensitive)', () => {
    expect(issueWantsRun(read(githubIssues('opened')), 'tasksgodzilla')).toBeNull();
    expect(issueWantsRun(read(githubIssues('opened')), 'agent')).toBe('the issue does not carry the label "agent"');
  });

  it('labeled counts only when the label added is the project label', () => {
    expect(
      issueWantsRun(read(githubIssues('labeled', { label: { name: 'TASKSGODZILLA' } })), 'tasksgodzilla'),
    ).toBeNull();
    expect(issueWantsRun(read(githubIssues('labeled', { label: { name: 'bug' } })), 'tasksgodzilla')).toBe(
      'label "bug" is not "tasksgodzilla"',
    );
  });

  it('GitLab open/update count with the label; an ignored delivery keeps its reason', () => {
    expect(issueWantsRun(read(gitlabIssue('update', ['tasksgodzilla']), 'gitlab'), 'tasksgodzilla')).toBeNull();
    expect(issueWantsRun(read(gitlabIssue('open', ['bug']), 'gitlab'), 'tasksgodzilla')).toBe(
      'the issue does not carry the label "tasksgodzilla"',
    );
    expect(issueWantsRun(read(githubIssues('edited')), 'tasksgodzilla')).toBe('issue action "edited" is not acted on');
  });
});
