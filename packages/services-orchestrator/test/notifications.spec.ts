import { signWebhookBody, createWebhookSender } from '@tasksgodzilla/platform-telemetry';
import { startWebhookReceiver, type WebhookReceiver } from '@tasksgodzilla/testing';
import { createNotificationRelay, RELAY_NOTIFY_MS, type NotificationDeps, type RelayTimers } from '../src/index.js';
import { expectRejected, harnessPerTest, type Harness } from './harness.js';

// Issue 14 §2: events a project's webhook subscribes to are delivered through the queue, signed, and
// retried with backoff when the receiver fails; the delivery log records each attempt.

function notifications(overrides: Partial<NotificationDeps> = {}): NotificationDeps {
  return { sender: createWebhookSender({ timeoutMs: 10_000 }), maxAttempts: 3, backoff: () => 0, ...overrides };
}

function relayOf(h: Harness) {
  return createNotificationRelay({
    storage: h.storage,
    queue: h.queue,
    logger: { warn: () => undefined },
    pollMs: 50,
  });
}

/** A project with a webhook on its setup_enqueued event, relayed and delivered (every due job run). */
async function setupNotified(h: Harness, url: string) {
  const projectId = await h.project();
  const webhook = await h.orchestrator.createProjectWebhook(projectId, { url, event_filter: ['setup_enqueued'] });
  await h.runner.drain();
  await relayOf(h).runOnce();
  await h.runner.drain();
  return { projectId, webhook };
}

async function deliveries(h: Harness, webhookId: number) {
  return (await h.storage.webhookNotifications.list(webhookId)).items;
}

