import type { WebhookDeliveryOut, WebhookOut } from '@tasksgodzilla/client';
import { fakeApi, json, run } from '../cli.test-helpers.js';

const WEBHOOK: WebhookOut = {
  id: 2,
  project_id: 1,
  url: 'http://127.0.0.1:9/hook',
  secret: '***',
  event_filter: ['completed', 'pr_opened'],
  event_types: ['open_pr', 'protocol_completed'],
  format: 'json',
  enabled: true,
  created_at: '2026-11-27T17:00:00.000Z',
  updated_at: '2026-11-27T17:00:00.000Z',
};

const DELIVERY: WebhookDeliveryOut = {
  id: 9,
  webhook_id: 2,
  project_id: 1,
  event_id: 40,
  event_type: 'protocol_completed',
  status: 'succeeded',
  attempts: 2,
  status_code: 200,
  last_error: null,
  created_at: '2026-11-27T17:00:00.000Z',
  updated_at: '2026-11-27T17:00:01.000Z',
  last_attempt_at: '2026-11-27T17:00:01.000Z',
  next_attempt_at: null,
  delivered_at: '2026-11-27T17:00:01.000Z',
};

describe('tgz webhooks', () => {
  it('add sends the url, events, secret and format, and prints one line', async () => {
    const { fetch, requests } = fakeApi({ 'POST /projects/1/webhooks': () => json(WEBHOOK) });
    const result = await run(
      [
        'webhooks',
        'add',
        '1',
        '--url',
        WEBHOOK.url,
        '--events',
        'completed, pr_opened,completed',
        '--secret',
        'sh-secret',
        '--format',
        'slack',
      ],
      { fetch },
    );
    expect(result).toMatchObject({ code: 0, stdout: 'Added webhook 2 of project 1 (2 event types).\n' });
    expect(requests[0]!.body).toEqual({
      url: WEBHOOK.url,
      event_filter: ['completed', 'pr_opened'],
      secret: 'sh-secret',
      format: 'slack',
    });
  });

  it('refuses an unknown event name before calling the api (exit 2)', async () => {
    const { fetch, requests } = fakeApi({});
    const result = await run(['webhooks', 'add', '1', '--url', WEBHOOK.url, '--events', 'completed,finished'], {
      fetch,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown event type or group: finished');
    expect(requests).toHaveLength(0);
  });

  it('update sends only what changes; nothing to change or a contradiction is exit 2', async () => {
    const { fetch, requests } = fakeApi({
      'PUT /projects/1/webhooks/2': () => json({ ...WEBHOOK, enabled: false, secret: null }),
    });
    const result = await run(['webhooks', 'update', '1', '2', '--disable', '--clear-secret'], { fetch });
    expect(result).toMatchObject({ code: 0, stdout: 'Updated webhook 2 (disabled).\n' });
    expect(requests[0]!.body).toEqual({ secret: null, enabled: false });
    const nothing = await run(['webhooks', 'update', '1', '2'], { fetch });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    const both = await run(['webhooks', 'update', '1', '2', '--enable', '--disable'], { fetch });
    expect(both.code).toBe(2);
    expect(requests).toHaveLength(1);
  });

  it('list, show, deliveries and remove print tables and records; secrets only as set', async () => {
    const { fetch, requests } = fakeApi({
      'GET /projects/1/webhooks': () => json([WEBHOOK]),
      'GET /projects/1/webhooks/2': () => json(WEBHOOK),
      'GET /projects/1/webhooks/2/deliveries': () => json([DELIVERY]),
      'DELETE /projects/1/webhooks/2': () => json({ deleted: true, id: 2 }),
    });
    const list = await run(['webhooks', 'list', '1'], { fetch });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/ID\s+URL\s+Events\s+Format\s+Enabled\s+Secret/);
    expect(list.stdout).toMatch(/2\s+http:\/\/127\.0\.0\.1:9\/hook\s+completed,pr_opened\s+json\s+yes\s+set/);
    const show = await run(['webhooks', 'show', '1', '2'], { fetch });
    expect(show.stdout).toContain('secret');
    expect(show.stdout).toContain('***');
    const deliveries = await run(['webhooks', 'deliveries', '1', '2', '--json'], { fetch });
    expect(JSON.parse(deliveries.stdout)).toEqual([DELIVERY]);
    const table = await run(['webhooks', 'deliveries', '1', '2'], { fetch });
    expect(table.stdout).toMatch(/9\s+protocol_completed\s+succeeded\s+2\s+200/);
    const removed = await run(['webhooks', 'remove', '1', '2'], { fetch });
    expect(removed).toMatchObject({ code: 0, stdout: 'Removed webhook 2.\n' });
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toContain('DELETE /projects/1/webhooks/2');
  });
});
