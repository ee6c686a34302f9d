import type { Clock, Config } from '@tasksgodzilla/core';
import type { Engine, EngineRegistry } from '@tasksgodzilla/platform-engines';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { JobQueue, QueueStats, WorkerRunner } from '@tasksgodzilla/platform-queue';
import type { DatabaseHandle, Storage } from '@tasksgodzilla/platform-storage';
import type { Logger, Metrics, TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { DecompositionService } from '@tasksgodzilla/services-decomposition';
import type { ExecutionService } from '@tasksgodzilla/services-execution';
import type { OnboardingService } from '@tasksgodzilla/services-onboarding';
import type { OrchestratorReadModels, OrchestratorService } from '@tasksgodzilla/services-orchestrator';
import type { PromptService } from '@tasksgodzilla/services-prompts';
import type { QualityService } from '@tasksgodzilla/services-quality';
import type { SpecService } from '@tasksgodzilla/services-spec';

/** What tests and embedders may replace; everything else is built from the Config. */
export interface RuntimeOverrides {
  /** The engines to register (default: codex, claude-code, opencode and shell from the Config). */
  engines?: Engine[];
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** Environment of git/gh/glab child processes (default: the parent's). */
  gitEnv?: Record<string, string | undefined>;
}

export interface RuntimeServices {
  orchestrator: OrchestratorService;
  /** The orchestrator's typed reads (what the api presents), without access to storage writes. */
  reads: OrchestratorReadModels;
  onboarding: OnboardingService;
  spec: SpecService;
  prompts: PromptService;
  execution: ExecutionService;
  quality: QualityService;
  decomposition: DecompositionService;
}

export interface WorkerOptions {
  /** Jobs at once (default Config.workerConcurrency). */
  concurrency?: number;
  workerId?: string;
  queues?: string[];
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** How long an aborted job may take to settle (default the runner's 5 s). */
  abortGraceMs?: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  db: { ok: boolean; backend: 'sqlite' | 'postgres'; location: string; error?: string };
  queue: { ok: boolean; backend: 'embedded' | 'bullmq'; stats?: QueueStats; error?: string };
}

export interface Runtime {
  readonly config: Readonly<Config>;
  readonly db: DatabaseHandle;
  readonly storage: Storage;
  readonly queue: JobQueue;
  readonly telemetry: TelemetryService;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly engines: EngineRegistry;
  /** The services' GitService, except that `showCommit` (the step diff) redacts the config's and its project's secret values. */
  readonly git: GitService;
  readonly services: RuntimeServices;
  /** A worker runner over the orchestrator's job handlers (not started; call start(), runOnce() or drain()). */
  createWorker(options?: WorkerOptions): WorkerRunner;
  /** Database and queue reachability; `degraded` when either fails. Never throws. */
  health(): Promise<HealthReport>;
  /**
   * Migrates the database to the latest schema and starts the notification relay (events to webhook
   * deliveries); with BullMQ also starts the outbox relay. Idempotent.
   */
  start(): Promise<void>;
  /** Stops the workers it created, the relays, the queue and the database. Idempotent. */
  close(): Promise<void>;
}
