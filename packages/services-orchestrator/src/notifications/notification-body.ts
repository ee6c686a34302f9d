import {
  EVENT_TYPE_LABELS,
  NOTIFICATION_GROUPS,
  isEventType,
  type Event,
  type ProjectWebhook,
} from '@tasksgodzilla/core';

/** What a delivery's body is built from. */
export interface NotificationSubject {
  deliveryId: number;
  webhook: Pick<ProjectWebhook, 'format'>;
  event: Event;
  project: { id: number; name: string };
}

/** The named groups (core's NOTIFICATION_GROUPS) an event type belongs to. */
export function groupsOf(eventType: string): string[] {
  return Object.entries(NOTIFICATION_GROUPS)
    .filter(([, types]) => (types as readonly string[]).includes(eventType))
    .map(([group]) => group);
}

function labelOf(eventType: string): string {
  return isEventType(eventType) ? EVENT_TYPE_LABELS[eventType].label : eventType;
}

/**
 * The raw body of a delivery (what is signed and sent): the event as JSON, or for `slack` a
 * Slack-compatible `{ text }` message (incoming webhooks of Slack, Mattermost, Rocket.Chat, Discord's `/slack`).
 */
export function notificationBody({ deliveryId, webhook, event, project }: NotificationSubject): string {
  if (webhook.format === 'slack') {
    const run = event.protocol_name ? ` (${event.protocol_name})` : '';
    return JSON.stringify({ text: `[${project.name}] ${labelOf(event.event_type)}${run}: ${event.message}` });
  }
  return JSON.stringify({
    delivery_id: deliveryId,
    event_type: event.event_type,
    label: labelOf(event.event_type),
    groups: groupsOf(event.event_type),
    project: { id: project.id, name: project.name },
    event: {
      id: event.id,
      event_type: event.event_type,
      message: event.message,
      protocol_run_id: event.protocol_run_id,
      protocol_name: event.protocol_name ?? null,
      step_run_id: event.step_run_id,
      metadata: event.metadata,
      created_at: event.created_at,
    },
  });
}
