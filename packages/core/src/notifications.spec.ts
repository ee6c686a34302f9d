import { EVENT_TYPES, isEventType } from './event-catalogue.labels.js';
import {
  NOTIFICATION_GROUPS,
  eventFilterMatches,
  expandEventFilter,
  isEventFilterEntry,
  eventFilterIssue,
  webhookSecretOut,
  webhookUrlIssue,
} from './notifications.js';

describe('notification event filters', () => {
  it('every group names catalogue event types only', () => {
    for (const types of Object.values(NOTIFICATION_GROUPS)) {
      for (const type of types) expect(isEventType(type)).toBe(true);
    }
    expect(NOTIFICATION_GROUPS.needs_input).toEqual(EVENT_TYPES.filter((type) => type.includes('needs_input')));
  });

  it('accepts group names and catalogue types, refuses anything else', () => {
    expect(isEventFilterEntry('completed')).toBe(true);
    expect(isEventFilterEntry('needs_input')).toBe(true);
    expect(isEventFilterEntry('step_started')).toBe(true);
    expect(isEventFilterEntry('no_such_event')).toBe(false);
    expect(isEventFilterEntry('')).toBe(false);
    expect(isEventFilterEntry('toString')).toBe(false);
  });

  it('matches an event by group or by exact type', () => {
    expect(eventFilterMatches(['completed'], 'protocol_completed')).toBe(true);
    expect(eventFilterMatches(['completed'], 'step_completed')).toBe(false);
    expect(eventFilterMatches(['pr_opened', 'step_started'], 'step_started')).toBe(true);
    expect(eventFilterMatches(['pr_opened'], 'open_pr')).toBe(true);
    expect(eventFilterMatches(['failed'], 'job_failed')).toBe(true);
    expect(eventFilterMatches(['budget_exceeded'], 'budget_exceeded')).toBe(true);
    expect(eventFilterMatches([], 'protocol_completed')).toBe(false);
  });

  it('expands groups into sorted, unique event types', () => {
    expect(expandEventFilter(['completed', 'protocol_completed', 'pr_opened', 'bogus'])).toEqual([
      'open_pr',
      'protocol_completed',
    ]);
  });

  it('shows a webhook secret as the project-secret marker, never its value', () => {
    expect(webhookSecretOut('s3cret-value')).toBe('***');
    expect(webhookSecretOut(null)).toBeNull();
  });
});

describe('webhook input checks', () => {
  it('accepts absolute http(s) URLs without credentials', () => {
    expect(webhookUrlIssue('http://127.0.0.1:8080/hook')).toBeNull();
    expect(webhookUrlIssue('https://hooks.example.com/services/T/B/X')).toBeNull();
    expect(webhookUrlIssue('ftp://example.com/x')).toBe('must be an absolute http or https URL');
    expect(webhookUrlIssue('/relative')).toBe('must be an absolute http or https URL');
    expect(webhookUrlIssue('https://user:pw@example.com/')).toBe('must not carry credentials (use the webhook secret)');
  });

  it('names unknown filter entries and the groups', () => {
    expect(eventFilterIssue(['completed', 'open_pr'])).toBeNull();
    expect(eventFilterIssue([])).toBe('must name at least one event type or group');
    expect(eventFilterIssue(['completed', 'nope'])).toMatch(
      /^unknown event type or group: nope \(groups: completed, failed/,
    );
  });
});
