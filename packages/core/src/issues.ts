import type { CiProvider, IsoTimestamp } from './domain.js';

/** The label an issue must carry to become a protocol run, when the project sets none. */
export const DEFAULT_ISSUE_LABEL = 'tasksgodzilla';

/** A forge issue linked to the protocol run opened from it (one run per issue and project). */
export interface IssueLink {
  id: number;
  project_id: number;
  protocol_run_id: number;
  provider: CiProvider;
  /** `owner/name` (GitHub) or the project path `group/sub/name` (GitLab). */
  repository: string;
  issue_number: number;
  issue_url: string | null;
  /** The forge's id of the one status comment on the issue, once posted (edited in place afterwards). */
  comment_id: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/**
 * How a project takes issues in. `label`: the label that turns an issue into a run; `auto_start`:
 * plan the run at once; `auto_advance`: the run's steps follow one another by themselves;
 * `template`: the protocol template folder the run plans from (as a protocol's `template`), or null.
 */
export interface ProjectIssueSettings {
  project_id: number;
  label: string;
  auto_start: boolean;
  auto_advance: boolean;
  template: string | null;
  updated_at: IsoTimestamp | null;
}
