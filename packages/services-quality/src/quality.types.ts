import type { Config, Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { EngineOutcome, EngineRegistry, EngineUsage } from '@tasksgodzilla/platform-engines';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { PromptService } from '@tasksgodzilla/services-prompts';
import type { ProtocolSpec, QaPolicy, StepSpec } from '@tasksgodzilla/services-spec';

export type QaVerdict = 'PASS' | 'FAIL';

/** `ERROR` means QA could not give a verdict (engine error, timeout, …): never counted as a pass. */
export type QaOutcome = 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';

export type QualityConfig = Pick<
  Config,
  | 'qaModel'
  | 'defaultEngine'
  | 'engineTimeoutSeconds'
  | 'engineStallTimeoutSeconds'
  | 'tokenBudgetMode'
  | 'maxTokensPerStep'
>;

export interface QualityServiceDeps {
  engines: EngineRegistry;
  git: GitService;
  prompts: PromptService;
  telemetry: TelemetryService;
  config: QualityConfig;
  /**
   * The config's secret values (platform-telemetry `configSecretValues`): redacted, with the
   * project's secret values, from the QA run log, check output, agent answer and report.
   */
  redactValues?: readonly string[];
}

export interface QaInput {
  project: Project;
  run: ProtocolRun;
  step: StepRun;
  spec: ProtocolSpec | null;
  stepSpec: StepSpec | null;
  worktreePath: string;
  protocolRoot: string;
  logPath: string;
  /** `light` adds the brief-QA instruction; default: the step's policy. */
  policyOverride?: QaPolicy;
  jobId?: string | null;
  signal?: AbortSignal;
}

export interface CheckResult {
  command: string;
  exit_code: number | null;
  passed: boolean;
  /** Last lines of the command's output. */
  output_tail: string;
  /** Stopped by the wall-clock or stall limit. */
  timed_out?: boolean;
  /** Why it did not run to its own end (timeout, abort, could not start); null otherwise. */
  error?: string | null;
}

export interface QaResult {
  outcome: QaOutcome;
  policy: QaPolicy;
  /** One report file per step and attempt, under `<protocolRoot>/quality/`; null when skipped. */
  report_path: string | null;
  report: string;
  checks: CheckResult[];
  agent: { verdict: QaVerdict | null; outcome: EngineOutcome; engine_id: string; model: string | null } | null;
  usage: EngineUsage | null;
  cost_usd: number | null;
  prompt_version: string | null;
  error: string | null;
  /** The n of the report file `<stem>-<n>.md`; null when skipped. */
  attempt?: number | null;
  /** One sentence: why the outcome is what it is (also the report's "Result" section). */
  reason?: string;
  /** Set when the budget mode is `warn` and the QA prompt passed the per-step token limit. */
  budget_warning?: string | null;
}

export interface QualityService {
  /** Runs QA per the step's policy (skip, light, full) plus its `checks`; returns the combined outcome. */
  runQa(input: QaInput): Promise<QaResult>;
  /** Verdict of a QA report: tolerant of markdown (`**Verdict:** PASS`, `- Verdict: pass`, headings). */
  determineVerdict(report: string): QaVerdict | null;
  /** Whether QA should run for this step (policy other than skip, or checks declared). */
  shouldEvaluate(stepSpec: StepSpec | null): boolean;
}
