import { ConflictError, type JobRun } from '@tasksgodzilla/core';
import type { OrchestratorContext } from '../orchestrator.context.js';
import type { ExternalRunInput } from '../orchestrator.types.js';

/** Ledger queue of runs started outside the queue (`/codex/runs/start`): no worker claims them. */
export const EXTERNAL_RUNS_QUEUE = 'external';

/**
 * Registers a run started outside the queue as `running` in the job ledger, or restarts one: only
 * a run of the external queue that is still `running` may be restarted (409 otherwise). The log
 * file is prepared by the caller once the run is known to be startable.
 */
export async function startExternalRun(ctx: OrchestratorContext, input: ExternalRunInput): Promise<JobRun> {
  const jobRuns = ctx.deps.storage.jobRuns;
  const existing = await jobRuns.find(input.run_id);
  if (existing && existing.queue !== EXTERNAL_RUNS_QUEUE)
    throw new ConflictError(`Run ${input.run_id} is a queue job; it cannot be restarted here`, {
      code: 'run_is_queue_job',
      details: { run_id: input.run_id },
    });
  if (existing && existing.status !== 'running')
    throw new ConflictError(`Run ${input.run_id} is ${existing.status}; it cannot be restarted`, {
      code: 'run_status_conflict',
      details: { run_id: input.run_id, status: existing.status },
    });
  const logPath = await input.log_path(existing);
  const startedAt = ctx.deps.storage.clock.now().toISOString();
  if (existing)
    return jobRuns.update(input.run_id, {
      log_path: logPath,
      started_at: startedAt,
      ...(input.params !== undefined ? { params: input.params } : {}),
      ...(input.prompt_version !== undefined ? { prompt_version: input.prompt_version } : {}),
    });
  return jobRuns.create({
    project_id: input.project_id,
    run_id: input.run_id,
    job_type: input.job_type,
    status: 'running',
    queue: EXTERNAL_RUNS_QUEUE,
    params: input.params ?? null,
    prompt_version: input.prompt_version ?? null,
    log_path: logPath,
    cost_tokens: input.cost_tokens ?? null,
    cost_cents: input.cost_cents ?? null,
    started_at: startedAt,
  });
}
