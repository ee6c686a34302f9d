import { EVENT_METADATA_SCHEMAS, type Event, type EventType } from '@tasksgodzilla/core';
import type { EventRepository } from '@tasksgodzilla/platform-storage';
import type { z } from 'zod';

/** The event that records a step's execution outcome; its metadata carries the step's commit. */
export const STEP_COMPLETED_EVENT: EventType = 'step_completed';
/** `step_completed` metadata as core's event catalogue types it (its `commit_sha` is the step's commit). */
export type StepCompletedMetadata = z.infer<(typeof EVENT_METADATA_SCHEMAS)['step_completed']>;

/** The part of a `step_completed` event's metadata that records the step's commit (null: nothing committed). */
export function stepCommitMetadata(sha: string | null): Pick<StepCompletedMetadata, 'commit_sha'> {
  return { commit_sha: sha };
}
/** `step_completed` events of a step looked at for its newest commit. */
const COMMIT_LOOKUP_LIMIT = 20;

/** The commit sha an event records, or null (absent, empty or not a string). */
export function commitShaOf(event: Pick<Event, 'metadata'>): string | null {
  const parsed = EVENT_METADATA_SCHEMAS.step_completed.safeParse(event.metadata ?? {});
  const value = parsed.success ? parsed.data.commit_sha : null;
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
