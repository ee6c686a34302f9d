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

/** What fastify sends JSON answers as. */
const JSON_TYPE = 'application/json; charset=utf-8';

function sameAnswer(a: HealthReport, b: HealthReport): boolean {
  return (
    a.status === b.status &&
    a.db.ok === b.db.ok &&
    a.db.backend === b.db.backend &&
    a.queue.ok === b.queue.ok &&
    a.queue.backend === b.queue.backend &&
    a.queue.stats === b.queue.stats
  );
}

/**
 * The JSON text of `publicHealth(report)`, kept while the reports say the same: the health check hands
 * out the same queue counts object for a second (runtime `HEALTH_QUEUE_STATS_MAX_AGE_MS`), so most
 * `GET /health` answers reuse the previous text instead of building and serializing the body again
 * (issue 12). New counts, another status or a failed check make a new text.
 */
export function healthBody(stringify: (value: unknown) => string = JSON.stringify): (report: HealthReport) => string {
  let last: { report: HealthReport; text: string } | null = null;
  return (report) => {
    if (last !== null && sameAnswer(last.report, report)) return last.text;
    const text = stringify(publicHealth(report));
    last = { report, text };
    return text;
  };
}

export type HealthRouteDeps = Pick<ApiDeps, 'health' | 'logger' | 'metrics' | 'queue'>;

export function registerHealthRoutes(app: RouteApi, { health, logger, metrics, queue }: HealthRouteDeps): void {
  const body = healthBody();
  app.get(
    '/health',
    {
      config: { auth: 'none' },
      schema: routeSchema(apiContract.health),
    },
    async (request, reply) => {
      const report = await health();
      if (report.status !== 'ok')
        logger.warn({ request_id: request.id, db: report.db, queue: report.queue }, 'health degraded');
      // The HealthOut body as its JSON text: fastify sends a string with a type as it is.
      const text = body(report) as unknown as Out<typeof HealthOut>;
      return reply
        .code(report.status === 'ok' ? 200 : 503)
        .type(JSON_TYPE)
        .send(text);
    },
  );

  app.get(
    '/metrics',
    {
      config: { auth: 'none' },
      schema: routeSchema(apiContract.metrics),
    },
    async (request, reply) => {
      try {
        metrics.setQueueStats(await queue.stats());
      } catch (error) {
        logger.warn({ err: error, request_id: request.id }, 'queue stats for /metrics failed');
      }
      return reply.type(metrics.contentType).send(await metrics.text());
    },
  );
}
