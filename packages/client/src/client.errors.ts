import { AppError, type ErrorCategory, type FieldIssue, type JsonValue } from '@tasksgodzilla/core';

/** One item of a FastAPI-like 422 `detail` array. */
export interface ValidationIssue {
  loc?: (string | number)[];
  msg: string;
  type?: string;
  input?: unknown;
  [key: string]: unknown;
}

/** The api's `detail`: a message, a list of validation issues, or (rarely) any JSON. */
export type ApiErrorDetail = string | ValidationIssue[] | JsonValue;

export interface ApiErrorInit {
  /** HTTP status; 0 when no response was received (network failure, timeout, abort). */
  status: number;
  detail?: ApiErrorDetail | null;
  requestId?: string | null;
  method?: string;
  url?: string;
  /** Replaces the message built from status and detail. */
  message?: string;
  category?: ErrorCategory;
  code?: string;
  retryable?: boolean;
  cause?: unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Validation failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The status line text the client prints, e.g. `Conflict`; `Validation failed` for 422. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'Error');
}

/** Maps an HTTP status to the core error category (the inverse of the api's mapping). */
export function categoryForStatus(status: number): ErrorCategory {
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'validation';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 408 || status === 504) return 'timeout';
  return 'internal';
}

function codeForStatus(status: number): string {
  switch (categoryForStatus(status)) {
    case 'validation':
      return 'validation_error';
    case 'unauthorized':
      return status === 403 ? 'forbidden' : 'unauthorized';
    case 'not_found':
      return 'not_found';
    case 'conflict':
      return 'conflict';
    case 'timeout':
      return 'timeout';
    default:
      return status === 503 ? 'service_unavailable' : 'server_error';
  }
}

function isValidationIssueList(detail: unknown): detail is ValidationIssue[] {
  return (
    Array.isArray(detail) &&
    detail.every(
      (item) => typeof item === 'object' && item !== null && typeof (item as ValidationIssue).msg === 'string',
    )
  );
}

/** `body.name: Required; body.git_url: Required` for issue lists, the text itself for strings. */
export function formatDetail(detail: ApiErrorDetail | null | undefined): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  if (isValidationIssueList(detail)) {
    return detail
      .map((issue) => (issue.loc && issue.loc.length > 0 ? `${issue.loc.join('.')}: ${issue.msg}` : issue.msg))
      .join('; ');
  }
  return JSON.stringify(detail);
}

function buildMessage(init: ApiErrorInit): string {
  const reason = reasonPhrase(init.status);
  const text = formatDetail(init.detail);
  if (!text || text.toLowerCase() === reason.toLowerCase()) return `${init.status} ${reason}`;
  return `${init.status} ${reason}: ${text}`;
}

/**
 * A failed api call: a non-2xx response (status, `detail`, request id), or no response at all
 * (status 0: network failure, timeout or abort). The category follows the HTTP status, so the cli
 * maps it to exit codes like any other AppError.
 */
export class ApiError extends AppError {
  readonly status: number;
  readonly detail: ApiErrorDetail | null;
  readonly requestId: string | null;
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(init: ApiErrorInit) {
    const status = init.status;
    const category = init.category ?? (status === 0 ? 'internal' : categoryForStatus(status));
    super(category, init.message ?? buildMessage(init), {
      code: init.code ?? (status === 0 ? 'network_error' : codeForStatus(status)),
      retryable:
        init.retryable ??
        (status === 0 || status === 408 || status === 429 || status === 502 || status === 503 || status === 504),
      cause: init.cause,
      details: {
        status,
        detail: init.detail ?? null,
        request_id: init.requestId ?? null,
        method: init.method,
        url: init.url,
      },
    });
    this.status = status;
    this.detail = init.detail ?? null;
    this.requestId = init.requestId ?? null;
    this.method = init.method;
    this.url = init.url;
  }

  /** Field problems of a 422, as core FieldIssues (path without the leading `body`/`query`). */
  get issues(): FieldIssue[] {
    if (!isValidationIssueList(this.detail)) return [];
    return this.detail.map((issue) => {
      const loc = issue.loc ?? [];
      const path =
        loc.length > 1 && (loc[0] === 'body' || loc[0] === 'query' || loc[0] === 'path') ? loc.slice(1) : loc;
      return { path: [...path], message: issue.msg };
    });
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Reads `detail` (or fastify's `message`) from an error body; falls back to the raw text. */
export function parseErrorDetail(text: string): ApiErrorDetail | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    const body = JSON.parse(trimmed) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const record = body as Record<string, unknown>;
      if (record['detail'] !== undefined) return record['detail'] as ApiErrorDetail;
      if (typeof record['message'] === 'string') return record['message'];
    }
    return body as JsonValue;
  } catch {
    return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
  }
}