describe.each(['sqlite', 'postgres'] as const)('outgoing webhooks (%s)', (dialect) => {
  let h: Harness;
  let receiver: WebhookReceiver | null = null;
  const { it, reopen } = harnessPerTest((created) => (h = created), { dialect, notifications: notifications() });
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
  });

  it('delivers the completed notification of a run, signed, once', async () => {
    receiver = await startWebhookReceiver();
    const { projectId, run } = await h.planned({ auto_advance: true });
    expect((await h.storage.protocolRuns.get(run.id)).status).toBe('completed');
    // Added after the run: the relay follows the log from its stored cursor, so nothing is missed.
    const webhook = await h.orchestrator.createProjectWebhook(projectId, {
      url: receiver.url,
      secret: 'hook-secret',
      event_filter: ['completed'],
    });
    const relay = relayOf(h);
    await relay.runOnce();
    await relayOf(h).runOnce(); // a second relay (another process) hands out nothing twice
    await h.runner.drain();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['x-tasksgodzilla-event']).toBe('protocol_completed');
    expect(request!.headers['x-tasksgodzilla-signature-256']).toBe(signWebhookBody('hook-secret', request!.body));
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({
      event_type: 'protocol_completed',
      groups: ['completed'],
      project: { id: projectId, name: 'demo' },
      event: { protocol_run_id: run.id, protocol_name: '0001-demo' },
    });
    const [delivery] = await deliveries(h, webhook.id);
    expect(request!.headers['x-tasksgodzilla-delivery']).toBe(String(delivery!.id));
    expect(body.delivery_id).toBe(delivery!.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, status_code: 200, last_error: null });
    expect(delivery!.delivered_at).not.toBeNull();
  });

  it('retries a receiver that answers 500, then records the final status and the attempts', async () => {
    receiver = await startWebhookReceiver({ statuses: [500] });
    const projectId = await h.project();
    const webhook = await h.orchestrator.createProjectWebhook(projectId, {
      url: receiver.url,
      secret: 's3cret',
      event_filter: ['setup_enqueued', 'pr_opened'],
      format: 'slack',
    });
    const relay = relayOf(h);
    await h.runner.drain(); // project setup (setup_enqueued was recorded with the project)
    await relay.runOnce();
    await h.runner.drain();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.body).toBe(receiver.received[1]!.body);
    expect(receiver.received[0]!.headers['x-tasksgodzilla-delivery']).toBe(
      receiver.received[1]!.headers['x-tasksgodzilla-delivery'],
    );
    expect(JSON.parse(receiver.received[1]!.body)).toEqual({ text: expect.stringMatching(/^\[demo\] Setup enqueued/) });
    const [delivery] = await deliveries(h, webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2, status_code: 200, last_error: null });
  });

  it('gives up after the last attempt, keeping the last status and error', async () => {
    await reopen({ dialect, notifications: notifications({ maxAttempts: 2 }) });
    receiver = await startWebhookReceiver({ statuses: [503, 502, 500] });
    const { webhook } = await setupNotified(h, receiver.url);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.headers['x-tasksgodzilla-signature-256']).toBeUndefined();
    const [delivery] = await deliveries(h, webhook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 2, status_code: 502, next_attempt_at: null });
    expect(delivery!.last_error).toMatch(/^HTTP 502: failing with 502/);
  });

  it('schedules the next attempt after the backoff, as a delayed job', async () => {
    await reopen({ dialect, notifications: notifications({ backoff: (attempt) => attempt * 3_600_000 }) });
    receiver = await startWebhookReceiver({ statuses: [500] });
    const { projectId, webhook } = await setupNotified(h, receiver.url);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = await deliveries(h, webhook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, status_code: 500 });
    expect(Date.parse(delivery!.next_attempt_at!) - Date.parse(delivery!.last_attempt_at!)).toBe(3_600_000);
    const queued = await h.queue.list({ job_type: 'deliver_webhook_job', status: 'queued' });
    expect(queued.items.map((job) => job.params)).toEqual([
      { delivery_id: delivery!.id, attempt: 2, project_id: projectId },
    ]);
  });

  it('skips events of other types and projects, and disabled webhooks; cancels deliveries of a webhook disabled since', async () => {
    receiver = await startWebhookReceiver();
    const projectId = await h.project();
    const other = await h.orchestrator.createProject({ name: 'other', git_url: h.repo.originPath });
    const wanted = await h.orchestrator.createProjectWebhook(projectId, {
      url: receiver.url,
      event_filter: ['setup_enqueued'],
    });
    const off = await h.orchestrator.createProjectWebhook(projectId, {
      url: receiver.url,
      event_filter: ['setup_enqueued'],
      enabled: false,
    });
    await h.orchestrator.createProjectWebhook(other.project.id, {
      url: receiver.url,
      event_filter: ['protocol_completed'],
    });
    await h.runner.drain();
    await relayOf(h).runOnce();
    await h.orchestrator.updateProjectWebhook(projectId, wanted.id, { enabled: false });
    await h.runner.drain();
    expect(receiver.received).toHaveLength(0);
    expect(await deliveries(h, off.id)).toEqual([]);
    const [cancelled] = await deliveries(h, wanted.id);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      attempts: 0,
      last_error: 'Webhook disabled before delivery',
    });
  });

  it("refuses bad input naming the field, and another project's webhook", async () => {
    const projectId = await h.project();
    await expectRejected(
      h.orchestrator.createProjectWebhook(projectId, { url: 'ftp://x/y', event_filter: ['completed', 'nope'] }),
      'ValidationError',
      'Invalid webhook: url must be an absolute http or https URL; event_filter unknown event type or group: nope (groups: completed, failed, blocked, needs_input, budget_exceeded, pr_opened)',
    );
    await expectRejected(
      h.orchestrator.createProjectWebhook(999, { url: 'http://127.0.0.1:1/x', event_filter: ['completed'] }),
      'NotFoundError',
      'Project 999 not found',
    );
    expect((await h.storage.projectWebhooks.list(projectId)).items).toEqual([]);
    const created = await h.orchestrator.createProjectWebhook(projectId, {
      url: 'http://127.0.0.1:1/x',
      event_filter: ['completed'],
    });
    const other = await h.orchestrator.createProject({ name: 'other', git_url: h.repo.originPath });
    await expectRejected(
      h.orchestrator.deleteProjectWebhook(other.project.id, created.id),
      'NotFoundError',
      `Webhook ${created.id} not found`,
    );
    await h.orchestrator.deleteProjectWebhook(projectId, created.id);
    expect(await h.storage.projectWebhooks.find(created.id)).toBeNull();
  });

  it('polls every pollMs while events come, backs off on an idle log, and reads at once when notified', async () => {
    await h.project(); // some events in the log
    let next: (() => void) | null = null;
    const waits: number[] = [];
    const timers: RelayTimers = {
      set(callback, ms) {
        waits.push(ms);
        next = callback;
        return callback;
      },
      clear(handle) {
        if (next === handle) next = null;
      },
    };
    const relay = createNotificationRelay({
      storage: h.storage,
      queue: h.queue,
      logger: { warn: () => undefined },
      pollMs: 100,
      maxIdlePollMs: 400,
      timers,
    });
    /** Fires the scheduled read and resolves once the relay has scheduled the next one. */
    const fire = async () => {
      const callback = next;
      if (callback === null) throw new Error('no read scheduled');
      next = null;
      callback();
      while (next === null) await new Promise((resolve) => setImmediate(resolve));
    };
    relay.notify(); // not started: nothing scheduled
    expect(waits).toEqual([]);
    relay.start();
    await fire(); // hands out the project's events: the log is busy
    await fire(); // nothing new from here on
    await fire();
    await fire();
    await fire();
    expect(waits).toEqual([100, 100, 100, 200, 400, 400]);

    waits.length = 0;
    const webhook = await h.orchestrator.createProjectWebhook(await h.project(), {
      url: 'http://127.0.0.1:1/x',
      event_filter: ['setup_enqueued'],
    });
    relay.notify();
    relay.notify(); // a burst is one read
    await fire();
    await fire();
    expect(waits).toEqual([RELAY_NOTIFY_MS, 100, 100]);
    expect(await deliveries(h, webhook.id)).toHaveLength(1);
    await relay.stop();
    expect(next).toBeNull();
  });
});
