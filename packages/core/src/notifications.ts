import type { IsoTimestamp } from './domain.js';
import { redactSecrets } from './domain.js';
import { EVENT_TYPES, isEventType, type EventType } from './event-catalogue.labels.js';

// Outgoing notifications (per-project webhooks): what a subscription is, which events it selects,
// and what a delivery records. Storage, signing and sending live in the platform packages.

/** Body formats of an outgoing webhook: the event as JSON, or a Slack-compatible `{ text }`. */
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Where a delivery stands: waiting for an attempt (first or retry), delivered, given up, or cancelled. */
export const NOTIFICATION_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * Named groups a webhook's event filter may use besides catalogue event types. `needs_input` is every
 * catalogue type whose name contains `needs_input`, so a type added later joins the group by itself.
 */
export const NOTIFICATION_GROUPS = {
  completed: ['protocol_completed'],
  failed: ['step_execution_failed', 'qa_failed', 'qa_error', 'job_failed', 'open_pr_failed', 'setup_failed'],
  blocked: [
    'planning_failed',
    'spec_validation_error',
    'setup_blocked',
    'repo_missing',
    'repo_clone_failed',
    'codemachine_import_failed',
    'loop_limit_reached',
  ],
  needs_input: EVENT_TYPES.filter((type) => type.includes('needs_input')),
  budget_exceeded: ['budget_exceeded'],
  pr_opened: ['open_pr'],
} as const satisfies Record<string, readonly EventType[]>;
export type NotificationGroup = keyof typeof NOTIFICATION_GROUPS;

function isNotificationGroup(value: string): value is NotificationGroup {
  return Object.hasOwn(NOTIFICATION_GROUPS, value);
}

/** Whether `entry` may appear in an event filter: a group name or a catalogue event type. */
export function isEventFilterEntry(entry: string): boolean {
  return isNotificationGroup(entry) || isEventType(entry);
}

/** The catalogue event types a filter selects (groups expanded), sorted. */
export function expandEventFilter(filter: readonly string[]): string[] {
  const types = new Set<string>();
  for (const entry of filter) {
    if (isNotificationGroup(entry)) for (const type of NOTIFICATION_GROUPS[entry]) types.add(type);
    else if (isEventType(entry)) types.add(entry);
  }
  return [...types].sort();
}

/** Whether a webhook with this filter is notified of an event of this type. */
export function eventFilterMatches(filter: readonly string[], eventType: string): boolean {
  return filter.some((entry) =>
    isNotificationGroup(entry)
      ? (NOTIFICATION_GROUPS[entry] as readonly string[]).includes(eventType)
      : entry === eventType,
  );
}

/** Why `url` cannot be a webhook receiver (an absolute http or https URL without credentials), or null when it can. */
export function webhookUrlIssue(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an absolute http or https URL';
  if (parsed.username || parsed.password) return 'must not carry credentials (use the webhook secret)';
  return null;
}

/** Why `filter` cannot be a webhook's event filter, or null when it can (see isEventFilterEntry). */
export function eventFilterIssue(filter: readonly string[]): string | null {
  if (filter.length === 0) return 'must name at least one event type or group';
  const unknown = filter.filter((entry) => !isEventFilterEntry(entry));
  if (unknown.length > 0)
    return `unknown event type or group: ${unknown.join(', ')} (groups: ${Object.keys(NOTIFICATION_GROUPS).join(', ')})`;
  return null;
}

/** A project's outgoing webhook. `secret` is stored server-side only; clients see `webhookSecretOut`. */
export interface ProjectWebhook {
  id: number;
  project_id: number;
  url: string;
  secret: string | null;
  /** Group names (NOTIFICATION_GROUPS) and catalogue event types. */
  event_filter: string[];
  format: WebhookFormat;
  enabled: boolean;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** One event to deliver to one webhook, and how its attempts went. */
export interface WebhookNotification {
  id: number;
  webhook_id: number;
  project_id: number;
  event_id: number;
  event_type: string;
  status: NotificationStatus;
  /** HTTP attempts made so far. */
  attempts: number;
  /** The receiver's status code of the last attempt (null: no answer, e.g. a timeout). */
  status_code: number | null;
  last_error: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
  last_attempt_at: IsoTimestamp | null;
  next_attempt_at: IsoTimestamp | null;
  delivered_at: IsoTimestamp | null;
}

/** A webhook's secret as clients see it: the same marker as project secrets (`***`) when set, else null. */
export function webhookSecretOut(secret: string | null): string | null {
  return redactSecrets(secret === null ? null : { secret })?.secret ?? null;
}
