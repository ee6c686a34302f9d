import type { JsonObject, JsonValue } from '@tasksgodzilla/core';

// Requests are options objects (camelCase); events and results are records that end up in events,
// the job ledger and api responses, so they use the original's snake_case like core's domain types.

export const ENGINE_OPERATIONS = ['plan', 'execute', 'qa'] as const;
export type EngineOperation = (typeof ENGINE_OPERATIONS)[number];

/** Filesystem/permission level an engine run gets (Codex's sandbox names; mapped per adapter). */
export const ENGINE_SANDBOXES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type EngineSandbox = (typeof ENGINE_SANDBOXES)[number];

/** How an engine run ended, classified from its event stream (never from the exit code alone). */
export const ENGINE_OUTCOMES = [
  'succeeded',
  'failed',
  'interrupted',
  'permission_denied',
  'budget_exceeded',
  'timeout',
  'stalled',
  'no_terminal_event',
] as const;
export type EngineOutcome = (typeof ENGINE_OUTCOMES)[number];

/** One plan / execute / qa call. */
export interface EngineRequest {
  /** The fully assembled prompt text (CLI engines). The shell engine ignores it. */
  prompt: string;
  /** Model name; null/undefined lets the engine CLI use its own default. */
  model?: string | null;
  /** Directory the engine runs in (the worktree); also passed as the engine's directory flag. */
  workingDir: string;
  /** Defaults per operation: plan and qa `read-only`, execute `workspace-write`. */
  sandbox?: EngineSandbox;
  /** JSON Schema the final message must follow (native where supported, else a prompt instruction). */
  outputSchema?: JsonObject | null;
  /** Kill the run (outcome `stalled`) after this long without any output. Default from engine options. */
  stallTimeoutMs?: number;
  /** Wall-clock limit (outcome `timeout`). Default from engine options. */
  timeoutMs?: number;
  /**
   * Extra environment variables for the child process. The rest of its environment is the allow-list
   * of child-env.ts (base variables and this engine's documented ones), never the whole parent's.
   */
  env?: Record<string, string>;
  /** Variable names the project opted in to pass from the parent's environment (protected ones too). */
  passEnv?: string[];
  /** Applied to every line written to the run log (secret-value redaction). */
  redact?: (text: string) => string;
  /** Called with the pid (= process group id) of every child process the run starts. */
  onProcessStart?: (pid: number) => void;
  /** Aborting kills the process group; outcome `interrupted`. */
  signal?: AbortSignal;
  /** Log file that receives the run's stdout/stderr (appended; parent folders created). */
  logPath?: string | null;
  /** Live normalized events, in order, ending with one `terminal` event. */
  onEvent?: (event: EngineEvent) => void;
  /** USD cap: passed to engines with a native cap; enforced live for engines that report cost. */
  maxBudgetUsd?: number | null;
  /** Token cap, enforced live on the usage the engine reports. */
  maxTokens?: number | null;
  /** Turn cap where the engine has one (Claude Code `--max-turns`). */
  maxTurns?: number | null;
  /** Extra writable roots (Codex and Claude Code `--add-dir`). */
  addDirs?: string[];
  /**
   * Continue this earlier session of the engine: when set and the engine's `capabilities.resume` is
   * true, the adapter resumes that session with `prompt` as the new user message (Codex
   * `exec … resume <id> -`, Claude Code `--resume <id>`, opencode `--session <id>`); otherwise it is
   * ignored and a fresh session starts.
   */
  resumeSessionId?: string | null;
  /** Shell engine, execute and qa: the step file whose fenced blocks run. */
  stepFile?: string | null;
  /** Shell engine, plan: the protocol template folder (plan.md, context.md, log.md, NN-*.md). */
  templateDir?: string | null;
}

export interface EngineUsage {
  input_tokens: number;
  /** Part of input_tokens served from the prompt cache. */
  cached_input_tokens: number;
  output_tokens: number;
  /** Reasoning tokens where the engine reports them separately (already part of output for Codex). */
  reasoning_tokens: number;
  total_tokens: number;
}

export type ToolPhase = 'start' | 'end';

