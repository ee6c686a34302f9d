import type { CiProvider } from '@tasksgodzilla/core';
import type { CiStatus, CiStatusInput } from '../orchestrator.types.js';

/** The CI report a webhook carries, ready for `handleCiStatus` (the caller adds `protocol_run_id`). */
export type WebhookCiInput = Omit<CiStatusInput, 'protocol_run_id' | 'project_id'>;

/**
 * What one GitHub/GitLab delivery means. `input` is null when the delivery carries no CI state that
 * TasksGodzilla acts on (a ping, a push, a `skipped` check, an opened MR); `ignored_reason` says why.
 */
export interface WebhookInterpretation {
  provider: CiProvider;
  /** Type of the event to record: the GitHub event header, or the GitLab object kind. */
  event_type: string;
  /** The branch or ref named by the payload (not yet stripped of `refs/heads/`), or null. */
  branch: string | null;
  /** The lowercased value that was classified (`conclusion`, else `status`), `''` when none. */
  value: string;
  /** The class of `value`, or null when ignored. */
  status: CiStatus | null;
  input: WebhookCiInput | null;
  ignored_reason: string | null;
}
