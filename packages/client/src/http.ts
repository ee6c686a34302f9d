import { ConfigError, redactUrlCredentials } from '@tasksgodzilla/core';
import { ApiError, parseErrorDetail } from './client.errors.js';
import type { ApiErrorInit } from './client.errors.js';
import type { CallOptions, ClientOptions, FetchLike } from './client.types.js';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** Resolved client settings shared by every request. */
export interface HttpConfig {
  baseUrl: string;
  token: string | undefined;
  projectToken: string | undefined;
  fetch: FetchLike;
  timeoutMs: number;
  headers: Record<string, string>;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** JSON-serialized body. */
  json?: unknown;
  /** Raw body, sent as is with `Content-Type: application/json`. */
  rawBody?: string;
  accept?: string;
  /** Non-2xx statuses that still count as an answer (e.g. 503 from /health). */
  okStatuses?: readonly number[];
  /** Send the bearer and project tokens. Default true. */
  auth?: boolean;
  /** Apply the client's request timeout. Default true. */
  timeout?: boolean;
}

export interface HttpResult {
  response: Response;
  /** The whole body as text. */
  text: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function resolveConfig(options: ClientOptions): HttpConfig {
  if (!options.baseUrl) throw new ConfigError('createClient: baseUrl is required');
  const userFetch = options.fetch;
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    token: options.token || undefined,
    projectToken: options.projectToken || undefined,
    // Called detached: browsers throw "Illegal invocation" when fetch runs with another `this`.
    fetch: userFetch ? (input, init) => userFetch(input, init) : (input, init) => globalThis.fetch(input, init),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    headers: { ...(options.headers ?? {}) },
  };
}

/** Encodes one path segment (ids, run ids). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}

/** Encodes a path that may itself contain `/` (branch names), segment by segment. */
export function pathSegments(value: string): string {
  return value.split('/').map(seg).join('/');
}

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

export function buildHeaders(
  config: HttpConfig,
  call: CallOptions,
  auth: boolean,
  extra: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = { ...config.headers };
  if (auth && config.token) headers['Authorization'] = `Bearer ${config.token}`;
  const projectToken = call.projectToken === undefined ? config.projectToken : call.projectToken;
  if (auth && projectToken) headers['X-Project-Token'] = projectToken;
  if (call.requestId) headers['X-Request-ID'] = call.requestId;
  return { ...headers, ...extra, ...(call.headers ?? {}) };
}

/** The most telling part of a fetch failure: `ECONNREFUSED` rather than `fetch failed`. */
export function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Links an optional caller signal and an optional timeout into one signal. `state()` tells which
 * one fired so the error can say "timed out" rather than "aborted".
 */
export interface LinkedSignal {
  signal: AbortSignal;
  state(): { timedOut: boolean; aborted: boolean };
  dispose(): void;
}

export function linkSignals(signal: AbortSignal | undefined, timeoutMs: number): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal?.reason);
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    state: () => ({ timedOut, aborted: Boolean(signal?.aborted) }),
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Turns a fetch rejection into an ApiError with status 0. */
export function transportError(
  error: unknown,
  ctx: {
    baseUrl: string;
    method: string;
    url: string;
    timeoutMs: number;
    timedOut: boolean;
    aborted: boolean;
    requestId?: string | undefined;
  },
): ApiError {
  // A base URL may carry `user:password@`: no message or field repeats it.
  const url = redactUrlCredentials(ctx.url);
  const base = { status: 0, method: ctx.method, url, requestId: ctx.requestId ?? null, cause: error };
  const failure: Pick<ApiErrorInit, 'category' | 'code' | 'retryable' | 'message'> = ctx.timedOut
    ? {
        category: 'timeout',
        code: 'timeout',
        retryable: true,
        message: `${ctx.method} ${url} timed out after ${ctx.timeoutMs} ms`,
      }
    : ctx.aborted
      ? { category: 'cancelled', code: 'aborted', retryable: false, message: `${ctx.method} ${url} was aborted` }
      : {
          code: 'network_error',
          retryable: true,
          message: redactUrlCredentials(`cannot reach ${ctx.baseUrl}: ${describeCause(error)}`),
        };
  return new ApiError({ ...base, ...failure });
}

/** Builds the ApiError of a non-2xx response from its (already read) body. */
export function responseError(response: Response, text: string, method: string, url: string): ApiError {
  return new ApiError({
    status: response.status,
    detail: parseErrorDetail(text),
    requestId: response.headers.get('x-request-id'),
    method,
    url: redactUrlCredentials(url),
  });
}

/** Sends one request and reads the whole body; non-2xx (outside okStatuses) throws ApiError. */
export async function send(config: HttpConfig, spec: RequestSpec, call: CallOptions = {}): Promise<HttpResult> {
  const url = buildUrl(config.baseUrl, spec.path, spec.query);
  const extra: Record<string, string> = { Accept: spec.accept ?? 'application/json' };
  let body: string | undefined;
  if (spec.rawBody !== undefined) body = spec.rawBody;
  else if (spec.json !== undefined) body = JSON.stringify(spec.json);
  // No Content-Type without a body: servers reject an empty body declared as JSON.
  if (body !== undefined) extra['Content-Type'] = 'application/json';
  const headers = buildHeaders(config, call, spec.auth ?? true, extra);
  const timeoutMs = spec.timeout === false ? 0 : (call.timeoutMs ?? config.timeoutMs);
  const link = linkSignals(call.signal, timeoutMs);
  try {
    let response: Response;
    let text: string;
    try {
      response = await config.fetch(url, { method: spec.method, headers, body, signal: link.signal });
      text = await response.text();
    } catch (error) {
      throw transportError(error, {
        baseUrl: config.baseUrl,
        method: spec.method,
        url,
        timeoutMs,
        requestId: call.requestId,
        ...link.state(),
      });
    }
    if (!response.ok && !(spec.okStatuses ?? []).includes(response.status)) {
      throw responseError(response, text, spec.method, url);
    }
    return { response, text };
  } finally {
    link.dispose();
  }
}

/** Parses a JSON response body; an empty body gives null. */
export function parseJson<T>(result: HttpResult, method: string, path: string): T {
  if (!result.text.trim()) return null as T;
  try {
    return JSON.parse(result.text) as T;
  } catch (error) {
    throw new ApiError({
      status: result.response.status,
      requestId: result.response.headers.get('x-request-id'),
      method,
      url: path,
      code: 'invalid_response',
      retryable: false,
      cause: error,
      message: `${method} ${path}: the api answered ${result.response.status} with a body that is not JSON`,
    });
  }
}
