import type { EventOut, ProjectOut, ProtocolRunOut, StepRunOut } from '@tasksgodzilla/client';

// Client DTOs (what the api answers) for UI suites: the cli TUI and the console. Defaults are a fresh,
// pending run 1 of project 1; suites override what they need.

export const FIXTURE_TIME = '2026-11-27T17:00:00.000Z';

export function run(overrides: Partial<ProtocolRunOut> = {}): ProtocolRunOut {
  return {
    id: 1,
    project_id: 1,
    protocol_name: '0001-demo',
    status: 'pending',
    base_branch: 'main',
    branch_name: null,
    worktree_path: null,
    protocol_root: null,
    description: null,
    template_config: null,
    template_source: null,
    auto_advance: false,
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
    spec_hash: null,
    spec_validation_status: null,
    spec_validated_at: null,
    ...overrides,
  };
}

export function step(overrides: Partial<StepRunOut> = {}): StepRunOut {
  return {
    id: 1,
    protocol_run_id: 1,
    step_index: 0,
    step_name: '00-setup.md',
    step_type: 'work',
    status: 'pending',
    retries: 0,
    model: null,
    engine_id: null,
    policy: null,
    runtime_state: null,
    summary: null,
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
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
  return {
    id: 1,
    name: 'demo',
    git_url: '/srv/demo.git',
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets: null,
    default_models: null,
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
    ...overrides,
  };
}
