import { errorMessage } from '@tasksgodzilla/core';

/** The signature header of an outgoing webhook: `sha256=<hex HMAC-SHA256 of the raw body>` (as GitHub's `X-Hub-Signature-256`). */
export const WEBHOOK_SIGNATURE_HEADER = 'X-TasksGodzilla-Signature-256';
/** The event type the delivery carries. */
export const WEBHOOK_EVENT_HEADER = 'X-TasksGodzilla-Event';
/** The delivery's id: the same on every retry of one delivery, so a receiver can drop repeats. */
export const WEBHOOK_DELIVERY_HEADER = 'X-TasksGodzilla-Delivery';

/** How much of a failing receiver's answer is kept in the delivery log. */
const ANSWER_EXCERPT = 300;

/**
 * `sha256=` and the hex HMAC-SHA256 of `body` (UTF-8) keyed with `secret`. node:crypto is loaded here,
 * not imported: a bundle runs its imports at start, and an idle worker need not initialise OpenSSL.
 */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${process.getBuiltinModule('node:crypto').createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface WebhookRequest {
  url: string;
  /** The raw JSON body, sent and signed exactly as given. */
  body: string;
  /** Signs the body when set; no signature header without it. */
  secret: string | null;
  eventType: string;
  deliveryId: string;
}

/** What one POST came to: `ok` for a 2xx answer; `statusCode` null when no answer came (refused, timeout). */
export interface WebhookResult {
  ok: boolean;
  statusCode: number | null;
  /** Null on success; else the status and an excerpt of the answer, or the network error. */
  error: string | null;
}

export interface WebhookSender {
  /** POSTs one delivery; never throws (every failure is a result). */
  send(request: WebhookRequest): Promise<WebhookResult>;
}

export interface WebhookSenderOptions {
  /** Limit of the whole call: connect, send, and read the answer. */
  timeoutMs: number;
  /** Default `tasksgodzilla-webhook`. */
  userAgent?: string;
}

/** Outgoing webhook calls over Node's fetch, each bounded by `timeoutMs`, so a slow receiver costs at most that. */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  return {
    async send(request) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': options.userAgent ?? 'tasksgodzilla-webhook',
        [WEBHOOK_EVENT_HEADER]: request.eventType,
        [WEBHOOK_DELIVERY_HEADER]: request.deliveryId,
      };
      if (request.secret !== null) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(request.secret, request.body);
      try {
        const response = await fetch(request.url, {
          method: 'POST',
          headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const text = await response.text();
        if (response.ok) return { ok: true, statusCode: response.status, error: null };
        const excerpt = text.trim().slice(0, ANSWER_EXCERPT);
        return {
          ok: false,
          statusCode: response.status,
          error: `HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
        };
      } catch (error) {
        // Duck-typed: fetch's errors may come from another realm (instanceof Error fails there).
        const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
          name?: unknown;
          cause?: unknown;
        };
        const timedOut = name === 'TimeoutError';
        // fetch reports "fetch failed"; the reason (ECONNREFUSED, DNS, TLS) is its cause.
        const reason = cause !== undefined ? `: ${errorMessage(cause)}` : '';
        return {
          ok: false,
          statusCode: null,
          error: timedOut ? `no answer within ${options.timeoutMs} ms` : `${errorMessage(error)}${reason}`,
        };
      }
    },
  };
}
