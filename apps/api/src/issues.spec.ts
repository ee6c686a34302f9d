import { createHmac } from 'node:crypto';
import { git } from '@tasksgodzilla/testing';
import { useApi } from './api.test-helpers.js';

const SECRET = 'issues-webhook-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

const githubIssue = (number: number, labels: string[], action = 'opened', extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    action,
    issue: {
      number,
      title: 'Fix login bug',
      body: 'Users cannot log in.',
      html_url: `https://github.com/acme/demo/issues/${number}`,
      state: 'open',
      labels: labels.map((name) => ({ name })),
    },
    repository: { full_name: 'acme/demo', clone_url: 'https://github.com/acme/demo.git' },
    ...extra,
  });

describe('issues in over the api', () => {
  const h = useApi({ config: { webhookToken: SECRET } });
  let projectId: number;

  beforeAll(async () => {
    // The projects name forge URLs; git itself talks to the local bare origin (no network).
    for (const url of ['https://github.com/acme/demo.git', 'https://gitlab.example/group/demo.git'])
      git(h.repo.path, ['config', '--add', `url.${h.repo.originPath}.insteadOf`, url]);
    projectId = await h.project({ git_url: 'https://github.com/acme/demo.git' });
  });

  const deliver = (body: string, delivery: string, headers: Record<string, string> = {}) =>
    h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers: {
        'x-github-event': 'issues',
        'x-github-delivery': delivery,
        'x-hub-signature-256': sign(body),
        ...headers,
      },
    });

  it('a signed issues delivery with the label opens the run; a redelivery and a relabel open nothing more', async () => {
    const unsigned = await deliver(githubIssue(42, ['tasksgodzilla']), 'gh-0', { 'x-hub-signature-256': 'sha256=00' });
    expect(unsigned.status).toBe(401);
    const first = await deliver(githubIssue(42, ['tasksgodzilla']), 'gh-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ job: null });
    expect(first.body.message).toMatch(/^Issue protocol: issue-42-fix-login-bug \(\d+\)$/);
    const again = await deliver(githubIssue(42, ['tasksgodzilla']), 'gh-1');
    expect(again.body).toEqual({ message: 'Webhook already processed (delivery gh-1)', job: null });
    const relabel = await deliver(
      githubIssue(42, ['tasksgodzilla'], 'labeled', { label: { name: 'tasksgodzilla' } }),
      'gh-2',
    );
    expect(relabel.body.message).toMatch(/^Issue protocol: issue-42-fix-login-bug \(\d+, existing\)$/);
    const runs = await h.call('GET', `/projects/${projectId}/protocols`);
    const issueRuns = (runs.body as { protocol_name: string; description: string; status: string }[]).filter((r) =>
      r.protocol_name.startsWith('issue-'),
    );
    expect(issueRuns).toEqual([
      expect.objectContaining({
        protocol_name: 'issue-42-fix-login-bug',
        description: 'Users cannot log in.',
        status: 'pending',
      }),
    ]);
  });

  it('an unlabelled issue is ignored and recorded on the project; a started project plans at once', async () => {
    const ignored = await deliver(githubIssue(50, ['bug']), 'gh-50');
    expect(ignored.body).toEqual({
      message: 'Webhook ignored: the issue does not carry the label "tasksgodzilla"',
      job: null,
    });
    const events = await h.call('GET', '/events', { query: { project_id: projectId, event_type: 'webhook_ignored' } });
    expect(JSON.stringify(events.body)).toContain('gh-50');

    const settings = await h.call('PUT', `/projects/${projectId}/issue-settings`, {
      body: { auto_start: true, label: 'agent', template: h.template() },
    });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({
      project_id: projectId,
      label: 'agent',
      auto_start: true,
      auto_advance: false,
    });
    const started = await deliver(githubIssue(51, ['Agent']), 'gh-51');
    expect(started.body.job).toMatchObject({ job_type: 'plan_protocol_job' });
  });

  it('a GitLab issue hook with the label opens the run (token auth)', async () => {
    const gitlabProject = await h.project({ name: 'gl', git_url: 'https://gitlab.example/group/demo.git' });
    const body = JSON.stringify({
      object_kind: 'issue',
      project: { path_with_namespace: 'group/demo' },
      object_attributes: { iid: 3, title: 'Add export', description: 'CSV please', state: 'opened', action: 'open' },
      labels: [{ title: 'tasksgodzilla' }],
    });
    const res = await h.call('POST', '/webhooks/gitlab', {
      rawBody: body,
      headers: { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': SECRET },
    });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatch(/^Issue protocol: issue-3-add-export \(\d+\)$/);
    const runs = await h.call('GET', `/projects/${gitlabProject}/protocols`);
    expect((runs.body as { protocol_name: string }[]).map((r) => r.protocol_name)).toContain('issue-3-add-export');
  });

  it('issue settings and from-issue refuse bad input with 422 naming the field, 404 for a missing project', async () => {
    const bad = await h.call('PUT', `/projects/${projectId}/issue-settings`, {
      body: { auto_start: 'yes', label: '' },
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('auto_start');
    expect(bad.text).toContain('label');
    expect((await h.call('GET', `/projects/${projectId}/issue-settings`)).body).toMatchObject({ label: 'agent' });
    expect((await h.call('GET', '/projects/999999/issue-settings')).status).toBe(404);

    const noIssue = await h.call('POST', `/projects/${projectId}/protocols/from-issue`, { body: {} });
    expect(noIssue.status).toBe(422);
    expect(noIssue.text).toContain('issue');
    const elsewhere = await h.call('POST', `/projects/${projectId}/protocols/from-issue`, {
      body: { issue: 'https://github.com/other/repo/issues/1' },
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.detail).toContain("not on the project's repository");
    expect((await h.call('POST', '/projects/999999/protocols/from-issue', { body: { issue: 1 } })).status).toBe(404);
  });
});
