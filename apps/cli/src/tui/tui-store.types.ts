import type {
  EventOut,
  Job,
  OnboardingSummary,
  ProjectOut,
  ProtocolRunOut,
  ProtocolSpecOut,
  ProtocolUsageOut,
  QueueStats,
  StepRunOut,
  TasksGodzillaClient,
} from '@tasksgodzilla/client';

/** Where the TUI connects; replaced in memory by the "configure" modal, never persisted. */
export interface TuiSettings {
  apiBase: string;
  token: string | undefined;
  projectToken: string | undefined;
}

export type ClientFactory = (settings: TuiSettings) => TasksGodzillaClient;

export const STEP_FILTERS = [
  'all',
  'pending',
  'running',
  'needs_qa',
  'needs_input',
  'failed',
  'completed',
  'blocked',
  'cancelled',
] as const;
export type StepFilter = (typeof STEP_FILTERS)[number];

export const JOB_FILTERS = ['all', 'queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobFilter = (typeof JOB_FILTERS)[number];

export type StatusTone = 'info' | 'ok' | 'error';
export type LiveState = 'off' | 'connecting' | 'live' | 'error';

export interface TuiState {
  settings: TuiSettings;
  status: { text: string; tone: StatusTone };
  refreshing: boolean;
  live: LiveState;
  liveEnabled: boolean;

  projects: ProjectOut[];
  projectId: number | null;
  onboarding: OnboardingSummary | null;
  branches: string[] | null;
  branch: string | null;

  protocols: ProtocolRunOut[];
  protocolId: number | null;
  spec: ProtocolSpecOut | null;
  usage: ProtocolUsageOut | null;
  steps: StepRunOut[];
  stepId: number | null;
  stepFilter: StepFilter;
  /** The protocol's events, newest first. */
  protocolEvents: EventOut[];

  /** The selected project's (or every project's) newest events. */
  recentEvents: EventOut[];
  event: EventOut | null;

  queueStats: QueueStats | null;
  jobs: Job[];
  jobFilter: JobFilter;
  jobId: string | null;
}

export interface CreateProjectInput {
  name: string;
  gitUrl: string;
  baseBranch: string;
  localPath: string;
  ciProvider: string;
}

export interface CreateProtocolInput {
  name: string;
  baseBranch: string;
  description: string;
  template: string;
  autoAdvance: boolean;
  start: boolean;
}

export interface SpecAuditInput {
  projectId: number | null;
  protocolId: number | null;
  backfill: boolean;
  intervalSeconds: number | null;
}

export interface ImportInput {
  name: string;
  workspacePath: string;
  baseBranch: string;
  description: string;
  enqueue: boolean;
}