/** The normalized event stream every adapter produces. */
export type EngineEvent =
  | { type: 'session'; session_id: string; model: string | null }
  | { type: 'message'; text: string }
  | { type: 'reasoning'; text: string }
  | {
      type: 'tool';
      phase: ToolPhase;
      name: string;
      call_id: string | null;
      input: JsonValue | null;
      output: string | null;
      exit_code: number | null;
      /** Engine status of the call (`completed`, `failed`, `declined`, `error`, …); null on start. */
      status: string | null;
    }
  | { type: 'file_change'; paths: string[]; changes: { path: string; kind: string }[] }
  | ({
      type: 'usage';
      /** True when the numbers are a running total that replaces earlier ones; false for a delta to add. */
      cumulative: boolean;
      cost_usd: number | null;
    } & EngineUsage)
  | { type: 'approval_request'; detail: string }
  | { type: 'error'; message: string; fatal: boolean }
  | { type: 'terminal'; outcome: EngineOutcome; reason: string | null };

export type EngineEventType = EngineEvent['type'];

/** What a plan / execute / qa call returns. */
export interface EngineResult {
  engine_id: string;
  operation: EngineOperation;
  outcome: EngineOutcome;
  /** Why the outcome is what it is, in a few words (null when it succeeded plainly). */
  reason: string | null;
  /** The model the engine reported using (e.g. Claude's init event), else the one requested, else null. */
  model: string | null;
  session_id: string | null;
  /** Token usage as reported by the engine; null when it reported none. */
  usage: EngineUsage | null;
  /** USD cost as reported by the engine; null when it does not report cost. */
  cost_usd: number | null;
  /** The engine's last message (for the shell engine: a summary, or the QA report). */
  final_message: string | null;
  /** The final message parsed as JSON when an output schema was requested (not validated here). */
  structured_output: JsonValue | null;
  /** Fatal error messages the stream (or the CLI's stderr) carried, in order, each once. */
  errors: string[];
  /** Non-fatal messages (warnings, API retries), in order, each once; never counted as errors. */
  warnings: string[];
  log_path: string | null;
  exit_code: number | null;
  /** Signal that ended the process (e.g. after a kill), else null. */
  signal: string | null;
  duration_ms: number;
  /** Non-JSON stdout lines the adapter skipped (they are still in the log). */
  unparsed_lines: number;
}

export interface EngineCapabilities {
  /** Native JSON-Schema-constrained final message (Codex `--output-schema`, Claude `--json-schema`). */
  structuredOutput: boolean;
  /** Native USD budget cap (Claude `--max-budget-usd`). */
  budgetCap: boolean;
  /** The engine reports USD cost itself. */
  reportsCost: boolean;
  /** Sessions can be resumed. */
  resume: boolean;
  /** Reported usage is the session's running total rather than a per-run delta. */
  usageIsCumulative: boolean;
}

export interface EngineProbeResult {
  engine_id: string;
  /** The executable probed (null for engines that need none). */
  binary: string | null;
  installed: boolean;
  version: string | null;
  error: string | null;
}

export type EngineKind = 'cli' | 'builtin';

/** The engine port. Adapters implement it; the registry holds instances. */
export interface Engine {
  readonly id: string;
  readonly displayName: string;
  readonly kind: EngineKind;
  /** Model used when resolution finds none (null: let the engine decide). */
  readonly defaultModel: string | null;
  readonly capabilities: EngineCapabilities;
  plan(request: EngineRequest): Promise<EngineResult>;
  execute(request: EngineRequest): Promise<EngineResult>;
  qa(request: EngineRequest): Promise<EngineResult>;
  /** plan / execute / qa by name. */
  run(operation: EngineOperation, request: EngineRequest): Promise<EngineResult>;
  /** Whether the engine's executable is installed, and its version. Never throws. */
  probe(): Promise<EngineProbeResult>;
}

/** Timing defaults shared by every engine factory; the runtime passes core Config values. */
export interface EngineRunDefaults {
  /** Default wall-clock limit in ms (Config.engineTimeoutSeconds × 1000). Default 3,600,000. */
  timeoutMs?: number;
  /** Default stall limit in ms (Config.engineStallTimeoutSeconds × 1000). Default 300,000. */
  stallTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL of the process group. Default 2,000. */
  killGraceMs?: number;
}
