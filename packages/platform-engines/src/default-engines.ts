import type { Config } from '@tasksgodzilla/core';
import { createClaudeCodeEngine } from './adapters/claude-code.engine.js';
import { createCodexEngine } from './adapters/codex.engine.js';
import { createOpencodeEngine } from './adapters/opencode.engine.js';
import type { Engine, EngineRunDefaults } from './engine.types.js';
import { createShellEngine } from './shell/shell.engine.js';

export type EngineConfig = Pick<
  Config,
  'codexBin' | 'claudeBin' | 'opencodeBin' | 'engineTimeoutSeconds' | 'engineStallTimeoutSeconds'
>;

/** The four built-in engines (codex, claude-code, opencode, shell) configured from core Config values. */
export function createDefaultEngines(
  config: EngineConfig,
  overrides: Pick<EngineRunDefaults, 'killGraceMs'> = {},
): Engine[] {
  const defaults: EngineRunDefaults = {
    timeoutMs: config.engineTimeoutSeconds * 1000,
    stallTimeoutMs: config.engineStallTimeoutSeconds * 1000,
    ...overrides,
  };
  return [
    createCodexEngine({ ...defaults, binary: config.codexBin }),
    createClaudeCodeEngine({ ...defaults, binary: config.claudeBin }),
    createOpencodeEngine({ ...defaults, binary: config.opencodeBin }),
    createShellEngine(defaults),
  ];
}
