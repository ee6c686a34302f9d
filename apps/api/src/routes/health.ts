import type { HealthReport } from '@tasksgodzilla/runtime';
import { apiContract, type Out } from '@tasksgodzilla/api-contract';
import type { HealthOut } from '@tasksgodzilla/api-contract';
import type { RouteApi, ApiDeps } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';

/**
 * `/health` is public: it says whether the database and the queue answer, never where the data lives
 * or what the driver said (paths, hosts); those go to the log when the check fails.
 */
export function publicHealth(report: HealthReport): Out<typeof HealthOut> {
  return {
    status: report.status,
    db: { ok: report.db.ok, backend: report.db.backend },
    queue: {
      ok: report.queue.ok,
      backend: report.queue.backend,
      ...(report.queue.stats ? { stats: report.queue.stats } : {}),
    },
  };
}

export type HealthRouteDeps = Pick<ApiDeps, 'health' | 'logger' | 'metrics' | 'queue'>;

export function registerHealthRoutes(app: RouteApi, { health, logger, metrics, queue }: HealthRouteDeps): void {
  app.get(
    '/health',
    {
      config: { auth: 'none' },
      schema: routeSchema(apiContract.health),
    },
    async (_request, reply) => {
      const report = await health();
      if (report.status !== 'ok') logger.warn({ db: report.db, queue: report.queue }, 'health degraded');
      return reply.code(report.status === 'ok' ? 200 : 503).send(publicHealth(report));
    },
  );

  app.get(
    '/metrics',
    {
      config: { auth: 'none' },
      schema: routeSchema(apiContract.metrics),
    },
    async (_request, reply) => {
      try {
        metrics.setQueueStats(await queue.stats());
      } catch (error) {
        logger.warn({ err: error }, 'queue stats for /metrics failed');
      }
      return reply.type(metrics.contentType).send(await metrics.text());
    },
  );
}
