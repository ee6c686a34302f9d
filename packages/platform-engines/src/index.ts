export { ENGINE_OPERATIONS, ENGINE_OUTCOMES, ENGINE_SANDBOXES } from './engine.types.js';
export type {
  Engine,
  EngineCapabilities,
  EngineEvent,
  EngineEventType,
  EngineKind,
  EngineOperation,
  EngineOutcome,
  EngineProbeResult,
  EngineRequest,
  EngineResult,
  EngineRunDefaults,
  EngineSandbox,
  EngineUsage,
  ToolPhase,
} from './engine.types.js';
export { createEngineRegistry } from './engine.registry.js';
export type { EngineRegistry, EngineRegistryOptions } from './engine.registry.js';
export { resolveEngineAndModel } from './engine.resolution.js';
export type { EnginePhase, EngineResolution, EngineResolutionInput, ResolutionSource } from './engine.resolution.js';
export {
  DEFAULT_ENGINE_STALL_TIMEOUT_MS,
  DEFAULT_ENGINE_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
  defaultSandbox,
} from './engine.request.js';
export { DEFAULT_PROBE_TIMEOUT_MS, parseVersion, probeEngines, probeExecutable } from './engine.probe.js';
export { streamEngineRun } from './engine.stream.js';
export type { EngineRunStream } from './engine.stream.js';
export { runProcess, signalProcessGroup, startProcess } from './process-runner.js';
export {
  buildChildEnv,
  childEnvAllowList,
  ENGINE_CHILD_ENV,
  projectChildEnv,
  projectEngineIsolation,
} from './child-env.js';
export type { ChildEnvInput, ProjectChildEnv, ProjectEngineIsolation } from './child-env.js';
export type { ProcessHandle, ProcessRunOptions, ProcessRunResult, ProcessTermination } from './process-runner.js';
export { openRunLog } from './run-log.js';
export type { RunLog } from './run-log.js';
export { createCliEngine } from './cli-engine.js';
export type {
  CliEngineDefinition,
  CliEngineOptions,
  CliInvocation,
  CliInvocationInput,
  EngineStreamParser,
  StreamVerdict,
} from './cli-engine.js';
export { emptyUsage } from './usage-tracker.js';
export { parseStructuredOutput } from './structured-output.js';
export { CODEX_ENGINE_ID, buildCodexInvocation, createCodexEngine } from './adapters/codex.engine.js';
export type { CodexEngineOptions } from './adapters/codex.engine.js';
export { createCodexStreamParser } from './adapters/codex.stream.js';
export {
  CLAUDE_CODE_ENGINE_ID,
  CLAUDE_READ_ONLY_TOOLS,
  CLAUDE_WORKSPACE_WRITE_TOOLS,
  buildClaudeCodeInvocation,
  createClaudeCodeEngine,
} from './adapters/claude-code.engine.js';
export type { ClaudeCodeEngineOptions } from './adapters/claude-code.engine.js';
export { createClaudeCodeStreamParser } from './adapters/claude-code.stream.js';
export {
  OPENCODE_ENGINE_ID,
  buildOpencodeInvocation,
  createOpencodeEngine,
  opencodePermissions,
} from './adapters/opencode.engine.js';
export type { OpencodeEngineOptions } from './adapters/opencode.engine.js';
export { createOpencodeStreamParser } from './adapters/opencode.stream.js';
export type { OpencodeStreamOptions } from './adapters/opencode.stream.js';
export { SHELL_ENGINE_ID, createShellEngine } from './shell/shell.engine.js';
export type { ShellEngineOptions } from './shell/shell.engine.js';
export { PROTOCOL_PLAN_SCHEMA, readProtocolTemplate } from './shell/protocol-template.js';
export type { ProtocolPlan } from './shell/protocol-template.js';
export { parseStepFile } from './shell/step-file.js';
export type { ParsedStepFile, ShellBlock } from './shell/step-file.js';
export { formatQaReport } from './shell/qa-report.js';
export type { QaCheckResult, QaVerdict } from './shell/qa-report.js';
export { createDefaultEngines } from './default-engines.js';
export type { EngineConfig } from './default-engines.js';
