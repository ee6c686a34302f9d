import { createHmac } from 'node:crypto';
import { useApi } from './api.test-helpers.js';

// Issue 10: an identical signed delivery was processed twice. The forge's delivery id de-duplicates it.

const SECRET = 'hook-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('webhook deliveries are processed once', () => {
  const h = useApi({ config: { webhookToken: SECRET }, project: true });

  const eventCount = async (runId: number): Promise<number> =>
    ((await h.call('GET', `/protocols/${runId}/events`, { query: { limit: 500 } })).body as unknown[]).length;

  it('GitHub: a redelivery with the same X-GitHub-Delivery is answered, not processed again', async () => {
    const { id } = await h.planned(h.projectId, '0001-dedup');
    const body = JSON.stringify({
      action: 'completed',
      workflow_run: { conclusion: 'failure', head_branch: '0001-dedup' },
    });
    const headers = {
      'x-github-event': 'workflow_run',
      'x-hub-signature-256': sign(body),
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    };
    const first = await h.call('POST', '/webhooks/github', { rawBody: body, headers });
    expect(first.status).toBe(200);
    expect(first.body.message).toBe('Webhook recorded');
    const after = await eventCount(id);
    const again = await h.call('POST', '/webhooks/github', { rawBody: body, headers });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      message: 'Webhook already processed (delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958)',
      job: null,
    });
    expect(await eventCount(id)).toBe(after);
    // Another delivery id is another delivery.
    const other = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers: { ...headers, 'x-github-delivery': 'another-delivery' },
    });
    expect(other.body.message).toBe('Webhook recorded');
    expect(await eventCount(id)).toBeGreaterThan(after);
  });

  it('GitLab: Idempotency-Key (or X-Gitlab-Event-UUID) de-duplicates', async () => {
    const { id } = await h.planned(h.projectId, '0002-dedup');
    const body = JSON.stringify({
      object_kind: 'pipeline',
      object_attributes: { status: 'failed', ref: '0002-dedup' },
    });
    const headers = { 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': SECRET, 'idempotency-key': 'gl-key-1' };
    expect((await h.call('POST', '/webhooks/gitlab', { rawBody: body, headers })).body.message).toBe(
      'Webhook recorded',
    );
    const before = await eventCount(id);
    expect((await h.call('POST', '/webhooks/gitlab', { rawBody: body, headers })).body.message).toContain(
      'already processed',
    );
    expect(await eventCount(id)).toBe(before);
    const uuid = { 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': SECRET, 'x-gitlab-event-uuid': 'uuid-1' };
    expect((await h.call('POST', '/webhooks/gitlab', { rawBody: body, headers: uuid })).body.message).toBe(
      'Webhook recorded',
    );
    expect((await h.call('POST', '/webhooks/gitlab', { rawBody: body, headers: uuid })).body.message).toContain(
      'already processed',
    );
  });

  it('forgets a delivery whose processing failed, so a redelivery is processed', async () => {
    const body = JSON.stringify({ action: 'completed', workflow_run: { conclusion: 'failure', head_branch: 'x' } });
    const headers = {
      'x-github-event': 'workflow_run',
      'x-hub-signature-256': sign(body),
      'x-github-delivery': 'd-missing-run',
    };
    const first = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers,
      query: { protocol_run_id: 999999 },
    });
    expect(first.status).toBe(404);
    const again = await h.call('POST', '/webhooks/github', {
      rawBody: body,
      headers,
      query: { protocol_run_id: 999999 },
    });
    expect(again.status).toBe(404);
  });
});
