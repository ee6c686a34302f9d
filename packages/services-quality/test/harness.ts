import { ENGINE_TEST_TIMEOUTS } from '@tasksgodzilla/service-testing';
import type { QualityConfig } from '../src/index.js';

export function testConfig(overrides: Partial<QualityConfig> = {}): QualityConfig {
  return {
    qaModel: undefined,
    defaultEngine: 'shell',
    ...ENGINE_TEST_TIMEOUTS,
    tokenBudgetMode: 'strict',
    maxTokensPerStep: undefined,
    ...overrides,
  };
}
