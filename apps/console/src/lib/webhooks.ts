import { isApiError, type WebhookCreate, type WebhookOut } from '@tasksgodzilla/client';

/** The "Add webhook" form as typed. */
export interface WebhookFormValues {
  url: string;
  /** Comma- or space-separated group names and event types. */
  events: string;
  secret: string;
  format: 'json' | 'slack';
}

/** The fields of the form a 422 can name. */
export type WebhookField = 'url' | 'event_filter' | 'secret' | 'format';

const FIELDS: readonly WebhookField[] = ['url', 'event_filter', 'secret', 'format'];

/** The event filter as typed: split on commas and spaces, empty entries dropped, duplicates kept once. */
export function parseEventFilter(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((entry) => entry !== ''))];
}

/**
 * The body of POST /projects/{id}/webhooks. Nothing is checked here: the api validates the url and
 * the filter (its 422 names the field), so the console and the cli report the same problems.
 */
export function webhookCreateBody(values: WebhookFormValues): WebhookCreate {
  const secret = values.secret.trim();
  return {
    url: values.url.trim(),
    event_filter: parseEventFilter(values.events),
    format: values.format,
    ...(secret ? { secret } : {}),
  };
}

/** Whether a secret is set (the api shows `***` or null, never the secret itself). */
export function secretLabel(webhook: Pick<WebhookOut, 'secret'>): 'set' | 'not set' {
  return webhook.secret ? 'set' : 'not set';
}

/** A 422's messages by form field (`event_filter.0` counts as `event_filter`); empty for any other error. */
export function webhookFieldErrors(error: unknown): Partial<Record<WebhookField, string>> {
  const errors: Partial<Record<WebhookField, string>> = {};
  if (!isApiError(error)) return errors;
  for (const issue of error.issues) {
    const field = FIELDS.find((name) => name === issue.path[0]);
    if (field) errors[field] = errors[field] ? `${errors[field]}; ${issue.message}` : issue.message;
  }
  return errors;
}
