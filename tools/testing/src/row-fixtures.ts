// The fields a project, protocol run and step run have both as core domain rows and as client DTOs,
// so that the domain fixtures (@tasksgodzilla/service-testing) and the DTO fixtures (./client-fixtures)
// are built by one function each. Typed structurally: this package does not depend on core.

/** Which project: its id, clone URL and the time of both timestamps. */
export interface ProjectSeed {
  id: number;
  git_url: string;
  time: string;
}

/** Project `demo` on `main`, nothing configured. */
export function projectFields({ id, git_url, time }: ProjectSeed) {
  return {
    id,
    name: 'demo',
    git_url,
    base_branch: 'main',
    local_path: null,
    ci_provider: null,
    secrets: null,
    default_models: null,
    created_at: time,
    updated_at: time,
  };
}

/** Which run of protocol `0001-demo`: ids, status, branch and the time of both timestamps. */
export interface ProtocolRunSeed<S extends string> {
  id: number;
  project_id: number;
  status: S;
  branch_name: string | null;
  time: string;
}

/** A run of protocol `0001-demo` on `main`: no worktree, template or description; no auto-advance. */
export function protocolRunFields<S extends string>({ id, project_id, status, branch_name, time }: ProtocolRunSeed<S>) {
  return {
    id,
    project_id,
    protocol_name: '0001-demo',
    status,
    base_branch: 'main',
    branch_name,
    worktree_path: null,
    protocol_root: null,
    description: null,
    template_config: null,
    template_source: null,
    auto_advance: false,
    created_at: time,
    updated_at: time,
  };
}

/** Which step: ids, index, file name, status and the time of both timestamps. */
export interface StepRunSeed<S extends string> {
  id: number;
  protocol_run_id: number;
  step_index: number;
  step_name: string;
  status: S;
  time: string;
}

/** A `work` step never retried: no model, engine, policy, runtime state or summary. */
export function stepRunFields<S extends string>({
  id,
  protocol_run_id,
  step_index,
  step_name,
  status,
  time,
}: StepRunSeed<S>) {
  return {
    id,
    protocol_run_id,
    step_index,
    step_name,
    step_type: 'work' as const,
    status,
    retries: 0,
    model: null,
    engine_id: null,
    policy: null,
    runtime_state: null,
    summary: null,
    created_at: time,
    updated_at: time,
  };
}
