import { AppError } from '@tasksgodzilla/core';
import { createClient } from './client.js';
import { ApiError, categoryForStatus, formatDetail, isApiError, parseErrorDetail } from './client.errors.js';
import { startFakeServer, type FakeServer } from './fake-server.test-helpers.js';

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (isApiError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('ApiError mapping', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  const client = () => createClient({ baseUrl: server.url, token: 'nope' });

  it('401 → unauthorized, with the request id the api echoed', async () => {
    server.setHandler(() => ({
      status: 401,
      body: { detail: 'Unauthorized' },
      headers: { 'X-Request-ID': 'rid-401' },
    }));
    const error = await failure(client().listProjects({}, { requestId: 'rid-401' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(AppError);
    expect(error.name).toBe('ApiError');
    expect(error.status).toBe(401);
    expect(error.category).toBe('unauthorized');
    expect(error.detail).toBe('Unauthorized');
    expect(error.requestId).toBe('rid-401');
    expect(error.message).toBe('401 Unauthorized');
    expect(error.retryable).toBe(false);
  });

  it('403 → unauthorized', async () => {
    server.setHandler(() => ({ status: 403, body: { detail: 'Project access denied' } }));
    const error = await failure(client().getProject(3));
    expect([error.category, error.code, error.message]).toEqual([
      'unauthorized',
      'forbidden',
      '403 Forbidden: Project access denied',
    ]);
  });

  it('404 → not_found, keeping the detail text as sent', async () => {
    server.setHandler(() => ({ status: 404, body: { detail: "'ProtocolRun 7 not found'" } }));
    const error = await failure(client().getProtocol(7));
    expect(error.category).toBe('not_found');
    expect(error.detail).toBe("'ProtocolRun 7 not found'");
    expect(error.message).toBe("404 Not Found: 'ProtocolRun 7 not found'");
    expect(error.method).toBe('GET');
    expect(error.url).toBe(`${server.url}/protocols/7`);
  });

  it('409 → conflict with a readable message', async () => {
    server.setHandler(() => ({ status: 409, body: { detail: 'Protocol already running or terminal' } }));
    const error = await failure(client().startProtocol(7));
    expect(error.category).toBe('conflict');
    expect(error.message).toBe('409 Conflict: Protocol already running or terminal');
  });

  it('422 → validation, listing every field path', async () => {
    const detail = [
      { type: 'missing', loc: ['body', 'name'], msg: 'Required', input: {} },
      { type: 'missing', loc: ['body', 'git_url'], msg: 'Required', input: {} },
    ];
    server.setHandler(() => ({ status: 422, body: { detail } }));
    const error = await failure(client().createProject({} as never));
    expect(error.category).toBe('validation');
    expect(error.message).toBe('422 Validation failed: body.name: Required; body.git_url: Required');
    expect(error.detail).toEqual(detail);
    expect(error.issues).toEqual([
      { path: ['name'], message: 'Required' },
      { path: ['git_url'], message: 'Required' },
    ]);
  });

  it('400 → validation', async () => {
    server.setHandler(() => ({ status: 400, body: { detail: 'confirm=true required to delete a remote branch' } }));
    const error = await failure(client().deleteBranch(3, 'b', { confirm: false }));
    expect([error.category, error.message]).toEqual([
      'validation',
      '400 Bad Request: confirm=true required to delete a remote branch',
    ]);
  });

  it('503 → retryable service_unavailable', async () => {
    server.setHandler(() => ({ status: 503, body: { detail: 'Queue unavailable' } }));
    const error = await failure(client().runStep(9));
    expect([error.status, error.category, error.code, error.retryable]).toEqual([
      503,
      'internal',
      'service_unavailable',
      true,
    ]);
    expect(error.message).toBe('503 Service Unavailable: Queue unavailable');
  });

  it('500 with a plain-text body', async () => {
    server.setHandler(() => ({ status: 500, body: 'Internal Server Error' }));
    const error = await failure(client().getProtocol(7));
    expect(error.message).toBe('500 Internal Server Error');
    expect(error.detail).toBe('Internal Server Error');
  });

  it('a 2xx body that is not JSON is an error, not a silent null', async () => {
    server.setHandler(() => ({ status: 200, body: '<html>' }));
    const error = await failure(client().getProtocol(7));
    expect(error.code).toBe('invalid_response');
  });

  it('network failure → status 0 "cannot reach <base>"', async () => {
    const gone = await startFakeServer();
    const base = gone.url;
    await gone.close();
    const error = await failure(createClient({ baseUrl: base }).health());
    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(new RegExp(`^cannot reach ${base.replace(/[.]/g, '\\.')}: ECONNREFUSED`));
  });

  it('never repeats credentials of the base URL (user:password@) in the error message or url', async () => {
    const gone = await startFakeServer();
    const base = gone.url.replace('http://', 'http://user:s3cret-pass@');
    await gone.close();
    const error = await failure(createClient({ baseUrl: base }).health());
    expect(error.code).toBe('network_error');
    expect(error.message).toContain('http://***@127.0.0.1');
    expect(`${error.message} ${error.url ?? ''}`).not.toContain('s3cret-pass');
  });

  it('timeout → status 0, category timeout', async () => {
    server.setHandler(() => new Promise(() => undefined));
    const error = await failure(createClient({ baseUrl: server.url, timeoutMs: 50 }).getProtocol(7));
    expect([error.status, error.category, error.code]).toEqual([0, 'timeout', 'timeout']);
    expect(error.message).toBe(`GET ${server.url}/protocols/7 timed out after 50 ms`);
  });

  it('caller abort → status 0, category cancelled', async () => {
    server.setHandler(() => new Promise(() => undefined));
    const controller = new AbortController();
    const pending = failure(client().getProtocol(7, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    const error = await pending;
    expect([error.status, error.category, error.code]).toEqual([0, 'cancelled', 'aborted']);
  });
});

describe('error helpers', () => {
  it('formats details', () => {
    expect(formatDetail(null)).toBe('');
    expect(formatDetail('x')).toBe('x');
    expect(formatDetail([{ msg: 'bad' }, { loc: ['query', 'limit'], msg: 'Expected number' }])).toBe(
      'bad; query.limit: Expected number',
    );
    expect(formatDetail({ a: 1 })).toBe('{"a":1}');
  });

  it('reads detail, fastify message, or raw text', () => {
    expect(parseErrorDetail('{"detail":"x"}')).toBe('x');
    expect(parseErrorDetail('{"statusCode":400,"error":"Bad Request","message":"body must be object"}')).toBe(
      'body must be object',
    );
    expect(parseErrorDetail('  ')).toBeNull();
    expect(parseErrorDetail('oops')).toBe('oops');
  });

  it('maps statuses to categories', () => {
    expect([400, 401, 403, 404, 409, 422, 504, 500, 503].map(categoryForStatus)).toEqual([
      'validation',
      'unauthorized',
      'unauthorized',
      'not_found',
      'conflict',
      'validation',
      'timeout',
      'internal',
      'internal',
    ]);
  });
});
