import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger, Metrics } from '@tasksgodzilla/platform-telemetry';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Ids echoed back and stored on events: printable and short, so a caller cannot inject log lines. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's `X-Request-ID` when it is a sane id, else a fresh UUID (fastify's genReqId). */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER];
  const given = Array.isArray(header) ? header[0] : header;
  return given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

function optionalId(request: FastifyRequest, header: string): number | null {
  const raw = request.headers[header];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/**
 * Request identity, correlation, the per-request log line and request metrics:
 * - `X-Request-ID` is echoed on every response (errors and 404s included);
 * - no log scope is entered per request (an AsyncLocalStorage scope turns on promise hooks for every
 *   promise while it lasts: 10-25% of a small request's instructions, issue 12). The request id reaches what
 *   needs it explicitly: the orchestrator's commands take it (`{ requestId: request.id }`), store it
 *   on their events and jobs, and run in a log scope of their own carrying it; the lines written here
 *   name it;
 * - one `request` log line per response (the original's fields): at debug for answers below 400,
 *   at info for 4xx and 5xx, and
 *   `requests_duration_seconds{path=<route template>}`.
 */
export function registerRequestContext(app: FastifyInstance, deps: { logger: Logger; metrics: Metrics }): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-ID', request.id);
    done();
  });
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const seconds = reply.elapsedTime / 1000;
    const route = request.routeOptions.url ?? null;
    deps.metrics.observeRequest({ route, method: request.method, status: reply.statusCode, durationSeconds: seconds });
    // Answers below 400 are logged at debug, failures at info: a line per successful request cost
    // about a third of a small request's time (issue 12). TASKSGODZILLA_LOG_LEVEL=debug logs them all.
    const level = reply.statusCode < 400 ? 'debug' : 'info';
    if (!deps.logger.isLevelEnabled(level)) return done();
    const query = request.url.indexOf('?');
    deps.logger[level](
      {
        request_id: request.id,
        protocol_run_id: optionalId(request, 'x-protocol-run-id'),
        step_run_id: optionalId(request, 'x-step-run-id'),
        path: query < 0 ? request.url : request.url.slice(0, query),
        route,
        method: request.method,
        status_code: reply.statusCode,
        duration_ms: Number((seconds * 1000).toFixed(2)),
        client: request.ip,
      },
      'request',
    );
    done();
  });
}
