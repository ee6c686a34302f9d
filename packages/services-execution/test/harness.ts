import { loadConfig } from '@tasksgodzilla/core';
import { createEngineRegistry, type Engine } from '@tasksgodzilla/platform-engines';
import {
  ENGINE_TEST_TIMEOUTS,
  workspaceStepInput,
  type StepSuite,
  type Workspace,
} from '@tasksgodzilla/service-testing';
import { createPromptService } from '@tasksgodzilla/services-prompts';
import {
  createExecutionService,
  type ExecuteStepInput,
  type ExecutionConfig,
  type ExecutionService,
  type ExecutionServiceDeps,
} from '../src/index.js';

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

export const NOTHING_SPENT: ExecuteStepInput['spent'] = {
  protocol: { tokens: 0, cost_usd: 0 },
  step: { tokens: 0, cost_usd: 0 },
};

/** Step 23 of the workspace's protocol, without a spec, nothing spent yet. */
export function executeInput(ws: Workspace, overrides: Partial<ExecuteStepInput> = {}): ExecuteStepInput {
  return {
    ...workspaceStepInput(ws),
    spec: null,
    stepSpec: null,
    branch: ws.branch,
    spent: NOTHING_SPENT,
    ...overrides,
  };
}

/**
 * An ExecutionService over the suite's workspace git and telemetry and the given engines (the first
 * is the default engine); `config` and `deps` override the rest.
 */
export function executionService(
  { ws, tel }: StepSuite,
  engines: Engine[],
  config: Partial<ExecutionConfig> = {},
  deps: Partial<Omit<ExecutionServiceDeps, 'config'>> = {},
): ExecutionService {
  const service = createExecutionService({
    engines: createEngineRegistry(engines, { defaultEngineId: engines[0]?.id }),
    git: ws.git,
    prompts: createPromptService(),
    telemetry: tel.telemetry,
    config: testConfig({ defaultEngine: engines[0]?.id ?? 'shell', ...config }),
    ...deps,
  });
  created.add(service);
  return service;
}

const created = new Set<ExecutionService>();

/**
 * Waits for the pushes every service made here has queued (a step's push runs behind it): call it
 * before a test's workspace is removed, so no push runs into a deleted folder.
 */
export async function settleQueuedPushes(): Promise<void> {
  await Promise.all([...created].map((service) => service.settlePushes()));
  created.clear();
}
