import { createHmac } from 'node:crypto';
import { type ApiHarness, useApi } from './api.test-helpers.js';

interface Step {
  id: number;
  status: string;
  summary: string | null;
  runtime_state: Record<string, unknown> | null;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

async function stepsOf(h: ApiHarness, runId: number): Promise<Step[]> {
  return (await h.call<Step[]>('GET', `/protocols/${runId}/steps`)).body;
}

async function eventsOf(
  h: ApiHarness,
  runId: number,
): Promise<{ event_type: string; message: string; metadata: Record<string, unknown> | null }[]> {
  return (await h.call('GET', `/protocols/${runId}/events`, { query: { limit: 500 } })).body;
}

describe('webhooks: value sets and effects (reference acceptance cases 9-13)', () => {
  const h = useApi({ project: true });

  it('a failed GitHub workflow_run fails the step and blocks the run (9)', async () => {
    const { id } = await h.planned(h.projectId, '0001-demo');
    const res = await h.call('POST', '/webhooks/github', {
      body: { action: 'completed', workflow_run: { conclusion: 'failure', head_branch: '0001-demo' } },
      headers: { 'x-github-event': 'workflow_run', 'x-request-id': 'req-hook-9' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Webhook recorded', job: null });
    expect((await stepsOf(h, id)).some((s) => s.status === 'failed')).toBe(true);
    expect((await h.call('GET', `/protocols/${id}`)).body.status).toBe('blocked');
    const events = await eventsOf(h, id);
    const hook = events.find((e) => e.message.includes('GitHub webhook'));
    expect(hook).toMatchObject({ event_type: 'workflow_run' });
    expect(hook?.metadata?.request_id).toBe('req-hook-9');
    expect(events.some((e) => /blocked/i.test(e.message))).toBe(true);
  });

  it('a GitLab pipeline success completes the step; a failure blocks (10, 11), report.sh "failure" included', async () => {
    const ok = await h.planned(h.projectId, '0002-demo');
    const success = await h.call('POST', '/webhooks/gitlab', {
      body: { object_attributes: { status: 'success' }, ref: '0002-demo' },
      headers: { 'x-gitlab-event': 'Pipeline Hook' },
    });
    expect(success.status).toBe(200);
    expect((await stepsOf(h, ok.id)).some((s) => s.status === 'completed')).toBe(true);

    const bad = await h.planned(h.projectId, '0002b-demo');
    const failed = await h.call('POST', '/webhooks/gitlab', {
      body: { object_kind: 'pipeline', object_attributes: { status: 'failed' }, ref: '0002b-demo' },
      headers: { 'x-gitlab-event': 'Pipeline Hook' },
    });
    expect(failed.status).toBe(200);
    expect((await stepsOf(h, bad.id)).some((s) => s.status === 'failed')).toBe(true);
    expect((await h.call('GET', `/protocols/${bad.id}`)).body.status).toBe('blocked');
    expect((await eventsOf(h, bad.id)).some((e) => /blocked/i.test(e.message))).toBe(true);

    const report = await h.planned(h.projectId, '0002c-demo');
    await h.call('POST', '/webhooks/gitlab', {
      body: { object_kind: 'pipeline', object_attributes: { status: 'failure', ref: '0002c-demo' } },
      headers: { 'x-gitlab-event': 'Pipeline Hook' },
    });
    expect((await h.call('GET', `/protocols/${report.id}`)).body.status).toBe('blocked');
  });

  it('a merged GitHub PR and a merged GitLab MR complete the run (12, 13)', async () => {
    const pr = await h.planned(h.projectId, '0003-demo');
    const merged = await h.call('POST', '/webhooks/github', {
      body: {
        action: 'closed',
        pull_request: { head: { ref: '0003-demo', sha: 'abc123' }, number: 7, state: 'closed', merged: true },
      },
      headers: { 'x-github-event': 'pull_request' },
    });
    expect(merged.status).toBe(200);
    expect((await h.call('GET', `/protocols/${pr.id}`)).body.status).toBe('completed');
    expect((await eventsOf(h, pr.id)).map((e) => e.event_type)).toContain('pr_merged');

    const mr = await h.planned(h.projectId, '0004-demo');
    const mrMerged = await h.call('POST', '/webhooks/gitlab', {
      body: {
        object_kind: 'merge_request',
        object_attributes: { state: 'merged', source_branch: '0004-demo', iid: 11 },
      },
      headers: { 'x-gitlab-event': 'Merge Request Hook' },
    });
    expect(mrMerged.status).toBe(200);
    expect((await h.call('GET', `/protocols/${mr.id}`)).body.status).toBe('completed');
    expect((await eventsOf(h, mr.id)).map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['merge_request', 'mr_merged']),
    );
  });

  it('running values are CI state on the step (never step running); values outside the sets change nothing', async () => {
    const { id } = await h.planned(h.projectId, '0005-demo');
    const running = await h.call('POST', '/webhooks/github', {
      body: { check_suite: { status: 'in_progress', conclusion: null, head_branch: '0005-demo' } },
      headers: { 'x-github-event': 'check_suite' },
    });
    expect(running.status).toBe(200);
    const steps = await stepsOf(h, id);
    expect(steps.some((s) => s.status === 'running')).toBe(false);
    expect(steps.some((s) => (s.runtime_state as { ci?: { status?: string } } | null)?.ci?.status === 'running')).toBe(
      true,
    );

    const skipped = await h.call('POST', '/webhooks/github', {
      body: { check_suite: { conclusion: 'skipped', head_branch: '0005-demo' } },
      headers: { 'x-github-event': 'check_suite' },
    });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toEqual({ message: 'Webhook ignored: value "skipped" is not acted on', job: null });
    // Ignored, but it names the run: recorded there (as the original did; issue 15).
    const ignored = (await h.call('GET', `/protocols/${id}/events`)).body.filter(
      (event: { event_type: string }) => event.event_type === 'webhook_ignored',
    );
    expect(ignored).toHaveLength(1);
    expect(ignored[0].metadata).toMatchObject({
      provider: 'github',
      event_type: 'check_suite',
      branch: '0005-demo',
      value: 'skipped',
      reason: 'value "skipped" is not acted on',
    });
    const ping = await h.call('POST', '/webhooks/github', {
      body: { zen: 'Keep it logically awesome.' },
      headers: { 'x-github-event': 'ping' },
    });
    expect(ping.body.message).toBe('Webhook ignored: ping');
    const nullAttrs = await h.call('POST', '/webhooks/gitlab', {
      body: { object_kind: 'pipeline', object_attributes: null, ref: '0005-demo' },
      headers: { 'x-gitlab-event': 'Pipeline Hook' },
    });
    expect(nullAttrs.status).toBe(200);
  });

  it('targets a run by ?protocol_run_id=, and answers 404/422/400 for bad deliveries', async () => {
    const { id } = await h.planned(h.projectId, '0006-demo');
    const targeted = await h.call('POST', '/webhooks/github', {
      query: { protocol_run_id: id },
      body: { state: 'success' },
      headers: { 'x-github-event': 'status' },
    });
    expect(targeted.status).toBe(200);
    expect((await stepsOf(h, id)).some((s) => s.status === 'completed')).toBe(true);

    const unknownBranch = await h.call('POST', '/webhooks/github', {
      body: { state: 'success', branches: [{ name: 'no-such-branch' }] },
      headers: { 'x-github-event': 'status' },
    });
    expect(unknownBranch.status).toBe(404);
    expect(unknownBranch.body.detail).toBe('Protocol run not found for webhook');
    const unknownRun = await h.call('POST', '/webhooks/github', {
      query: { protocol_run_id: 999999 },
      body: { state: 'success' },
      headers: { 'x-github-event': 'status' },
    });
    expect(unknownRun.status).toBe(404);
    const badId = await h.call('POST', '/webhooks/github', {
      query: { protocol_run_id: 'abc' },
      body: { state: 'success' },
      headers: { 'x-github-event': 'status' },
    });
    expect(badId.status).toBe(422);
    expect(badId.body.detail[0].loc).toEqual(['query', 'protocol_run_id']);
    const junk = await h.call('POST', '/webhooks/github', {
      rawBody: '{not json',
      headers: { 'x-github-event': 'status' },
    });
    expect(junk.status).toBe(400);
    expect(junk.body.detail).toMatch(/^Invalid JSON payload/);
    const array = await h.call('POST', '/webhooks/gitlab', {
      rawBody: '[1,2]',
      headers: { 'x-gitlab-event': 'Pipeline Hook' },
    });
    expect(array.status).toBe(422);
    expect(array.body.detail[0]).toMatchObject({ loc: ['body'], msg: 'must be a JSON object' });
    const form = await h.call('POST', '/webhooks/github', {
      rawBody: `payload=${encodeURIComponent(JSON.stringify({ state: 'pending', branches: [{ name: '0006-demo' }] }))}`,
      headers: { 'x-github-event': 'status', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
  });
});

describe('webhooks: signatures (secret set)', () => {
  const secret = 'hook-secret';
  const h = useApi({ config: { webhookToken: secret, apiToken: 'api-token', autoQaOnCi: true } });
  let projectId: number;
  beforeAll(async () => {
    projectId = await h.project({}, { authorization: 'Bearer api-token' });
  });

  const auth = { authorization: 'Bearer api-token' };

  it('GitHub: accepts X-Hub-Signature-256 with or without sha256=, rejects a missing or wrong one', async () => {
    const { id } = await h.planned(projectId, '0010-signed', {}, auth);
    const body = JSON.stringify({ state: 'pending', branches: [{ name: '0010-signed' }] });
    const prefixed = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers: { 'x-github-event': 'status', 'x-hub-signature-256': `sha256=${sign(secret, body)}` },
    });
    expect(prefixed.status).toBe(200);
    const bare = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers: { 'x-github-event': 'status', 'x-hub-signature-256': sign(secret, body) },
    });
    expect(bare.status).toBe(200);

    const missing = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers: { 'x-github-event': 'status' },
    });
    expect(missing.status).toBe(401);
    expect(missing.body.detail).toBe('Invalid webhook signature');
    const wrong = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers: { 'x-github-event': 'status', 'x-hub-signature-256': `sha256=${sign('other', body)}` },
    });
    expect(wrong.status).toBe(401);
    // Checked over the raw bytes before parsing: a junk body with no signature is a 401, never a 500.
    const junk = await h.call('POST', '/webhooks/github', {
      rawBody: '{junk',
      headers: { 'x-github-event': 'status' },
    });
    expect(junk.status).toBe(401);

    // Auto-QA on CI success: the step goes to QA, and the QA job is returned.
    const successBody = JSON.stringify({ state: 'success', branches: [{ name: '0010-signed' }] });
    const success = await h.call('POST', '/webhooks/github', {
      rawBody: successBody,
      headers: { 'x-github-event': 'status', 'x-hub-signature-256': `sha256=${sign(secret, successBody)}` },
    });
    expect(success.status).toBe(200);
    expect(success.body.job).toMatchObject({ job_type: 'run_quality_job' });
    expect((await eventsOf2(h, id)).map((e) => e.event_type)).toContain('qa_enqueued');

    const metrics = await h.call('GET', '/metrics');
    expect(metrics.text).toMatch(/webhooks_total\{provider="github",status="unauthorized"\} 3/);
    expect(metrics.text).toMatch(/webhooks_total\{provider="github",status="received"\} 3/);
  });

  it('GitLab: X-Gitlab-Token or X-TasksGodzilla-Webhook-Token, plus an optional X-Gitlab-Signature-256', async () => {
    await h.planned(projectId, '0011-signed', {}, auth);
    const body = JSON.stringify({
      object_kind: 'pipeline',
      object_attributes: { status: 'running', ref: '0011-signed' },
    });
    const headers = { 'x-gitlab-event': 'Pipeline Hook' };
    expect(
      (await h.call('POST', '/webhooks/gitlab', { rawBody: body, headers: { ...headers, 'x-gitlab-token': secret } }))
        .status,
    ).toBe(200);
    expect(
      (
        await h.call('POST', '/webhooks/gitlab', {
          rawBody: body,
          headers: { ...headers, 'x-tasksgodzilla-webhook-token': secret },
        })
      ).status,
    ).toBe(200);
    const signed = await h.call('POST', '/webhooks/gitlab', {
      rawBody: body,
      headers: { ...headers, 'x-gitlab-token': secret, 'x-gitlab-signature-256': `sha256=${sign(secret, body)}` },
    });
    expect(signed.status).toBe(200);

    const wrongToken = await h.call('POST', '/webhooks/gitlab', {
      rawBody: body,
      headers: { ...headers, 'x-gitlab-token': 'nope' },
    });
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.body.detail).toBe('Invalid webhook token');
    const noToken = await h.call('POST', '/webhooks/gitlab', { rawBody: body, headers });
    expect(noToken.body.detail).toBe('Invalid webhook token');
    const badSignature = await h.call('POST', '/webhooks/gitlab', {
      rawBody: body,
      headers: { ...headers, 'x-gitlab-token': secret, 'x-gitlab-signature-256': 'sha256=00' },
    });
    expect(badSignature.status).toBe(401);
    expect(badSignature.body.detail).toBe('Invalid webhook signature');
  });
});

async function eventsOf2(h: ApiHarness, runId: number): Promise<{ event_type: string }[]> {
  return (
    await h.call('GET', `/protocols/${runId}/events`, {
      query: { limit: 500 },
      headers: { authorization: 'Bearer api-token' },
    })
  ).body;
}
