import type { FastifyRequest } from 'fastify';
import { apiContract } from '@tasksgodzilla/api-contract';
import { eventTypesOf } from '@tasksgodzilla/core';
import type { AccessReads, RouteApi, ApiDeps, EventFilter } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';
import { projectAccess, runAccess } from '../http/access.js';
import { sendPage } from '../http/pagination.js';
import { requestScope, scopeFilter } from '../http/scope.js';
import { eventOut } from '../presenters.js';

/** Filters by project and run, with the per-project token checked for each one named, within the request's scope. */
async function scopedFilter(
  reads: AccessReads,
  request: FastifyRequest,
  query: { project_id?: number; protocol_run_id?: number },
): Promise<EventFilter> {
  const filter: EventFilter = { ...scopeFilter(await requestScope(reads, request)) };
  if (query.project_id !== undefined) filter.project_id = (await projectAccess(reads, request, query.project_id)).id;
  if (query.protocol_run_id !== undefined)
    filter.protocol_run_id = (await runAccess(reads, request, query.protocol_run_id)).run.id;
  return filter;
}

/** `Last-Event-ID` (what EventSource sends on reconnect) wins over `?last_event_id=`. */
function lastEventId(request: FastifyRequest, query: { last_event_id?: number }): number | null {
  const header = request.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return query.last_event_id ?? null;
}

export type EventRouteDeps = Pick<ApiDeps, 'reads' | 'streamEvents' | 'options'>;

export function registerEventRoutes(app: RouteApi, { reads, streamEvents, options }: EventRouteDeps): void {
  app.get(
    '/events',
    {
      schema: routeSchema(apiContract.listEvents),
    },
    async (request, reply) => {
      const filter = await scopedFilter(reads, request, request.query);
      // The catalogue's onboarding group (the setup run's `setup_*` events), as the UIs group them.
      if (request.query.kind === 'onboarding') filter.event_types = eventTypesOf('onboarding');
      const page = await reads.events(filter, {
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return sendPage(reply, page, eventOut);
    },
  );

  app.get(
    '/events/stream',
    {
      schema: routeSchema(apiContract.streamEvents),
    },
    async (request, reply) => {
      const filter = await scopedFilter(reads, request, request.query);
      await streamEvents(request, reply, {
        filter,
        lastEventId: lastEventId(request, request.query),
        heartbeatMs: options.sseHeartbeatMs,
        pollMs: options.ssePollMs,
      });
    },
  );
}
