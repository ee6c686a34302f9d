import { createHmac } from 'node:crypto';
import { createClient, type TasksGodzillaClient } from './client.js';
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-server.test-helpers.js';
import { hmacSha256Hex, signWebhookBody, webhookBody } from './webhooks.js';

const nodeHmac = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

describe('webhook signing', () => {
  it('matches the RFC 4231 HMAC-SHA256 vector', async () => {
    await expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).resolves.toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs UTF-8 bodies exactly as node:crypto does', async () => {
    const body = '{"msg":"héllo ✓"}';
    await expect(signWebhookBody('s3cr3t', body)).resolves.toBe(`sha256=${nodeHmac('s3cr3t', body)}`);
  });

  it('sends a raw body as given, else the JSON payload, else {}', () => {
    expect(webhookBody({ body: '{ "a" : 1 }', payload: { b: 2 } })).toBe('{ "a" : 1 }');
    expect(webhookBody({ payload: { b: 2 } })).toBe('{"b":2}');
    expect(webhookBody({})).toBe('{}');
  });
});

describe('webhook requests', () => {
  let server: FakeServer;
  let client: TasksGodzillaClient;
  const last = (): RecordedRequest => server.requests[server.requests.length - 1]!;

  beforeAll(async () => {
    server = await startFakeServer(() => ({ body: { message: 'Webhook recorded', job: null } }));
    client = createClient({ baseUrl: server.url, token: 'api-token', projectToken: 'p' });
  });
  afterAll(() => server.close());

  it('GitHub: event header and an HMAC of the exact body, no bearer token', async () => {
    const payload = { action: 'completed', workflow_run: { conclusion: 'failure', head_branch: '0001-demo' } };
    const res = await client.sendGithubWebhook(
      { event: 'workflow_run', payload, secret: 'whsec', delivery_id: 'd-1', protocol_run_id: 7 },
      { requestId: 'rid-w' },
    );
    expect(res).toEqual({ message: 'Webhook recorded', job: null });
    const req = last();
    expect([req.method, req.path, req.query]).toEqual(['POST', '/webhooks/github', { protocol_run_id: '7' }]);
    expect(req.headers['x-github-event']).toBe('workflow_run');
    expect(req.headers['x-github-delivery']).toBe('d-1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-request-id']).toBe('rid-w');
    expect(req.headers['x-hub-signature-256']).toBe(`sha256=${nodeHmac('whsec', req.body)}`);
    expect(JSON.parse(req.body)).toEqual(payload);
    expect(req.headers['authorization']).toBeUndefined();
    expect(req.headers['x-project-token']).toBeUndefined();
  });

  it('GitHub: signs a raw body byte for byte; explicit signature and include_auth', async () => {
    const raw = '{ "ref" : "refs/heads/0001-demo",\n  "after": "abc" }';
    await client.sendGithubWebhook({ event: 'push', body: raw, secret: 'whsec' });
    expect(last().body).toBe(raw);
    expect(last().headers['x-hub-signature-256']).toBe(`sha256=${nodeHmac('whsec', raw)}`);

    await client.sendGithubWebhook({ event: 'push', payload: {}, signature: 'sha256=bad', include_auth: true });
    expect(last().headers['x-hub-signature-256']).toBe('sha256=bad');
    expect(last().headers['authorization']).toBe('Bearer api-token');

    await client.sendGithubWebhook({ event: 'ping', payload: {} });
    expect(last().headers['x-hub-signature-256']).toBeUndefined();
  });

  it('GitLab: event and token headers, optional signature', async () => {
    const payload = { object_kind: 'pipeline', object_attributes: { status: 'failed' }, ref: '0002b-demo' };
    await client.sendGitlabWebhook({ event: 'Pipeline Hook', payload, token: 'gl-token' });
    let req = last();
    expect([req.method, req.path, req.query]).toEqual(['POST', '/webhooks/gitlab', {}]);
    expect(req.headers['x-gitlab-event']).toBe('Pipeline Hook');
    expect(req.headers['x-gitlab-token']).toBe('gl-token');
    expect(req.headers['x-gitlab-signature-256']).toBeUndefined();
    expect(req.headers['authorization']).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual(payload);

    await client.sendGitlabWebhook({
      event: 'Merge Request Hook',
      payload: { object_kind: 'merge_request' },
      token: 'gl-token',
      secret: 'whsec',
      protocol_run_id: 4,
    });
    req = last();
    expect(req.query).toEqual({ protocol_run_id: '4' });
    expect(req.headers['x-gitlab-signature-256']).toBe(`sha256=${nodeHmac('whsec', req.body)}`);
  });

  it('a rejected signature surfaces as a 401 ApiError', async () => {
    server.setHandler(() => ({ status: 401, body: { detail: 'Invalid webhook signature' } }));
    await expect(client.sendGithubWebhook({ event: 'push', payload: {}, secret: 'wrong' })).rejects.toMatchObject({
      status: 401,
      category: 'unauthorized',
      message: '401 Unauthorized: Invalid webhook signature',
    });
  });
});
