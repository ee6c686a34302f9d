import type { Config, JsonObject, Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import type { EngineOutcome, EngineRegistry, EngineUsage } from '@tasksgodzilla/platform-engines';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { ExecFeedback, PromptService } from '@tasksgodzilla/services-prompts';
import type { ProtocolSpec, StepSpec } from '@tasksgodzilla/services-spec';

/** Token and cost totals already spent, for cumulative budgets. */
export interface UsageTotals {
  tokens: number;
  cost_usd: number;
}

export type ExecutionConfig = Pick<
  Config,
  | 'execModel'
  | 'defaultEngine'
  | 'maxTokensPerStep'
  | 'maxTokensPerProtocol'
  | 'maxCostUsdPerStep'
  | 'maxCostUsdPerProtocol'
  | 'tokenBudgetMode'
  | 'engineTimeoutSeconds'
  | 'engineStallTimeoutSeconds'
  | 'runsDir'
>;

export interface ExecutionServiceDeps {
  engines: EngineRegistry;
  git: GitService;
  prompts: PromptService;
  telemetry: TelemetryService;
  config: ExecutionConfig;
  /** Secret values to redact from run logs and results (platform-telemetry `configSecretValues(config)`). */
  redactValues?: readonly string[];
  /** This machine's name in the worktree's attempt lock. Default `os.hostname()`. */
  host?: string;
}

/** Everything the orchestrator has already resolved for one step run. */
export interface ExecuteStepInput {
  project: Project;
  run: ProtocolRun;
  step: StepRun;
  /** The run's spec (template_config.protocol_spec) and this step's entry, when present. */
  spec: ProtocolSpec | null;
  stepSpec: StepSpec | null;
  /** The protocol worktree (engine working dir, where the commit is made). */
  worktreePath: string;
  /** `<worktree>/.protocols/<protocol_name>`. */
  protocolRoot: string;
  /** Branch of the worktree (pushed when an origin exists). */
  branch: string;
  /** Where the engine's output streams (the job's run log). */
  logPath: string;
  jobId?: string | null;
  requestId?: string | null;
  signal?: AbortSignal;
  /** Spent so far (from the job ledger) for cumulative budgets. */
  spent: { protocol: UsageTotals; step: UsageTotals };
  /** Evidence of the previous attempt: the prompt's "What went wrong last time" section. */
  feedback?: ExecFeedback | null;
  /** Cap of that section in characters (Config.feedbackMaxChars). */
  feedbackMaxChars?: number;
  /**
   * The previous attempt's agent session. Used when the resolved engine is that engine and can resume
   * (`capabilities.resume`) and there is feedback: the session continues with only the feedback as the message.
   */
  resume?: { session_id: string; engine_id: string } | null;
}

/** Dry run: what executeStep would do, without running anything. */
export interface ExecutionPlan {
  engine_id: string;
  model: string | null;
  prompt: string;
  prompt_version: string;
  prompt_path: string | null;
  /** Absolute output paths (never the step's own instruction file unless the spec says so explicitly). */
  outputs: string[];
  estimated_tokens: number;
  sandbox: 'workspace-write';
  /** Budget verdict of the pre-flight check. */
  budget: {
    ok: boolean;
    mode: Config['tokenBudgetMode'];
    message: string | null;
    /** Left before this run (limit − spent); the engine's live caps in `strict` mode. Null: no limit. */
    remaining?: { tokens: number | null; cost_usd: number | null };
  };
  /** Fingerprint of the exec prompt template (prompt_version is the step file's, as the original). */
  template_version?: string;
  /** QA check commands of the step (spec `checks`, else the step file's check blocks, services-spec `extractChecks`). */
  checks?: string[];
  /** The session the engine continues (then `prompt` is the feedback message alone); null: a fresh session. */
  resume_session_id?: string | null;
  /** `fingerprintText` of `prompt`, recorded as what was sent. */
  prompt_fingerprint?: string;
}

export interface ExecuteStepResult {
  /** `succeeded` only when the engine succeeded; the orchestrator decides what follows. */
  outcome: EngineOutcome;
  engine_id: string;
  model: string | null;
  prompt_version: string;
  prompt_path: string | null;
  outputs_written: string[];
  /** The commit made in the worktree after the run (null: nothing to commit, or the run failed before). */
  commit: { sha: string; files: string[] } | null;
  /**
   * The push of the step's branch: after a successful step it is queued (`reason: 'queued'`,
   * `pushed: false`) and runs behind the step's job, in order per worktree; its `step_pushed` or
   * `open_pr_failed` event says how it went (`ExecutionService.settlePushes` waits for it).
   * `reason: 'not_attempted'` when the step did not succeed.
   */
  push: { pushed: boolean; branch: string; error: string | null; reason?: string | null };
  usage: EngineUsage | null;
  cost_usd: number | null;
  estimated_tokens: number;
  final_message: string | null;
  log_path: string;
  /** Human-readable failure reason when outcome is not `succeeded`. */
  error: string | null;
  /** Set when the budget mode is `warn` and a limit was passed. */
  budget_warning: string | null;
  /**
   * The question the agent asked a person (core's `parseNeedsInput` of its final message), with
   * outcome `succeeded`: then nothing was written to the outputs, committed or pushed. Null otherwise.
   */
  question: string | null;
  /** Extra metadata for the `step_completed` / `step_execution_failed` events. */
  metadata: JsonObject;
}

export interface ExecutionService {
  /** Builds the plan (engine, model, prompt, outputs, budget) without running anything. */
  buildExecutionPlan(input: ExecuteStepInput): Promise<ExecutionPlan>;
  /**
   * Runs the step: budget pre-check (strict: throws BudgetExceededError; warn: goes on), engine
   * execute in the worktree, outputs written, commit, the branch's push queued (best effort, with its
   * events, after the call returns); an agent
   * that asked a question (`question`) gets none of these. Returns the
   * result; never changes step or protocol status and never enqueues anything.
   */
  executeStep(input: ExecuteStepInput): Promise<ExecuteStepResult>;
  /**
   * Resolves once the pushes queued by this service for `worktreePath` (for every worktree when
   * omitted) have ended, their events recorded. Call it before pushing the same branch otherwise,
   * before removing the worktree, and before closing the storage the events go to.
   */
  settlePushes(worktreePath?: string): Promise<void>;
  /** How many step pushes this service has queued or running for `worktreePath` (for every worktree when omitted). */
  pendingPushes(worktreePath?: string): number;
}
