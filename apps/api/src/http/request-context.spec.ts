import Fastify from 'fastify';
import { createLogger, createMetrics } from '@tasksgodzilla/platform-telemetry';
import { registerRequestContext, requestIdFor } from './request-context.js';

/** A fastify app with only the request context, logging JSON lines into an array at `level`. */
async function appAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const metrics = createMetrics();
  const app = Fastify({ logger: false, genReqId: requestIdFor });
  registerRequestContext(app, { logger, metrics });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async (_request, reply) => reply.code(500).send({ detail: 'boom' }));
  await app.ready();
  const requestLines = () => lines.filter((line) => line['msg'] === 'request');
  return { app, metrics, requestLines };
}

describe('registerRequestContext request lines', () => {
  it('logs failures at info and successful answers only at debug', async () => {
    const { app, metrics, requestLines } = await appAt('info');
    try {
      const ok = await app.inject({ method: 'GET', url: '/ok', headers: { 'x-request-id': 'req-ok' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-request-id']).toBe('req-ok');
      await app.inject({ method: 'GET', url: '/missing?x=1', headers: { 'x-request-id': 'req-404' } });
      await app.inject({ method: 'GET', url: '/boom' });
      expect(requestLines().map((line) => [line['level'], line['path'], line['status_code']])).toEqual([
        ['info', '/missing', 404],
        ['info', '/boom', 500],
      ]);
      expect(requestLines()[0]).toMatchObject({ request_id: 'req-404', method: 'GET', route: null });
      // Every request is still measured, whatever its log level.
      expect(await metrics.text()).toMatch(/^requests_total 3$/m);
    } finally {
      await app.close();
    }
  });

  it('logs every request at debug', async () => {
    const { app, requestLines } = await appAt('debug');
    try {
      await app.inject({ method: 'GET', url: '/ok', headers: { 'x-request-id': 'req-ok' } });
      await app.inject({ method: 'GET', url: '/missing' });
      expect(requestLines().map((line) => [line['level'], line['path'], line['status_code']])).toEqual([
        ['debug', '/ok', 200],
        ['info', '/missing', 404],
      ]);
      expect(requestLines()[0]).toMatchObject({ request_id: 'req-ok', route: '/ok' });
    } finally {
      await app.close();
    }
  });
});
