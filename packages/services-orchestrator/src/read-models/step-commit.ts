import type { Event, EventType } from '@tasksgodzilla/core';
import type { EventRepository } from '@tasksgodzilla/platform-storage';

/** The event that records a step's execution outcome; its metadata carries the step's commit. */
export const STEP_COMPLETED_EVENT: EventType = 'step_completed';
/** Metadata key of `step_completed` holding the sha of the step's commit (null when nothing was committed). */
export const STEP_COMMIT_SHA_KEY = 'commit_sha';
/** `step_completed` events of a step looked at for its newest commit. */
const COMMIT_LOOKUP_LIMIT = 20;

/** The commit sha an event records, or null (absent, empty or not a string). */
export function commitShaOf(event: Pick<Event, 'metadata'>): string | null {
  const value = event.metadata?.[STEP_COMMIT_SHA_KEY];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The sha of the step's newest commit recorded by a `step_completed` event, or null. */
export async function stepCommitShaOf(
  events: Pick<EventRepository, 'list'>,
  stepRunId: number,
): Promise<string | null> {
  const page = await events.list(
    { step_run_id: stepRunId, event_types: [STEP_COMPLETED_EVENT] },
    { limit: COMMIT_LOOKUP_LIMIT },
  );
  for (const event of page.items) {
    const sha = commitShaOf(event);
    if (sha) return sha;
  }
  return null;
}
