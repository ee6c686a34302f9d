import type { CiProvider, ProjectIssueSettings, ProtocolRun } from '@tasksgodzilla/core';
import type { ForgeIssue } from '@tasksgodzilla/platform-git';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { CiRepositoryRef } from '../orchestrator.types.js';

/** The issue a delivery (or a forge API read) is about: platform-git's `ForgeIssue`. */
export type IssueFacts = ForgeIssue;

/**
 * What an issue delivery means. `trigger`: `opened` (the issue was opened, or reopened; it counts when
 * it carries the project's label), `labeled` (a label was added: it counts when it is the project's
 * label; `added_label` names it), `updated` (GitLab: an update counts when the issue carries the label).
 */
export interface IssueWebhookInterpretation {
  provider: CiProvider;
  /** `issues` (GitHub's event header) or `issue` (GitLab's object kind). */
  event_type: string;
  /** The payload's action (`opened`, `labeled`, `open`, `update`, …). */
  action: string;
  trigger: 'opened' | 'labeled' | 'updated' | null;
  added_label: string | null;
  /** How the delivery names its repository (to find the project). */
  repository_ref: CiRepositoryRef | null;
  issue: IssueFacts | null;
  /** Set when the delivery cannot open a run whatever the project says (a closed issue, an edit). */
  ignored_reason: string | null;
}

export interface IssueDeliveryInput {
  delivery_id: string | null;
  interpretation: IssueWebhookInterpretation;
}

/** One project's answer to an issue: the run opened for it (or found, when it was opened before). */
export interface IssueRunResult {
  run: ProtocolRun;
  /** false: the issue had its run already (a redelivery, a second label); nothing was created. */
  created: boolean;
  /** The planning job when the run was started now. */
  job: QueueJob | null;
}

export interface IssueDeliveryResult {
  /** true: the same delivery was processed before; nothing was done. */
  duplicate: boolean;
  /** The runs opened or found, one per project of the repository whose label the issue carries. */
  runs: IssueRunResult[];
  /** Why nothing was opened, when nothing was (also recorded as `webhook_ignored` on the projects). */
  ignored_reason: string | null;
}

/** `tgz protocols create --from-issue`: an issue URL, or a number on the project's own repository. */
export interface RunFromIssueInput {
  issue: string | number;
}

/** The settings a project stores for issues; omitted keys keep their current (or default) value. */
export interface IssueSettingsInput {
  label?: string;
  auto_start?: boolean;
  auto_advance?: boolean;
  template?: string | null;
}

export type { ProjectIssueSettings };
