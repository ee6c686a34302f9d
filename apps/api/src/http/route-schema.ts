import {
  apiContract,
  checkExchange,
  ContractViolationError,
  findRoute,
  type Contract,
  type Exchange,
  type RouteDef,
} from '@tasksgodzilla/api-contract';
import type { RouteApi } from '../api.types.js';

type Part<R extends RouteDef, K extends 'params' | 'query' | 'body'> = R extends { [key in K]: infer S }
  ? S
  : undefined;

/** Fastify's route schema of a contract route: what the zod type provider, validation and OpenAPI read. */
export interface ContractRouteSchema<R extends RouteDef> {
  tags: string[];
  summary: string;
  hide?: boolean;
  produces?: string[];
  params: Part<R, 'params'>;
  querystring: Part<R, 'query'>;
  body: Part<R, 'body'>;
  response: R['responses'];
}

/** The schema a route is registered with, taken from the contract. */
export function routeSchema<const R extends RouteDef>(route: R): ContractRouteSchema<R> {
  const schema: Record<string, unknown> = { tags: [...route.tags], summary: route.summary, response: route.responses };
  if (route.hide) schema['hide'] = true;
  if (route.produces) schema['produces'] = [...route.produces];
  if (route.params) schema['params'] = route.params;
  if (route.query) schema['querystring'] = route.query;
  if (route.body) schema['body'] = route.body;
  return schema as unknown as ContractRouteSchema<R>;
}

/** Routes of the docs UI plugin, which documents the contract and is not part of it. */
const DOCS_PREFIX = '/docs';

/**
 * Every route is registered with its contract schemas (request validation and the OpenAPI document
 * read them), whatever its module wrote; a route the contract does not know stops the api from starting.
 * Call before registering routes.
 */
export function useContractSchemas(app: RouteApi, contract: Contract = apiContract): void {
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((method) => method !== 'HEAD');
    for (const method of methods) {
      const declared = findRoute(contract, method, route.url);
      if (!declared) throw new Error(`${method} ${route.url} is not in the api contract (@tasksgodzilla/api-contract)`);
      route.schema = routeSchema(declared);
    }
  });
}

/**
 * The contract's verdict on one answer: a ContractViolationError naming each wrong field, or undefined
 * when it matches (text, HTML, files and event streams are not checked). Other errors are thrown.
 */
export function contractViolation(
  exchange: Exchange,
  contract: Contract = apiContract,
): ContractViolationError | undefined {
  try {
    checkExchange(contract, exchange);
    return undefined;
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
}

/**
 * Checks each JSON answer (string payloads: the api serializes JSON itself) against the contract and
 * reports mismatches; the answer goes out unchanged.
 */
export function checkAnswers(
  app: RouteApi,
  onViolation: (error: ContractViolationError) => void,
  contract: Contract = apiContract,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string') return payload;
    const contentType = reply.getHeader('content-type');
    const violation = contractViolation(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        text: payload,
      },
      contract,
    );
    if (violation) onViolation(violation);
    return payload;
  });
}
