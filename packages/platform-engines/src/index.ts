export { ENGINE_OUTCOMES } from './engine.types.js';
export type {
  Engine,
  EngineCapabilities,
  EngineEvent,
  EngineOperation,
  EngineOutcome,
  EngineProbeResult,
  EngineRequest,
  EngineResult,
  EngineSandbox,
  EngineUsage,
} from './engine.types.js';
export { createEngineRegistry } from './engine.registry.js';
export type { EngineRegistry, EngineRegistryOptions } from './engine.registry.js';
export { resolveEngineAndModel } from './engine.resolution.js';
export { probeEngines } from './engine.probe.js';
export { streamEngineRun } from './engine.stream.js';
export { runProcess, signalProcessGroup } from './process-runner.js';
export { projectEngineIsolation } from './child-env.js';
export type { ProjectEngineIsolation } from './child-env.js';
export { openRunLog } from './run-log.js';
export { createCodexEngine } from './adapters/codex.engine.js';
export type { CodexEngineOptions } from './adapters/codex.engine.js';
export { createClaudeCodeEngine } from './adapters/claude-code.engine.js';
export type { ClaudeCodeEngineOptions } from './adapters/claude-code.engine.js';
export { createOpencodeEngine } from './adapters/opencode.engine.js';
export type { OpencodeEngineOptions } from './adapters/opencode.engine.js';
export { SHELL_ENGINE_ID, createShellEngine } from './shell/shell.engine.js';
export type { ShellEngineOptions } from './shell/shell.engine.js';
export { PROTOCOL_PLAN_SCHEMA } from './shell/protocol-template.js';
export { createDefaultEngines } from './default-engines.js';
