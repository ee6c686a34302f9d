import { AppError } from '@tasksgodzilla/core';
import type { z } from 'zod';
import { ErrorBody } from './contract.schemas.js';
import type { Contract, HttpMethod, RouteDef } from './contract.types.js';

/** Types one route and keeps its literal schema types (for inference on both sides). */
export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}

/** Types a set of routes; every `method path` must be unique. */
export function defineContract<const C extends Contract>(contract: C): C {
  const seen = new Set<string>();
  for (const [name, route] of Object.entries(contract)) {
    const key = routeKey(route.method, route.path);
    if (seen.has(key)) throw new Error(`Contract route ${name}: ${key} is defined twice`);
    seen.add(key);
  }
  return contract;
}

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** An index of a contract by `METHOD path` (the server's route pattern, not a concrete URL). */
export function routeIndex(contract: Contract): ReadonlyMap<string, RouteDef> {
  return new Map(Object.values(contract).map((route) => [routeKey(route.method, route.path), route]));
}

/** The route declared for a method and a route pattern such as `/protocols/:id`, if any. */
export function findRoute(contract: Contract, method: HttpMethod | string, path: string): RouteDef | undefined {
  return routeIndex(contract).get(routeKey(method, path));
}

function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The route that serves a concrete request (`GET /protocols/7?limit=5`), as the server's router picks
 * it: static segments before parameters, parameters before a wildcard. HEAD is answered by GET routes.
 */
export function matchRoute(contract: Contract, method: string, url: string): RouteDef | undefined {
  const path = url.split(/[?#]/)[0] ?? url;
  const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const rank = (route: RouteDef) =>
    route.path.split('/').reduce((sum, part) => sum + (part === '*' ? 100 : part.startsWith(':') ? 1 : 0), 0);
  return Object.values(contract)
    .filter((route) => route.method === wanted && patternOf(route.path).test(path))
    .sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * The schema a JSON answer with this status must match: the declared one, else `ErrorBody` for an
 * error status, else none (an undeclared success status is a violation by itself).
 */
export function responseSchema(route: RouteDef, status: number): z.ZodType | undefined {
  return route.responses[status] ?? (status >= 400 ? ErrorBody : undefined);
}

/** `a.b[0].c: message` for each issue, so a failure names the field. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
      .join('');
    return `${path || '(body)'}: ${issue.message}`;
  });
}

/** An answer that does not match the contract: the route, the status and each offending field. */
export class ContractViolationError extends AppError {
  readonly route: string;
  readonly status: number;
  readonly problems: string[];
  constructor(route: string, status: number, problems: string[]) {
    super('internal', `${route} answered ${status} off contract: ${problems.join('; ')}`, {
      code: 'contract_violation',
      details: { route, status, problems },
    });
    this.name = 'ContractViolationError';
    this.route = route;
    this.status = status;
    this.problems = problems;
  }
}

/**
 * Checks one JSON answer against its route's schema for the status; returns the parsed value or
 * throws ContractViolationError naming every field that is wrong.
 */
export function checkResponse(route: RouteDef, status: number, body: unknown): unknown {
  const label = routeKey(route.method, route.path);
  const schema = responseSchema(route, status);
  if (!schema) throw new ContractViolationError(label, status, [`status ${status} is not declared`]);
  const result = schema.safeParse(body);
  if (!result.success) throw new ContractViolationError(label, status, describeIssues(result.error));
  return result.data;
}

/** One request and its answer, as a test or a proxy saw them. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  /** The `Content-Type` header of the answer. */
  contentType: string | undefined;
  /** The raw answer body. */
  text: string;
}

/**
 * Checks an answer seen on the wire: a JSON answer must match its route's schema for the status
 * (an unknown route may only answer an `ErrorBody`); non-JSON answers (text, HTML, event streams) and
 * HEAD answers are not checked. Throws ContractViolationError.
 */
export function checkExchange(contract: Contract, exchange: Exchange): void {
  if (exchange.method.toUpperCase() === 'HEAD' || !/^application\/json\b/i.test(exchange.contentType ?? '')) return;
  let body: unknown;
  try {
    body = JSON.parse(exchange.text);
  } catch {
    throw new ContractViolationError(routeKey(exchange.method, exchange.url), exchange.status, ['body is not JSON']);
  }
  const route = matchRoute(contract, exchange.method, exchange.url);
  if (route) {
    checkResponse(route, exchange.status, body);
    return;
  }
  const label = routeKey(exchange.method, exchange.url.split('?')[0] ?? exchange.url);
  if (exchange.status < 400) throw new ContractViolationError(label, exchange.status, ['no route of the contract']);
  const result = ErrorBody.safeParse(body);
  if (!result.success) throw new ContractViolationError(label, exchange.status, describeIssues(result.error));
}
