import { createHmac } from 'node:crypto';
import { useApi } from './api.test-helpers.js';
import { bearerToken, safeEqual, verifySignature } from './http/auth.js';

describe('auth helpers', () => {
  it('compares secrets in constant time, and only equal strings are equal', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('secret', 'secret-longer')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });

  it('reads bearer credentials with a case-insensitive scheme', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('BEARER  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('checks HMAC-SHA256 signatures with or without the sha256= prefix', () => {
    const body = '{"a":1}';
    const hex = createHmac('sha256', 'k').update(body).digest('hex');
    expect(verifySignature(`sha256=${hex}`, 'k', body)).toBe(true);
    expect(verifySignature(hex, 'k', Buffer.from(body))).toBe(true);
    expect(verifySignature(`sha256=${hex.toUpperCase()}`, 'k', body)).toBe(false);
    expect(verifySignature(`sha256=${hex}`, 'other', body)).toBe(false);
    expect(verifySignature(undefined, 'k', body)).toBe(false);
  });
});

describe('bearer token', () => {
  const h = useApi({ config: { apiToken: 'secret-token' } });
  const auth = { authorization: 'Bearer secret-token' };

  it('answers 401 without the token, 200 with it (reference acceptance case 8)', async () => {
    const without = await h.call('GET', '/projects');
    expect(without.status).toBe(401);
    expect(without.body).toEqual({ detail: 'Unauthorized', code: 'unauthorized', category: 'unauthorized' });
    expect(without.headers['www-authenticate']).toBeUndefined();
    expect((await h.call('GET', '/projects', { headers: auth })).status).toBe(200);
    expect((await h.call('GET', '/projects', { headers: { authorization: 'bearer secret-token' } })).status).toBe(200);
    expect((await h.call('GET', '/projects', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await h.call('GET', '/projects', { headers: { authorization: 'Basic c2VjcmV0LXRva2Vu' } })).status).toBe(
      401,
    );
  });

  it('guards every protected route, before validation and before existence', async () => {
    const routes: [string, string][] = [
      ['GET', '/projects/1'],
      ['GET', '/protocols/1'],
      ['POST', '/protocols/1/actions/start'],
      ['GET', '/steps/1'],
      ['GET', '/events'],
      ['GET', '/events/stream'],
      ['GET', '/queues'],
      ['GET', '/queues/jobs'],
      ['POST', '/queues/jobs/x/retry'],
      ['GET', '/codex/runs'],
      ['GET', '/console/runs'],
      ['POST', '/specs/audit'],
    ];
    for (const [method, url] of routes) expect([url, (await h.call(method as 'GET', url)).status]).toEqual([url, 401]);
    // An unauthenticated caller learns nothing about the body: 401, not 422 or 400.
    expect((await h.call('POST', '/projects', { body: { name: 5 } })).status).toBe(401);
    expect((await h.call('POST', '/projects', { rawBody: '{oops' })).status).toBe(401);
    expect((await h.call('POST', '/projects', { body: { name: 5 }, headers: auth })).status).toBe(422);
  });

  it('asks HEAD requests for the token too, echoes the request id on a 401, and answers unknown paths 404', async () => {
    expect((await h.app.inject({ method: 'HEAD', url: '/projects' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'HEAD', url: '/projects', headers: auth })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'HEAD', url: '/health' })).statusCode).toBe(200);
    const denied = await h.call('GET', '/projects', { headers: { 'x-request-id': 'auth-denied-1' } });
    expect([denied.status, denied.headers['x-request-id']]).toEqual([401, 'auth-denied-1']);
    expect((await h.call('GET', '/no-such-route')).status).toBe(404);
  });

  it('leaves health, metrics, docs, OpenAPI and the console open', async () => {
    for (const url of ['/health', '/metrics', '/openapi.json', '/', '/console', '/console/static/console.css']) {
      expect([url, (await h.call('GET', url)).status]).toEqual([url, 200]);
    }
    expect((await h.call('GET', '/docs')).status).toBeLessThan(400);
  });

  it('never asks webhooks for the bearer token, and refuses them while no webhook secret is set', async () => {
    const res = await h.call('POST', '/webhooks/github', {
      body: { state: 'success' },
      headers: { 'x-github-event': 'status' },
    });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Webhook secret not configured (set TASKSGODZILLA_WEBHOOK_TOKEN)');
    const withBearer = await h.call('POST', '/webhooks/gitlab', {
      body: {},
      headers: { ...auth, 'x-gitlab-event': 'Pipeline Hook' },
    });
    expect(withBearer.status).toBe(401);
  });
});

describe('per-project token on run and step routes', () => {
  const h = useApi();

  it('answers 401 "Project access denied" on every route of a protected project, and lets the right token in', async () => {
    const token = { 'x-project-token': 'tok-1' };
    const projectId = await h.project({ secrets: { api_token: 'tok-1' } });
    const { id, steps } = await h.planned(projectId, '0001-guarded', {}, token);
    const step = steps[0]!.id;
    const routes: [string, string][] = [
      ['GET', `/protocols/${id}`],
      ['GET', `/protocols/${id}/spec`],
      ['GET', `/protocols/${id}/steps`],
      ['GET', `/protocols/${id}/events`],
      ['POST', `/protocols/${id}/actions/pause`],
      ['GET', `/steps/${step}`],
      ['POST', `/steps/${step}/actions/approve`],
      ['GET', `/projects/${projectId}/protocols`],
      ['GET', `/projects/${projectId}/onboarding`],
      ['GET', `/events/stream?protocol_run_id=${id}`],
    ];
    for (const [method, url] of routes) {
      const res = await h.call(method as 'GET', url);
      expect([url, res.status, res.body.detail]).toEqual([url, 401, 'Project access denied']);
    }
    expect((await h.call('POST', '/specs/audit', { body: { protocol_id: id } })).status).toBe(401);
    expect((await h.call('GET', `/protocols/${id}`, { headers: token })).status).toBe(200);
    expect((await h.call('GET', `/steps/${step}`, { headers: token })).status).toBe(200);
  });
});
