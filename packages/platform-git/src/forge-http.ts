import { GitError, errorMessage } from '@tasksgodzilla/core';
import type { ForgeProvider } from './git-service.types.js';

export interface ForgeResponse {
  status: number;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface ForgeRequest {
  provider: ForgeProvider;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/** One REST call; network failures and timeouts become retryable GitErrors, HTTP statuses are returned. */
export async function forgeRequest(request: ForgeRequest): Promise<ForgeResponse> {
  const headers: Record<string, string> = { 'User-Agent': 'tasksgodzilla', ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new GitError(`${request.provider} API ${request.method} ${request.url} failed: ${errorMessage(error)}`, {
      code: 'forge_unreachable',
      retryable: true,
      cause: error,
      details: { provider: request.provider, method: request.method, url: request.url },
    });
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** The forge's own explanation, from `message`/`errors` (GitHub) or `message`/`error` (GitLab). */
export function forgeMessage(response: ForgeResponse): string {
  const body = response.json as { message?: unknown; error?: unknown; errors?: unknown } | undefined;
  const parts: string[] = [];
  if (body && typeof body === 'object') {
    if (body.message !== undefined)
      parts.push(typeof body.message === 'string' ? body.message : JSON.stringify(body.message));
    if (typeof body.error === 'string') parts.push(body.error);
    if (Array.isArray(body.errors)) {
      for (const item of body.errors) {
        if (typeof item === 'string') parts.push(item);
        else if (item && typeof item === 'object' && typeof (item as { message?: unknown }).message === 'string') {
          parts.push((item as { message: string }).message);
        }
      }
    }
  }
  const message = parts.join('; ') || response.text.slice(0, 500);
  return message.trim();
}

/** Maps an unexpected HTTP status to a GitError: auth and client errors are final, 429/5xx retryable. */
export function forgeHttpError(provider: ForgeProvider, action: string, response: ForgeResponse): GitError {
  const { status } = response;
  const message = forgeMessage(response);
  const details = { provider, status, response: response.text.slice(0, 2000) };
  const text = `${provider} API ${action} failed (HTTP ${status})${message ? `: ${message}` : ''}`;
  if (status === 429 || (status === 403 && /rate limit/i.test(message))) {
    return new GitError(text, { code: 'forge_rate_limited', retryable: true, details });
  }
  if (status === 401 || status === 403)
    return new GitError(text, { code: 'forge_auth_failed', retryable: false, details });
  if (status === 404) return new GitError(text, { code: 'forge_not_found', retryable: false, details });
  if (status >= 500) return new GitError(text, { code: 'forge_unavailable', retryable: true, details });
  return new GitError(text, { code: 'forge_request_failed', retryable: false, details });
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
