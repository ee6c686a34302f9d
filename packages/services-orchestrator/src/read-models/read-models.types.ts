import type { Event, JobRun, Page, PageRequest, Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type {
  EventFilter,
  JobRunFilter,
  ProjectListFilter,
  ProtocolRunListFilter,
  Storage,
} from '@tasksgodzilla/platform-storage';
import type { OnboardingService, OnboardingSummary } from '@tasksgodzilla/services-onboarding';
import type { SpecService } from '@tasksgodzilla/services-spec';
import type { NotificationReads } from '../notifications/notifications.types.js';

/** What the read models need: reads of storage, the spec hash and the onboarding summary. */
export interface ReadModelDeps {
  storage: Pick<
    Storage,
    'projects' | 'protocolRuns' | 'stepRuns' | 'events' | 'jobRuns' | 'projectWebhooks' | 'webhookNotifications'
  >;
  spec: Pick<SpecService, 'hash'>;
  onboarding: Pick<OnboardingService, 'summarize'>;
}

/** The validation of a run's protocol spec, as clients see it (`template_config.spec_meta` or the events). */
export interface SpecValidation {
  status: 'valid' | 'invalid' | null;
  errors: string[] | null;
  validated_at: string | null;
}

/** A run with the fields derived from its spec. */
export interface ProtocolRunView {
  run: ProtocolRun;
  spec_hash: string | null;
  validation: SpecValidation;
}

/** The onboarding of a project: the summary of its setup run and that run's newest events. */
export interface OnboardingView {
  summary: OnboardingSummary;
  events: Event[];
}

/**
 * The query side of the orchestrator: every read an edge (api, cli) makes, typed, without access to
 * the writes of storage. Facts that live in events or in template_config (spec validation, a step's
 * commit) are interpreted here, next to the code that writes them, not by each reader.
 */
export interface OrchestratorReadModels extends NotificationReads {
  project(id: number): Promise<Project | null>;
  /** Newest first; `filter.ids` keeps only those projects. */
  projects(page?: PageRequest, filter?: ProjectListFilter): Promise<Page<Project>>;
  protocolRun(id: number): Promise<ProtocolRun | null>;
  /** The run and its project in one read (the access check of a run's routes), or null without the run. */
  protocolRunWithProject(id: number): Promise<{ run: ProtocolRun; project: Project } | null>;
  protocolRuns(filter?: ProtocolRunListFilter, page?: PageRequest): Promise<Page<ProtocolRun>>;
  step(id: number): Promise<StepRun | null>;
  /** The run's steps by index. */
  steps(protocolRunId: number): Promise<StepRun[]>;
  /** A page of the run's steps by index (default 50 a page; the cursor is opaque). */
  stepPage(protocolRunId: number, page?: PageRequest): Promise<Page<StepRun>>;
  /** Newest first, with protocol and project names. */
  events(filter?: EventFilter, page?: PageRequest): Promise<Page<Event>>;
  /** Oldest first, strictly after `afterId` (resumable streams). */
  eventsAfter(afterId: number, filter?: EventFilter, limit?: number): Promise<Event[]>;
  jobRun(runId: string): Promise<JobRun | null>;
  /** The job ledger, newest first. */
  jobRuns(filter?: JobRunFilter, page?: PageRequest): Promise<Page<JobRun>>;
  /** The hash of the run's `protocol_spec`, or null without one. */
  specHash(run: ProtocolRun): string | null;
  specValidation(run: ProtocolRun): Promise<SpecValidation>;
  /** The run with its spec hash and validation. */
  protocolRunView(run: ProtocolRun): Promise<ProtocolRunView>;
  /** The log of the step's newest job (execution or QA) that recorded one, or null. */
  stepLogPath(stepRunId: number): Promise<string | null>;
  /** The sha of the step's newest recorded commit (from its `step_completed` events), or null. */
  stepCommitSha(stepRunId: number): Promise<string | null>;
  onboarding(project: Project): Promise<OnboardingView>;
}
