import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TasksGodzillaClient } from '@tasksgodzilla/client';
import { startWebhookReceiver, type WebhookReceiver } from '@tasksgodzilla/testing';
import { freePort, type AppProcess } from './processes.test-helpers.js';
import * as stacks from './stack.test-helpers.js';

// Issue 14 §2 end to end: the built api and a separate worker (both run the notification relay, over
// one SQLite file), a local receiver on 127.0.0.1. A run on the shell engine completes; the receiver
// gets the `completed` notification with a valid signature; a receiver that first answers 500 gets it
// again, and the delivery log shows 2 attempts and the final status. Backoff is made small by config.

/** The signature a receiver computes itself: sha256= and the hex HMAC-SHA256 of the raw body. */
function signatureValid(secret: string, body: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body, 'utf8').digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('outgoing webhooks end to end (api + worker processes, SQLite)', () => {
  let resources: stacks.StackResources;
  let client: TasksGodzillaClient;
  const apps: AppProcess[] = [];
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    resources = await stacks.createStackResources('e2e-notify', {
      overrides: { TASKSGODZILLA_NOTIFY_BACKOFF_MS: '20', TASKSGODZILLA_NOTIFY_POLL_MS: '100' },
    });
    const api = await stacks.startStackApi(resources, { port: await freePort(), inlineWorker: false });
    apps.push(api);
    apps.push(
      await stacks.startStackWorker(resources, { name: 'worker', workerId: 'e2e-notify', shutdownTimeoutSeconds: 10 }),
    );
    client = resources.client(api.url);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await resources?.release();
  }, 120_000);

  it('delivers the completed notification signed, and retries a receiver that first answers 500', async () => {
    const steady = await startWebhookReceiver();
    const flaky = await startWebhookReceiver({ statuses: [500] });
    receivers.push(steady, flaky);

    const project = await client.createProject({
      name: 'notify-e2e',
      git_url: resources.repo.originPath,
      local_path: resources.repo.path,
    });
    await stacks.waitFor(
      () => client.getOnboarding(project.id),
      (summary) => summary.status === 'completed',
      'onboarding completed',
    );
    const signed = await client.createWebhook(project.id, {
      url: steady.url,
      secret: 'e2e-steady-secret',
      event_filter: ['completed'],
    });
    expect(signed.secret).toBe('***');
    const retried = await client.createWebhook(project.id, {
      url: flaky.url,
      secret: 'e2e-flaky-secret',
      event_filter: ['completed', 'pr_opened'],
    });

    const run = await client.createProtocol(project.id, {
      protocol_name: '0001-notify',
      template: resources.template(),
      auto_advance: true,
    });
    await client.startProtocol(run.id);
    await stacks.waitFor(
      () => client.getProtocol(run.id),
      (current) => ['completed', 'blocked', 'failed', 'cancelled'].includes(current.status),
      'the run to end',
    );
    expect((await client.getProtocol(run.id)).status).toBe('completed');

    // The steady receiver: one signed `protocol_completed` delivery.
    const [delivered] = (
      await stacks.waitFor(
        () => client.listWebhookDeliveries(project.id, signed.id),
        (page) => page.items.some((item) => item.status !== 'pending'),
        'the steady delivery to finish',
      )
    ).items;
    expect(delivered).toMatchObject({
      event_type: 'protocol_completed',
      status: 'succeeded',
      attempts: 1,
      status_code: 200,
    });
    expect(steady.received).toHaveLength(1);
    const request = steady.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers['x-tasksgodzilla-event']).toBe('protocol_completed');
    expect(request.headers['x-tasksgodzilla-delivery']).toBe(String(delivered!.id));
    expect(signatureValid('e2e-steady-secret', request.body, request.headers['x-tasksgodzilla-signature-256'])).toBe(
      true,
    );
    expect(signatureValid('wrong-secret', request.body, request.headers['x-tasksgodzilla-signature-256'])).toBe(false);
    expect(JSON.parse(request.body)).toMatchObject({
      delivery_id: delivered!.id,
      event_type: 'protocol_completed',
      groups: ['completed'],
      project: { id: project.id, name: 'notify-e2e' },
      event: { protocol_run_id: run.id, protocol_name: '0001-notify' },
    });

    // The flaky receiver: 500 first, then the same delivery again (attempt 2), which succeeds.
    const [retriedDelivery] = (
      await stacks.waitFor(
        () => client.listWebhookDeliveries(project.id, retried.id),
        (page) => page.items.some((item) => item.event_type === 'protocol_completed' && item.status !== 'pending'),
        'the retried delivery to finish',
      )
    ).items.filter((item) => item.event_type === 'protocol_completed');
    expect(retriedDelivery).toMatchObject({ status: 'succeeded', attempts: 2, status_code: 200, last_error: null });
    const completions = flaky.received.filter((r) => r.headers['x-tasksgodzilla-event'] === 'protocol_completed');
    expect(completions).toHaveLength(2);
    expect(completions[0]!.body).toBe(completions[1]!.body);
    expect(completions[1]!.headers['x-tasksgodzilla-delivery']).toBe(String(retriedDelivery!.id));
    for (const attempt of completions)
      expect(signatureValid('e2e-flaky-secret', attempt.body, attempt.headers['x-tasksgodzilla-signature-256'])).toBe(
        true,
      );

    // The secrets never came back through the api.
    const listed = await client.listWebhooks(project.id);
    expect(JSON.stringify(listed)).not.toContain('e2e-steady-secret');
    expect(listed.items.map((w) => w.secret)).toEqual(['***', '***']);
  });
});
