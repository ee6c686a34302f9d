import type { Api, RouteContext } from '../api.types.js';
import { HealthOut } from '../schemas.js';

export function registerHealthRoutes(app: Api, { runtime }: RouteContext): void {
  app.get(
    '/health',
    { config: { auth: 'none' }, schema: { tags: ['system'], summary: 'Database and queue reachability: 200 ok, 503 degraded', response: { 200: HealthOut, 503: HealthOut } } },
    async (_request, reply) => {
      const report = await runtime.health();
      return reply.code(report.status === 'ok' ? 200 : 503).send(report);
    },
  );

  app.get('/metrics', { config: { auth: 'none' }, schema: { tags: ['system'], summary: 'Prometheus exposition', produces: ['text/plain'] } }, async (_request, reply) => {
    try {
      runtime.metrics.setQueueStats(await runtime.queue.stats());
    } catch (error) {
      runtime.logger.warn({ err: error }, 'queue stats for /metrics failed');
    }
    return reply.type(runtime.metrics.contentType).send(await runtime.metrics.text());
  });
}
