import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiContract } from '@tasksgodzilla/api-contract';
import { createClient, type FetchLike } from '@tasksgodzilla/client';
import type { RouteApi } from '../api.types.js';
import { routeSchema } from '../http/route-schema.js';

// MCP over Streamable HTTP at /mcp (stateless, JSON answers). The tools are the @tasksgodzilla/mcp
// package's, over a client whose requests go to this api itself in-process (`inject`), with the
// caller's credentials: one code path with `tgz mcp`, and every route's own checks apply.

/** The caller headers the in-process requests carry: its credentials and its request id. */
const FORWARDED = ['authorization', 'x-project-token'] as const;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A fetch that answers from `app.inject` with the caller's credentials (never another's). */
function injectFetch(app: RouteApi, caller: FastifyRequest): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const headers = new Headers(init?.headers);
    for (const name of FORWARDED) {
      const value = caller.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    headers.set('x-request-id', caller.id);
    const answer = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(headers),
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
      else if (value !== undefined) responseHeaders.set(name, String(value));
    }
    return new Response(NULL_BODY_STATUSES.has(answer.statusCode) ? null : answer.rawPayload, {
      status: answer.statusCode,
      headers: responseHeaders,
    });
  };
}

/** The fastify request as a web Request (method, URL, headers; the body is passed already parsed). */
function webRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(new URL(request.url, 'http://tasksgodzilla.local'), { method: request.method, headers });
}

async function send(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  void reply.code(response.status);
  response.headers.forEach((value, name) => void reply.header(name, value));
  const body = Buffer.from(await response.arrayBuffer());
  return reply.send(body.length > 0 ? body : undefined);
}

export function registerMcpRoutes(app: RouteApi): void {
  app.post('/mcp', { schema: routeSchema(apiContract.mcp) }, async (request, reply) => {
    // Loaded on the first MCP request: the SDK stays out of the api's start-up.
    const { handleMcpHttpRequest } = await import('@tasksgodzilla/mcp');
    const client = createClient({ baseUrl: 'http://tasksgodzilla.local', fetch: injectFetch(app, request) });
    return send(reply, await handleMcpHttpRequest(webRequest(request), { client, parsedBody: request.body }));
  });
  for (const [method, route] of [
    ['GET', apiContract.mcpStream],
    ['DELETE', apiContract.mcpEndSession],
  ] as const) {
    app.route({
      method,
      url: '/mcp',
      schema: routeSchema(route),
      handler: async (_request, reply) => {
        const { mcpMethodNotAllowed } = await import('@tasksgodzilla/mcp');
        return send(reply, mcpMethodNotAllowed());
      },
    });
  }
}
