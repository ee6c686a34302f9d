import type { EventOut, ProjectOut, ProtocolRunOut, StepRunOut } from '@tasksgodzilla/client';
import { projectFields, protocolRunFields, stepRunFields } from './row-fixtures.js';

// Client DTOs (what the api answers) for UI suites: the cli TUI and the console. Defaults are a fresh,
// pending run 1 of project 1; suites override what they need.

export const FIXTURE_TIME = '2026-11-27T17:00:00.000Z';

export function run(overrides: Partial<ProtocolRunOut> = {}): ProtocolRunOut {
  return {
    ...protocolRunFields({ id: 1, project_id: 1, status: 'pending', branch_name: null, time: FIXTURE_TIME }),
    spec_hash: null,
    spec_validation_status: null,
    spec_validated_at: null,
    ...overrides,
  };
}

export function step(overrides: Partial<StepRunOut> = {}): StepRunOut {
  return {
    ...stepRunFields({
      id: 1,
      protocol_run_id: 1,
      step_index: 0,
      step_name: '00-setup.md',
      status: 'pending',
      time: FIXTURE_TIME,
    }),
    ...overrides,
  };
}

export function event(overrides: Partial<EventOut> = {}): EventOut {
  return {
    id: 1,
    project_id: 1,
    protocol_run_id: 1,
    step_run_id: null,
    event_type: 'planned',
    message: 'Planned.',
    metadata: null,
    created_at: FIXTURE_TIME,
    protocol_name: null,
    project_name: null,
    ...overrides,
  };
}

export function project(overrides: Partial<ProjectOut> = {}): ProjectOut {
  return { ...projectFields({ id: 1, git_url: '/srv/demo.git', time: FIXTURE_TIME }), ...overrides };
}
