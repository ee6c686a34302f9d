import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One endpoint: where it is, what it takes and what it answers per status. Paths use `:name`
 * parameters and a trailing `*` wildcard (the server's router syntax; OpenAPI gets `{name}`).
 */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  /** OpenAPI tags and one-line summary. */
  tags: readonly string[];
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** JSON answers by status. Error statuses answer `ErrorBody` even when not listed here. */
  responses: Readonly<Partial<Record<number, z.ZodType>>>;
  /** Content types of a non-JSON success answer (text, HTML, event stream). */
  produces?: readonly string[];
  /** Left out of the OpenAPI document. */
  hide?: boolean;
}

export type Contract = Readonly<Record<string, RouteDef>>;

type SchemaOf<R extends RouteDef, K extends 'params' | 'query' | 'body'> = R[K] extends z.ZodType ? R[K] : never;

/** What a caller sends as the body (before defaults and transforms). */
export type RequestBody<R extends RouteDef> = z.input<SchemaOf<R, 'body'>>;
/** Query parameters as a caller writes them. */
export type RequestQuery<R extends RouteDef> = z.input<SchemaOf<R, 'query'>>;
/** The JSON a route answers with for `status` (200 by default). */
export type ResponseBody<R extends RouteDef, S extends keyof R['responses'] = 200> = R['responses'][S] extends z.ZodType
  ? z.output<R['responses'][S]>
  : never;

/** The value a schema parses to: the type of an answer a client receives. */
export type Out<S extends z.ZodType> = z.output<S>;
/** The value a schema accepts: the type of a body or query a client sends (before defaults). */
export type In<S extends z.ZodType> = z.input<S>;
