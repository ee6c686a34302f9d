import { useApi } from './api.test-helpers.js';

// Outgoing webhooks over the api (issue 14 §2): CRUD scoped by the project token, the secret write-only,
// 422 naming the field, the delivery log paginated. Delivery itself is covered end to end (e2e/).

describe('project webhooks over the api', () => {
  const h = useApi();

  it('adds, lists, reads, changes and removes webhooks; the secret never comes back', async () => {
    const projectId = await h.project({ secrets: { api_token: 'project-token-1' } });
    const token = { 'x-project-token': 'project-token-1' };
    const base = `/projects/${projectId}/webhooks`;

    expect(
      (await h.call('POST', base, { body: { url: 'http://127.0.0.1:9/a', event_filter: ['completed'] } })).status,
    ).toBe(401);
    const created = await h.call('POST', base, {
      headers: token,
      body: {
        url: 'http://127.0.0.1:9/a',
        secret: 'hook-secret-value',
        event_filter: ['completed', 'pr_opened', 'step_started'],
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      project_id: projectId,
      url: 'http://127.0.0.1:9/a',
      secret: '***',
      event_filter: ['completed', 'pr_opened', 'step_started'],
      event_types: ['open_pr', 'protocol_completed', 'step_started'],
      format: 'json',
      enabled: true,
    });
    expect(created.text).not.toContain('hook-secret-value');
    const id = created.body.id as number;
    const second = await h.call('POST', base, {
      headers: token,
      body: { url: 'https://hooks.example.com/slack', event_filter: ['failed'], format: 'slack' },
    });
    expect(second.body).toMatchObject({ secret: null, format: 'slack' });

    const page1 = await h.call('GET', base, { headers: token, query: { limit: 1 } });
    expect(page1.body.map((w: { id: number }) => w.id)).toEqual([second.body.id]);
    const cursor = page1.headers['x-next-cursor'] as string;
    const page2 = await h.call('GET', base, { headers: token, query: { limit: 1, cursor } });
    expect(page2.body.map((w: { id: number }) => w.id)).toEqual([id]);
    expect(page2.headers['x-next-cursor']).toBeUndefined();
    expect(page1.text + page2.text).not.toContain('hook-secret-value');

    const changed = await h.call('PUT', `${base}/${id}`, { headers: token, body: { enabled: false, secret: null } });
    expect(changed.body).toMatchObject({ id, enabled: false, secret: null, url: 'http://127.0.0.1:9/a' });
    expect((await h.call('GET', `${base}/${id}`, { headers: token })).body).toMatchObject({ enabled: false });
    expect((await h.call('GET', `${base}/${id}/deliveries`, { headers: token })).body).toEqual([]);

    expect((await h.call('DELETE', `${base}/${id}`, { headers: token })).body).toEqual({ deleted: true, id });
    expect((await h.call('GET', `${base}/${id}`, { headers: token })).body).toMatchObject({
      detail: 'Webhook not found',
    });
    expect((await h.call('DELETE', `${base}/${id}`, { headers: token })).status).toBe(404);
  });

  it("answers 422 naming the field and changes nothing; 404 for another project's webhook", async () => {
    const projectId = await h.project({ name: 'bad-input' });
    const base = `/projects/${projectId}/webhooks`;
    const badUrl = await h.call('POST', base, { body: { url: 'file:///etc/passwd', event_filter: ['completed'] } });
    expect(badUrl.status).toBe(422);
    expect(JSON.stringify(badUrl.body)).toContain('url');
    expect(JSON.stringify(badUrl.body)).toContain('must be an absolute http or https URL');
    const badFilter = await h.call('POST', base, { body: { url: 'http://127.0.0.1:9/a', event_filter: ['finished'] } });
    expect(badFilter.status).toBe(422);
    expect(JSON.stringify(badFilter.body)).toContain('event_filter');
    expect(JSON.stringify(badFilter.body)).toContain('unknown event type or group: finished');
    const badFormat = await h.call('POST', base, {
      body: { url: 'http://127.0.0.1:9/a', event_filter: ['completed'], format: 'xml' },
    });
    expect(badFormat.status).toBe(422);
    expect(JSON.stringify(badFormat.body)).toContain('format');
    expect((await h.call('GET', base)).body).toEqual([]);
    expect(
      (
        await h.call('POST', '/projects/999999/webhooks', {
          body: { url: 'http://127.0.0.1:9/a', event_filter: ['completed'] },
        })
      ).status,
    ).toBe(404);

    const other = await h.project({ name: 'other-project' });
    const theirs = await h.call('POST', `/projects/${other}/webhooks`, {
      body: { url: 'http://127.0.0.1:9/b', event_filter: ['completed'] },
    });
    expect((await h.call('GET', `${base}/${theirs.body.id}`)).status).toBe(404);
    expect((await h.call('GET', `${base}/${theirs.body.id}/deliveries`)).status).toBe(404);
    expect((await h.call('PUT', `${base}/${theirs.body.id}`, { body: { enabled: false } })).status).toBe(404);
    expect((await h.call('GET', `/projects/${other}/webhooks/${theirs.body.id}`)).body.enabled).toBe(true);
    const badUpdate = await h.call('PUT', `/projects/${other}/webhooks/${theirs.body.id}`, {
      body: { event_filter: [] },
    });
    expect(badUpdate.status).toBe(422);
    expect(JSON.stringify(badUpdate.body)).toContain('must name at least one event type or group');
  });
});
