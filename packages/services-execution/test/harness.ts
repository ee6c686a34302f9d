import { loadConfig } from '@tasksgodzilla/core';
import { ENGINE_TEST_TIMEOUTS } from '@tasksgodzilla/service-testing';
import type { ExecutionConfig } from '../src/index.js';

export function testConfig(overrides: Partial<ExecutionConfig> = {}): ExecutionConfig {
  const base = loadConfig({});
  return {
    execModel: undefined,
    defaultEngine: 'shell',
    maxTokensPerStep: undefined,
    maxTokensPerProtocol: undefined,
    maxCostUsdPerStep: undefined,
    maxCostUsdPerProtocol: undefined,
    tokenBudgetMode: 'strict',
    ...ENGINE_TEST_TIMEOUTS,
    runsDir: base.runsDir,
    ...overrides,
  };
}
