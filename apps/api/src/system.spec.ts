import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApi, useApi } from './api.test-helpers.js';

describe('system endpoints and HTTP conventions', () => {
  const h = useApi({ config: { maxBodyBytes: 2048 } });

  it('GET /health answers 200 with the db and queue reports', async () => {
    const res = await h.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      db: { ok: true, backend: 'sqlite' },
      queue: { ok: true, backend: 'embedded' },
    });
    // Public: never where the data lives (issue 10).
    expect(res.body.db).toEqual({ ok: true, backend: 'sqlite' });
    expect(res.text).not.toContain(h.dir.path);
  });

  it('serves the OpenAPI document and the docs page without auth', async () => {
    const doc = await h.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.info.title).toBe('TasksGodzilla Orchestrator API');
    for (const path of [
      '/projects',
      '/projects/{project_id}',
      '/protocols/{id}/actions/start',
      '/events/stream',
      '/webhooks/github',
      '/steps/{step_id}',
      '/queues/jobs/{job_id}/retry',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect(doc.body.paths['/projects'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['name', 'git_url']),
    );
    const docs = await h.call('GET', '/docs');
    expect([200, 302]).toContain(docs.status);
  });

  it('serves the Swagger UI (loaded on first use) on the OpenAPI document of this api', async () => {
    const json = await h.call('GET', '/docs/json');
    expect(json.status).toBe(200);
    expect(json.body.info.title).toBe('TasksGodzilla Orchestrator API');
    expect(Object.keys(json.body.paths)).toContain('/projects/{project_id}');
    const page = await h.call('GET', '/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('swagger-ui');
    const css = await h.call('GET', '/docs/static/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect((await h.call('GET', '/docs/static/no-such-file.js')).status).toBe(404);
  });

  it('serves the console placeholder at / and /console, and its static files, never outside the folder', async () => {
    for (const path of ['/', '/console']) {
      const res = await h.call('GET', path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('TasksGodzilla console');
      expect(res.text).toContain('/docs');
    }
    const css = await h.call('GET', '/console/static/console.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    const escape = await h.call('GET', '/console/static/..%2F..%2Fpackage.json');
    expect(escape.status).toBe(404);
    expect(escape.body).toEqual({ detail: 'Console assets not available', code: 'not_found', category: 'not_found' });
  });

  it('serves the console from a configured folder', async () => {
    const folder = join(h.dir.path, 'console-build');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.html'), '<html>built console</html>');
    const other = await openApi({ api: { consoleDir: folder } });
    try {
      expect((await other.call('GET', '/console')).text).toBe('<html>built console</html>');
    } finally {
      await other.close();
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await h.call('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not Found', code: 'not_found', category: 'not_found' });
  });

  it('echoes X-Request-ID, or makes one, on every response including errors', async () => {
    const given = await h.call('GET', '/projects/999', { headers: { 'x-request-id': 'req-abc-1' } });
    expect(given.status).toBe(404);
    expect(given.headers['x-request-id']).toBe('req-abc-1');
    const made = await h.call('GET', '/nope');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await h.call('GET', '/health', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers['x-request-id']).not.toBe('bad id\twith spaces');
  });

  it('rejects a malformed JSON body with 400 that names the problem', async () => {
    const res = await h.call('POST', '/projects', { rawBody: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^Invalid JSON body: /);
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await h.call('POST', '/projects', { body: { name: 'x'.repeat(4096), git_url: 'y' } });
    expect(res.status).toBe(413);
    expect(res.body.detail).toBe('Request body is too large (limit 2048 bytes)');
  });

  it('reports every validation problem at once, FastAPI-style, with field paths (422)', async () => {
    const res = await h.call('POST', '/projects', { body: { name: 5, ci_provider: 'bitbucket' } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'name'], type: 'string_type' }),
        { loc: ['body', 'git_url'], msg: 'Field required', type: 'missing' },
        expect.objectContaining({ loc: ['body', 'ci_provider'], type: 'enum' }),
      ]),
    );
    const params = await h.call('GET', '/protocols/abc/steps', { query: { limit: 0 } });
    expect(params.status).toBe(422);
    expect(params.body.detail.map((issue: { loc: unknown[] }) => issue.loc)).toEqual(
      expect.arrayContaining([
        ['path', 'id'],
        ['query', 'limit'],
      ]),
    );
  });

  it('accepts action POSTs with no body or an empty JSON body', async () => {
    const res = await h.call('POST', '/protocols/12345/actions/pause', { rawBody: '' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('Protocol run not found');
  });

  it('exposes Prometheus metrics labelled by route template, never by raw path', async () => {
    await h.call('GET', '/projects/424242');
    await h.call('GET', '/projects/434343');
    await h.call('GET', '/definitely/unknown/path');
    const res = await h.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(
      /requests_duration_seconds_count\{[^}]*path="\/projects\/:project_id"[^}]*status="404"[^}]*\} \d+/,
    );
    expect(res.text).toContain('path="unmatched"');
    expect(res.text).not.toContain('424242');
    expect(res.text).toMatch(/requests_total \d+/);
    expect(res.text).toContain('queue_jobs');
  });
});

describe('health when the database is gone', () => {
  it('answers 503 degraded', async () => {
    const h = await openApi();
    try {
      await h.runtime.db.close();
      const res = await h.call('GET', '/health');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('degraded');
      expect(res.body.db.ok).toBe(false);
      expect(res.text).not.toContain(h.dir.path);
    } finally {
      await h.app.close();
      h.dir.remove();
    }
  });
});
