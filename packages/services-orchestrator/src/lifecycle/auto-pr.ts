import type { ProtocolRun } from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import { enqueueWithEvent, runJobPayload, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import { autoPrMode } from './feedback-settings.js';

/**
 * After planning, a run whose `auto_pr` (template_config, else Config.autoPr) is `draft` or `ready`
 * gets its `open_pr_job` in the same transaction (`open_pr_enqueued {source: auto_pr, mode}`). The PR
 * follows the branch, so every step's push keeps it up to date; a re-plan finds it already open.
 */
export async function enqueueAutoPr(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  trace?: Trace,
): Promise<QueueJob | null> {
  const mode = autoPrMode(run, ctx.config);
  if (mode === 'off' || !run.branch_name) return null;
  return enqueueWithEvent(
    ctx,
    tx,
    { type: 'open_pr_job', payload: runJobPayload(run) },
    {
      type: 'open_pr_enqueued',
      message: `Open PR/MR job enqueued (auto_pr: ${mode}).`,
      run,
      metadata: { source: 'auto_pr', mode },
    },
    trace,
  );
}
