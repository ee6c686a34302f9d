import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { errorMessage, type Clock } from '@tasksgodzilla/core';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { Storage } from '@tasksgodzilla/platform-storage';
import type { Logger } from '@tasksgodzilla/platform-telemetry';
import { createAttemptFence } from '@tasksgodzilla/services-execution';

/**
 * For a step job dead-lettered because its worker died: kills the step processes that worker left
 * running in the worktree when they are on this host (the next execution of the step restores the
 * worktree itself). Best effort: it never throws.
 */
export function createDeadAttemptReaper(deps: {
  storage: Storage;
  git: GitService;
  logger: Logger;
  clock: Clock;
}): (job: QueueJob) => Promise<void> {
  const fence = createAttemptFence({
    git: deps.git,
    host: hostname(),
    pid: process.pid,
    clock: deps.clock,
    staleAfterMs: Number.POSITIVE_INFINITY,
  });
  return async (job) => {
    if (job.job_type !== 'execute_step_job' || job.step_run_id === null) return;
    try {
      const step = await deps.storage.stepRuns.get(job.step_run_id);
      const run = await deps.storage.protocolRuns.get(step.protocol_run_id);
      if (!run.worktree_path || !existsSync(run.worktree_path)) return;
      const killed = await fence.reap(run.worktree_path);
      if (killed.length > 0)
        deps.logger.warn(
          { job_id: job.run_id, step_run_id: step.id, process_groups: killed },
          `killed ${killed.length} process group(s) left by the dead attempt of ${step.step_name}`,
        );
    } catch (error) {
      deps.logger.warn(
        { err: error, job_id: job.run_id },
        `could not reap the dead attempt's processes: ${errorMessage(error)}`,
      );
    }
  };
}
