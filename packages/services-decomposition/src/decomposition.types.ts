import type { Config, Project } from '@tasksgodzilla/core';
import type { EngineRegistry, EngineUsage } from '@tasksgodzilla/platform-engines';
import type { TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { PromptService } from '@tasksgodzilla/services-prompts';

export type DecompositionConfig = Pick<
  Config,
  'decomposeModel' | 'skipSimpleDecompose' | 'engineTimeoutSeconds' | 'engineStallTimeoutSeconds'
>;

export interface DecompositionServiceDeps {
  engines: EngineRegistry;
  prompts: PromptService;
  telemetry: TelemetryService;
  config: DecompositionConfig;
  /** The config's secret values (platform-telemetry `configSecretValues`), redacted with the project's. */
  redactValues?: readonly string[];
}

export interface DecomposeInput {
  protocolRoot: string;
  protocolName: string;
  workingDir: string;
  engineId: string;
  model?: string | null;
  skipSimple?: boolean;
  logPath: string;
  signal?: AbortSignal;
  /** Only these step files (default: every numbered step file except 00-setup). */
  files?: string[];
  /**
   * The project whose protocol it is: its opted-in environment is given to the engine and its secret
   * values are redacted from the run log and the rewritten step files (platform-engines
   * `projectEngineIsolation`, as for step execution).
   */
  project?: Pick<Project, 'secrets'> | null;
}

export interface DecomposeResult {
  model: string | null;
  decomposed: string[];
  /** Files left as they were: simple steps, and failed engine runs (also listed in `failed`). */
  skipped: string[];
  usage: EngineUsage | null;
  cost_usd: number | null;
  /** Subset of `skipped`: the engine run failed or its answer was unusable; the file was kept. */
  failed?: string[];
  /** Why each skipped file was skipped (`simple step`, `engine run timeout: …`, `empty answer`, …). */
  reasons?: Record<string, string>;
}

export interface DecompositionService {
  /** Rewrites each eligible step file with the engine's refined version (never emptied on a failed run). */
  decomposeProtocol(input: DecomposeInput): Promise<DecomposeResult>;
  /** Decomposes one step file. */
  decomposeStep(input: DecomposeInput & { file: string }): Promise<DecomposeResult>;
  /** The original's heuristic, with numbered-list bullets counted (its regex defect fixed). */
  isSimpleStep(content: string): boolean;
}
