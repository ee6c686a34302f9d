import type { Project, ProtocolRun, StepRun } from '@tasksgodzilla/core';
import { projectFields, protocolRunFields, stepRunFields } from '@tasksgodzilla/testing';
import { TEST_TIME } from './time.js';

/** Project 7 `demo` on `main`. */
export function project(overrides: Partial<Project> = {}): Project {
  return { ...projectFields({ id: 7, git_url: 'file:///dev/null', time: TEST_TIME }), ...overrides };
}

/** Run 11 of project 7: protocol `0001-demo`, running. */
export function protocolRun(overrides: Partial<ProtocolRun> = {}): ProtocolRun {
  return {
    ...protocolRunFields({ id: 11, project_id: 7, status: 'running', branch_name: '0001-demo', time: TEST_TIME }),
    ...overrides,
  };
}

/** Step 23 of run 11: `01-build.md`, a running work step. */
export function stepRun(overrides: Partial<StepRun> = {}): StepRun {
  return {
    ...stepRunFields({
      id: 23,
      protocol_run_id: 11,
      step_index: 1,
      step_name: '01-build.md',
      status: 'running',
      time: TEST_TIME,
    }),
    ...overrides,
  };
}

/** Engine timeouts of the service suites' configs: long enough for a loaded machine, short for a hang. */
export const ENGINE_TEST_TIMEOUTS = { engineTimeoutSeconds: 20, engineStallTimeoutSeconds: 10 } as const;
