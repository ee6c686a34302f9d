import { BACKENDS, rejection, seed, useTestStorage } from '../test/test-storage.test-helpers.js';

describe.each(BACKENDS)('ProjectWebhookRepository on %s', (dialect) => {
  const { it } = useTestStorage(dialect);

  it('creates, reads, lists newest first, updates and removes webhooks of a project', async ({ storage, clock }) => {
    const project = await seed.project(storage);
    const other = await seed.project(storage, 'other');
    const first = await storage.projectWebhooks.create({
      project_id: project.id,
      url: 'http://127.0.0.1:9/hook',
      secret: 's3cret-value',
      event_filter: ['completed', 'step_started'],
    });
    expect(first).toMatchObject({
      project_id: project.id,
      url: 'http://127.0.0.1:9/hook',
      secret: 's3cret-value',
      event_filter: ['completed', 'step_started'],
      format: 'json',
      enabled: true,
      created_at: '2026-11-27T17:00:00.000Z',
    });
    clock.advance(1000);
    const second = await storage.projectWebhooks.create({
      project_id: project.id,
      url: 'http://127.0.0.1:9/slack',
      event_filter: ['failed'],
      format: 'slack',
      enabled: false,
    });
    await storage.projectWebhooks.create({ project_id: other.id, url: 'http://x/y', event_filter: ['completed'] });

    const page1 = await storage.projectWebhooks.list(project.id, { limit: 1 });
    expect(page1.items.map((w) => w.id)).toEqual([second.id]);
    const page2 = await storage.projectWebhooks.list(project.id, { limit: 1, cursor: page1.next_cursor });
    expect(page2).toEqual({ items: [first], next_cursor: null });

    expect((await storage.projectWebhooks.listEnabled([project.id, other.id])).map((w) => w.url)).toEqual([
      'http://127.0.0.1:9/hook',
      'http://x/y',
    ]);
    expect(await storage.projectWebhooks.listEnabled([])).toEqual([]);

    const updated = await storage.projectWebhooks.update(second.id, { enabled: true, secret: 'new-secret' });
    expect(updated).toMatchObject({ enabled: true, secret: 'new-secret', format: 'slack' });
    expect((await storage.projectWebhooks.update(second.id, { secret: null })).secret).toBeNull();

    expect(await storage.projectWebhooks.remove(first.id)).toBe(true);
    expect(await storage.projectWebhooks.remove(first.id)).toBe(false);
    expect(await storage.projectWebhooks.find(first.id)).toBeNull();
    expect((await rejection(storage.projectWebhooks.get(first.id))).message).toBe(`Webhook ${first.id} not found`);
  });

  it('refuses a missing project and bad values, naming the field', async ({ storage }) => {
    expect(
      (
        await rejection(
          storage.projectWebhooks.create({ project_id: 999, url: 'http://x', event_filter: ['completed'] }),
        )
      ).message,
    ).toBe('Project 999 not found');
    const project = await seed.project(storage);
    const bad = await rejection(
      storage.projectWebhooks.create({ project_id: project.id, url: 'http://x', event_filter: [] }),
    );
    expect(bad.message).toBe('Invalid event_filter: must be a non-empty list of names');
    const format = await rejection(
      storage.projectWebhooks.create({
        project_id: project.id,
        url: 'http://x',
        event_filter: ['completed'],
        format: 'xml' as 'json',
      }),
    );
    expect(format.message).toBe('Invalid format: must be one of json, slack');
    expect((await storage.projectWebhooks.list(project.id)).items).toEqual([]);
  });

  it('keeps one delivery per event and webhook, records attempts by compare-and-set, lists the log', async ({
    storage,
    clock,
  }) => {
    const project = await seed.project(storage);
    const webhook = await storage.projectWebhooks.create({
      project_id: project.id,
      url: 'http://x',
      event_filter: ['completed'],
    });
    const event = await storage.events.append({
      project_id: project.id,
      event_type: 'protocol_completed',
      message: 'done',
    });
    const input = { webhook_id: webhook.id, project_id: project.id, event_id: event.id, event_type: event.event_type };
    const delivery = await storage.webhookNotifications.create(input);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, status_code: null, delivered_at: null });
    expect(await storage.webhookNotifications.create(input)).toBeNull();

    clock.advance(500);
    const failed = await storage.webhookNotifications.recordAttempt(delivery!.id, {
      attempt: 1,
      status: 'pending',
      status_code: 500,
      last_error: 'HTTP 500',
      next_attempt_at: '2026-11-27T17:00:10.000Z',
    });
    expect(failed).toMatchObject({ attempts: 1, status: 'pending', status_code: 500, last_error: 'HTTP 500' });
    expect(failed!.last_attempt_at).toBe('2026-11-27T17:00:00.500Z');
    // The same attempt again (a redelivered job) changes nothing.
    expect(
      await storage.webhookNotifications.recordAttempt(delivery!.id, {
        attempt: 1,
        status: 'succeeded',
        status_code: 200,
        last_error: null,
        next_attempt_at: null,
      }),
    ).toBeNull();
    const secondAttempt = {
      attempt: 2,
      status: 'succeeded' as const,
      status_code: 204,
      last_error: null,
      next_attempt_at: null,
    };
    // A caller's attempt time must be a timestamp; a bad one is refused and records nothing.
    await expect(
      storage.webhookNotifications.recordAttempt(delivery!.id, { ...secondAttempt, attempted_at: 'soon' }),
    ).rejects.toThrow(/attempted_at/);
    expect(await storage.webhookNotifications.find(delivery!.id)).toMatchObject({ attempts: 1, status: 'pending' });
    // The caller's attempt time (the one its next_attempt_at was computed from) is stored as given.
    const ok = await storage.webhookNotifications.recordAttempt(delivery!.id, {
      ...secondAttempt,
      attempted_at: '2026-11-27T17:00:10.250Z',
    });
    expect(ok).toMatchObject({ attempts: 2, status: 'succeeded', status_code: 204, last_error: null });
    expect(ok!.last_attempt_at).toBe('2026-11-27T17:00:10.250Z');
    expect(ok!.delivered_at).toBe('2026-11-27T17:00:10.250Z');
    expect(await storage.webhookNotifications.cancel(delivery!.id, 'disabled')).toBeNull();

    const second = await storage.events.append({
      project_id: project.id,
      event_type: 'protocol_completed',
      message: 'again',
    });
    const pending = await storage.webhookNotifications.create({ ...input, event_id: second.id });
    expect(await storage.webhookNotifications.cancel(pending!.id, 'Webhook disabled')).toMatchObject({
      status: 'cancelled',
      last_error: 'Webhook disabled',
    });
    const log = await storage.webhookNotifications.list(webhook.id);
    expect(log.items.map((item) => item.id)).toEqual([pending!.id, delivery!.id]);

    // Removing the webhook removes its delivery log.
    await storage.projectWebhooks.remove(webhook.id);
    expect(await storage.webhookNotifications.find(delivery!.id)).toBeNull();
  });

  it('moves a cursor forward only', async ({ storage }) => {
    expect(await storage.notificationCursors.read('webhooks')).toBe(0);
    expect(await storage.notificationCursors.read('elsewhere')).toBeNull();
    await storage.notificationCursors.advance('elsewhere', 7);
    await storage.notificationCursors.advance('elsewhere', 3);
    expect(await storage.notificationCursors.read('elsewhere')).toBe(7);
    const locked = await storage.transaction(async (tx) => {
      const position = await tx.notificationCursors.read('elsewhere', { lock: true });
      await tx.notificationCursors.advance('elsewhere', 9);
      return position;
    });
    expect(locked).toBe(7);
    expect(await storage.notificationCursors.read('elsewhere')).toBe(9);
  });
});
