import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { z } from 'zod';
import { RequestValidationError, type DetailIssue, type RequestPart } from './http-errors.js';

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** FastAPI's `type` vocabulary, roughly, so clients that read the original's 422s read ours. */
function issueType(issue: Issue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'missing' : `${issue.expected}_type`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array' ? 'too_short' : 'greater_than_equal';
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array' ? 'too_long' : 'less_than_equal';
    case 'invalid_value':
      return 'enum';
    case 'unrecognized_keys':
      return 'extra_forbidden';
    case 'invalid_format':
      return 'string_pattern_mismatch';
    case 'custom':
      return 'value_error';
    default:
      return issue.code;
  }
}

function toDetailIssue(part: RequestPart, data: unknown, issue: Issue): DetailIssue {
  const missing = issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined;
  return {
    loc: [part, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))],
    msg: missing ? 'Field required' : issue.message,
    type: issueType(issue, missing),
  };
}

const PARTS: readonly (readonly [
  RequestPart,
  'params' | 'querystring' | 'body' | 'headers',
  'params' | 'query' | 'body' | 'headers',
])[] = [
  ['path', 'params', 'params'],
  ['query', 'querystring', 'query'],
  ['header', 'headers', 'headers'],
  ['body', 'body', 'body'],
];

/**
 * Fastify validates params, query and body one after the other and stops at the first failure;
 * FastAPI reported all of them together. So fastify's own step is a no-op (`passThrough`)
 * and this preValidation hook parses every part with the route's zod schemas, reports every issue
 * at once (422, `loc` = part + field path) and replaces each part with its parsed value. A callback
 * hook, not an async one: no promise per request (issue 12).
 */
export function validateRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  try {
    parseRequest(request);
  } catch (error) {
    done(error as Error);
    return;
  }
  done();
}

function parseRequest(request: FastifyRequest): void {
  const schema = request.routeOptions.schema as
    | Partial<Record<'params' | 'querystring' | 'body' | 'headers', z.ZodType>>
    | undefined;
  if (!schema) return;
  const issues: DetailIssue[] = [];
  const parsed: Partial<Record<'params' | 'query' | 'body' | 'headers', unknown>> = {};
  for (const [part, schemaKey, requestKey] of PARTS) {
    const partSchema = schema[schemaKey];
    if (!partSchema || !(partSchema instanceof z.ZodType)) continue;
    const result = partSchema.safeParse(request[requestKey]);
    if (result.success) parsed[requestKey] = result.data;
    else issues.push(...result.error.issues.map((issue) => toDetailIssue(part, request[requestKey], issue)));
  }
  if (issues.length > 0) throw new RequestValidationError(issues);
  const target = request as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsed)) {
    if (key !== 'headers') target[key] = value;
  }
}

/** Whether a route's schema declares any request part that validateRequest parses. */
export function takesInput(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const parts = schema as Record<string, unknown>;
  return PARTS.some(([, schemaKey]) => parts[schemaKey] instanceof z.ZodType);
}

/** Fastify's validation step does nothing: validateRequest already parsed everything. */
export const passThrough = (data: unknown): { value: unknown } => ({ value: data });
