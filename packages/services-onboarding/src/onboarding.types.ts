import type { Config, Event, JsonObject, Project, ProtocolRun } from '@tasksgodzilla/core';
import type { EngineRegistry } from '@tasksgodzilla/platform-engines';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { ProjectRepository } from '@tasksgodzilla/platform-storage';
import type { TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { PromptService } from '@tasksgodzilla/services-prompts';
import type { SeedWorktreeInput, SeedWorktreeResult } from './onboarding.seed.js';

export type OnboardingConfig = Pick<
  Config,
  | 'autoClone'
  | 'ghSsh'
  | 'gitUser'
  | 'gitEmail'
  | 'planningModel'
  | 'decomposeModel'
  | 'execModel'
  | 'qaModel'
  | 'discoveryModel'
  | 'discoveryTimeoutSeconds'
  | 'requireOnboardingClarifications'
  | 'defaultEngine'
  | 'projectsRoot'
  | 'engineStallTimeoutSeconds'
>;

export interface OnboardingServiceDeps {
  projects: Pick<ProjectRepository, 'get' | 'update'>;
  git: GitService;
  engines: EngineRegistry;
  prompts: PromptService;
  telemetry: TelemetryService;
  config: OnboardingConfig;
  /**
   * Discovery never gets less wall-clock time than this (seconds), whatever
   * `config.discoveryTimeoutSeconds` says: the original's 15 s default always timed out (defect 25).
   * Default `DISCOVERY_TIMEOUT_FLOOR_SECONDS` (300).
   */
  discoveryTimeoutFloorSeconds?: number;
  /** Folder of starter assets copied into the repository; default the `assets/` shipped with this package. */
  assetsDir?: string;
}

export interface Clarification {
  key: string;
  question: string;
  recommended: unknown;
  options?: unknown[];
  detected?: unknown;
}

export type OnboardingStageKey = 'resolve' | 'discovery' | 'assets' | 'git' | 'clarifications';
export type OnboardingStageStatus = 'pending' | 'running' | 'skipped' | 'warning' | 'blocked' | 'completed' | 'failed';

export interface OnboardingStage {
  key: OnboardingStageKey;
  name: string;
  status: OnboardingStageStatus;
  message: string | null;
  event_type: string | null;
  created_at: string | null;
  /** The deciding event's metadata (the api's OnboardingStage carries it). */
  metadata?: JsonObject | null;
}

export interface OnboardingSummary {
  project_id: number;
  protocol_run_id: number | null;
  status: string;
  workspace_path: string | null;
  hint: string | null;
  stages: OnboardingStage[];
  /** The newest event (the original returned the oldest). */
  last_event: Event | null;
}

export interface ProjectSetupInput {
  project: Project;
  /** The `setup-<project_id>` run; its status is the orchestrator's business. */
  run: ProtocolRun;
  jobId?: string | null;
  logPath: string;
  signal?: AbortSignal;
}

export interface ProjectSetupResult {
  /** What the orchestrator should set the setup run to. */
  status: 'completed' | 'blocked' | 'failed';
  local_path: string | null;
  clarifications: Clarification[];
  blocking: boolean;
  error: string | null;
  details: JsonObject;
}

export interface DiscoveryJobInput {
  project: Project;
  jobId?: string | null;
  logPath: string;
  signal?: AbortSignal;
  /** Run this engine instead of the project's / configured default one. */
  engineId?: string | null;
}

export interface DiscoveryJobResult {
  /** `exists`: the notes were already there, nothing was run. */
  status: 'skipped' | 'exists' | 'completed' | 'warning';
  engine_id: string | null;
  model: string | null;
  /** Why discovery was skipped or did not complete; null when it completed. */
  reason: string | null;
  /** The discovery notes present afterwards, relative to the checkout (`tasksgodzilla/DISCOVERY.md`, …). */
  notes: string[];
  /** The checkout discovery ran in (the project's local_path). */
  path: string | null;
  /** The notes are there: discovery completed now (`completed`) or they already existed (`exists`). */
  succeeded: boolean;
}

export interface OnboardingService {
  /**
   * The onboarding job body: resolve or clone, discovery through the engine registry (an explicit
   * `setup_discovery_skipped` event with the reason when no engine can run), starter assets shipped
   * as package files, git origin and identity, clarifications. Writes the `setup_*` events; records
   * the project's local_path. Returns the status the setup run should take.
   */
  runProjectSetup(input: ProjectSetupInput): Promise<ProjectSetupResult>;
  /**
   * Discovery on its own (the `project_discovery_job` body): the discovery pass of onboarding in the
   * project's recorded checkout, its `setup_discovery_*` events at project level (no run). Skipped
   * (not succeeded) when the project has no checkout yet or no engine can run it.
   */
  runDiscovery(input: DiscoveryJobInput): Promise<DiscoveryJobResult>;
  clarifications(project: Project): Clarification[];
  /** The stage summary the api shows, derived from the setup run and its events (newest first input). */
  summarize(project: Project, run: ProtocolRun | null, events: Event[]): OnboardingSummary;
  /**
   * Commits onboarding's starter assets and discovery notes from the main checkout as the first
   * commit of a freshly created protocol worktree (see seedProtocolWorktree).
   */
  seedWorktree(input: SeedWorktreeInput): Promise<SeedWorktreeResult>;
}
