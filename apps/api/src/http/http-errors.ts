import { isAppError, type AppError, type ErrorCategory, type FieldIssue } from '@tasksgodzilla/core';

/** One item of a FastAPI-like 422 `detail` array. */
export interface DetailIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** Where a request value came from, as FastAPI names it in `loc`. */
export type RequestPart = 'path' | 'query' | 'body' | 'header';

/** The request failed schema validation; every problem of every part is reported at once (422). */
export class RequestValidationError extends Error {
  readonly issues: DetailIssue[];
  constructor(issues: DetailIssue[]) {
    super(issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; '));
    this.name = 'RequestValidationError';
    this.issues = issues;
  }
}

/** An answer decided at the edge (auth, signature, missing ids), with the original's `detail` text. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** The core error category the answer carries; by default the one of its status. */
  readonly category: ErrorCategory;
  constructor(statusCode: number, detail: string, code = 'http_error', category = categoryForStatus(statusCode)) {
    super(detail);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.category = category;
  }
}

const CATEGORY_BY_STATUS: Readonly<Record<number, ErrorCategory>> = {
  401: 'unauthorized',
  403: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
};

/** The core error category of an answer decided at the edge, by its status: other 4xx are `validation`, 5xx `internal`. */
export function categoryForStatus(status: number): ErrorCategory {
  return CATEGORY_BY_STATUS[status] ?? (status >= 400 && status < 500 ? 'validation' : 'internal');
}

const STATUS_BY_CATEGORY: Record<ErrorCategory, number> = {
  validation: 422,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  budget: 409,
  cancelled: 409,
  config: 500,
  engine: 502,
  git: 502,
  queue: 503,
  storage: 503,
  timeout: 504,
  internal: 500,
};

export function statusForAppError(error: AppError): number {
  return STATUS_BY_CATEGORY[error.category] ?? 500;
}

const PARTS: readonly string[] = ['path', 'query', 'body', 'header'];

/** A service's field issues as `detail` items; paths without a known part are body fields. */
export function issuesFromFieldIssues(issues: readonly FieldIssue[], message: string): DetailIssue[] {
  if (issues.length === 0) return [{ loc: ['body'], msg: message, type: 'value_error' }];
  return issues.map((issue) => {
    const first = issue.path[0];
    const loc = typeof first === 'string' && PARTS.includes(first) ? [...issue.path] : ['body', ...issue.path];
    return { loc, msg: issue.message, type: 'value_error' };
  });
}

/** An error answer: its status and the body `{detail, code, category}` (the shared contract's ErrorBody). */
export interface ErrorBody {
  status: number;
  body: { detail: string | DetailIssue[]; code: string; category: ErrorCategory };
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FASTIFY_MESSAGES: Record<string, (error: FastifyLikeError, limits: { maxBodyBytes: number }) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_error, limits) => `Request body is too large (limit ${limits.maxBodyBytes} bytes)`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (error) => `Unsupported media type: ${error.message ?? ''}`.trim(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'Request body size did not match Content-Length',
};

/** SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), the file system's ENOSPC, the storage's own marker. */
const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', '53100', 'ENOSPC', 'storage_full']);

/** True when the error, or one of its causes, says the database or its disk is full. */
export function isStorageFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && STORAGE_FULL_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export const STORAGE_FULL_DETAIL = 'Insufficient storage: the database is full; free disk space and retry';

/**
 * Maps anything thrown by a handler or hook to a status and a JSON body: AppErrors by category
 * (404, 409, 422, …), the edge's own errors as they are, fastify's 4xx with a readable `detail`,
 * and everything else to a 500 that carries no internals.
 */
export function toErrorBody(error: unknown, limits: { maxBodyBytes: number }): ErrorBody {
  if (error instanceof RequestValidationError)
    return { status: 422, body: { detail: error.issues, code: 'validation_error', category: 'validation' } };
  if (error instanceof HttpError)
    return { status: error.statusCode, body: { detail: error.message, code: error.code, category: error.category } };
  // A full disk is the operator's to fix, not a bug: 507 with a clear message (never "cannot rollback").
  if (isStorageFull(error))
    return { status: 507, body: { detail: STORAGE_FULL_DETAIL, code: 'storage_full', category: 'storage' } };
  if (isAppError(error)) {
    const status = statusForAppError(error);
    const { code, category } = error;
    if (status === 422) {
      const issues = (error as AppError & { issues?: FieldIssue[] }).issues ?? [];
      return { status, body: { detail: issuesFromFieldIssues(issues, error.message), code, category } };
    }
    const detail = status >= 500 && category === 'internal' ? 'Internal Server Error' : error.message;
    return { status, body: { detail, code, category } };
  }
  const candidate = (error ?? {}) as FastifyLikeError;
  const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = candidate.code ? FASTIFY_MESSAGES[candidate.code]?.(candidate, limits) : undefined;
    const detail = message ?? candidate.message ?? 'Bad Request';
    return { status, body: { detail, code: candidate.code ?? 'bad_request', category: categoryForStatus(status) } };
  }
  return { status: 500, body: { detail: 'Internal Server Error', code: 'internal_error', category: 'internal' } };
}

/** The body of a 404 for a path no route serves. */
export const NOT_FOUND_BODY: ErrorBody['body'] = { detail: 'Not Found', code: 'not_found', category: 'not_found' };
