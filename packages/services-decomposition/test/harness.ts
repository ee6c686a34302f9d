import { ENGINE_TEST_TIMEOUTS } from '@tasksgodzilla/service-testing';
import type { DecompositionConfig } from '../src/index.js';

export function testConfig(overrides: Partial<DecompositionConfig> = {}): DecompositionConfig {
  return { decomposeModel: undefined, skipSimpleDecompose: false, ...ENGINE_TEST_TIMEOUTS, ...overrides };
}
