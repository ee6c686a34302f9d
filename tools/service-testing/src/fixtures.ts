import type { Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import { TEST_TIME } from './time.js';

/** Project 7 `demo` on `main`. */
export function project(overrides: Partial<Project> = {}): Project {
  return {
    id: 7,
    name: 'demo',
    git_url: 'file:///dev/null',
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets: null,
    default_models: null,
    created_at: TEST_TIME,
    updated_at: TEST_TIME,
    ...overrides,
  };
}

/** Run 11 of project 7: protocol `0001-demo`, running. */
export function protocolRun(overrides: Partial<ProtocolRun> = {}): ProtocolRun {
  return {
    id: 11,
    project_id: 7,
    protocol_name: '0001-demo',
    status: 'running',
    base_branch: 'main',
    branch_name: '0001-demo',
    worktree_path: null,
    protocol_root: null,
    description: null,
    template_config: null,
    template_source: null,
    auto_advance: false,
    created_at: TEST_TIME,
    updated_at: TEST_TIME,
    ...overrides,
  };
}

/** Step 23 of run 11: `01-build.md`, a running work step. */
export function stepRun(overrides: Partial<StepRun> = {}): StepRun {
  return {
    id: 23,
    protocol_run_id: 11,
    step_index: 1,
    step_name: '01-build.md',
    step_type: 'work',
    status: 'running',
    retries: 0,
    model: null,
    engine_id: null,
    policy: null,
    runtime_state: null,
    summary: null,
    created_at: TEST_TIME,
    updated_at: TEST_TIME,
    ...overrides,
  };
}

/** Engine timeouts of the service suites' configs: long enough for a loaded machine, short for a hang. */
export const ENGINE_TEST_TIMEOUTS = { engineTimeoutSeconds: 20, engineStallTimeoutSeconds: 10 } as const;
