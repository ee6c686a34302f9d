import { ApiError } from './client.errors.js';
import type { EventOut, StreamEventsParams } from './client.types.js';
import { buildHeaders, buildUrl, describeCause, responseError, transportError, type HttpConfig } from './http.js';
import { readSseStream, SseParser } from './sse-parser.js';

export const EVENTS_STREAM_PATH = '/events/stream';
const DEFAULT_RETRY_MS = 500;
const DEFAULT_MAX_RETRY_MS = 10_000;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isEventOut(value: unknown): value is EventOut {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EventOut).event_type === 'string' &&
    (value as EventOut).id !== undefined
  );
}

function parseEvent(data: string): EventOut | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    return isEventOut(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A 4xx (other than 408/429) will not get better by reconnecting. */
function isFatal(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

/**
 * `GET /events/stream` as an async iterable of events. Reconnects after a drop (or an idle
 * timeout) with `Last-Event-ID` so no event is lost or repeated, backing off exponentially while
 * connections fail. Aborting `signal` or breaking out of the loop closes the connection and ends
 * the iteration without an error; 4xx answers (401, 404, 422…) throw an ApiError.
 */
export async function* streamEventsFrom(
  config: HttpConfig,
  params: StreamEventsParams = {},
): AsyncGenerator<EventOut, void, undefined> {
  const signal = params.signal;
  const reconnect = params.reconnect ?? true;
  const maxRetries = params.maxRetries ?? Number.POSITIVE_INFINITY;
  const maxDelay = params.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_MS;
  let baseDelay = params.retryDelayMs ?? DEFAULT_RETRY_MS;
  let lastEventId =
    params.last_event_id === undefined || params.last_event_id === null ? '' : String(params.last_event_id);
  let failures = 0;
  const url = buildUrl(config.baseUrl, EVENTS_STREAM_PATH, {
    project_id: params.project_id,
    protocol_run_id: params.protocol_run_id,
  });

  while (!signal?.aborted) {
    const connection = new AbortController();
    const onAbort = () => connection.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idleFired = false;
    const armIdle = () => {
      if (!params.idleTimeoutMs) return;
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleFired = true;
        connection.abort();
      }, params.idleTimeoutMs);
    };
    let received = false;
    const onChunk = () => {
      received = true;
      armIdle();
    };
    const parser = new SseParser(lastEventId);
    let lastError: unknown;
    try {
      const extra: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
      if (lastEventId) extra['Last-Event-ID'] = lastEventId;
      const headers = buildHeaders(
        config,
        { requestId: params.requestId, projectToken: params.projectToken, headers: params.headers },
        true,
        extra,
      );
      armIdle();
      let response: Response;
      try {
        response = await config.fetch(url, { method: 'GET', headers, signal: connection.signal });
      } catch (error) {
        throw transportError(error, {
          baseUrl: config.baseUrl,
          method: 'GET',
          url,
          timeoutMs: 0,
          timedOut: false,
          aborted: false,
          requestId: params.requestId,
        });
      }
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        throw responseError(response, text, 'GET', url);
      }
      if (!response.body)
        throw new ApiError({
          status: response.status,
          method: 'GET',
          url,
          message: `GET ${url}: the api answered without a body`,
        });
      for await (const message of readSseStream(response.body, { parser, onChunk })) {
        lastEventId = message.id;
        const event = parseEvent(message.data);
        // Messages that carry no event (server control messages) are not the caller's concern.
        if (event) yield event;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (isFatal(error)) throw error;
      lastError =
        error instanceof ApiError
          ? error
          : new ApiError({
              status: 0,
              method: 'GET',
              url,
              cause: error,
              code: idleFired ? 'stream_idle' : 'stream_dropped',
              message: idleFired
                ? `GET ${url}: nothing received for ${params.idleTimeoutMs} ms`
                : `GET ${url}: the event stream dropped (${describeCause(error)})`,
            });
    } finally {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      signal?.removeEventListener('abort', onAbort);
      connection.abort();
    }
    if (signal?.aborted) return;
    if (parser.retry !== undefined) baseDelay = parser.retry;
    // A connection that delivered anything (even a heartbeat) was healthy: start the backoff over.
    failures = received ? 0 : failures + 1;
    if (!reconnect || failures > maxRetries) {
      if (lastError !== undefined) throw lastError;
      if (!reconnect) return;
      throw new ApiError({
        status: 0,
        method: 'GET',
        url,
        code: 'stream_closed',
        message: `GET ${url}: the event stream closed ${failures} time(s) in a row without sending anything`,
      });
    }
    // Exponential backoff with jitter, so clients dropped together do not reconnect together.
    const delay = Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1));
    await sleep(Math.round(delay * (0.8 + Math.random() * 0.4)), signal);
  }
}
