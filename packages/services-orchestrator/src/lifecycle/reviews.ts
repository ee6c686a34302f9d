import type { JsonObject, ProtocolRun } from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CiStatusInput, CiStatusResult } from '../orchestrator.types.js';
import { REVIEW_COMMENT_EVENT } from './feedback.js';
import { reactsToReviews } from './feedback-settings.js';
import { FEEDBACK_REOPEN_LIMIT, reopensOf, startFeedbackAttempt } from './reopen.js';
import { isTerminalRun, moveStep } from './run-state.js';

/**
 * A review or review comment on the run's PR/MR: recorded as `review_comment` on the run's latest
 * step (it is evidence for that step's next attempt). When the run reacts to reviews
 * (`template_config.react_to_reviews`, else Config.reactToReviews), the comment is not an approval,
 * the run is running and the step is not executing, a new attempt of the step starts at once
 * (`step_retry_enqueued {source: review_comment}`, bounded by FEEDBACK_REOPEN_LIMIT).
 */
export async function handleReview(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  input: CiStatusInput,
  trace: Trace,
): Promise<CiStatusResult> {
  const review = input.review;
  let step = await tx.stepRuns.latest(run.id);
  const metadata: JsonObject = {
    provider: input.provider,
    webhook_event: input.event_type ?? null,
    author: review?.author ?? null,
    body: review?.body ?? '',
    state: review?.state ?? null,
    path: review?.path ?? null,
    line: review?.line ?? null,
    url: review?.url ?? input.url ?? null,
    pr_number: input.pr_number ?? null,
    branch: input.branch ?? run.branch_name ?? null,
  };
  const who = review?.author ? `@${review.author}` : 'A reviewer';
  await ctx.record(
    tx,
    {
      type: REVIEW_COMMENT_EVENT,
      message: `${who} commented on the ${input.provider === 'github' ? 'PR' : 'MR'}.`,
      run,
      step,
      metadata,
    },
    trace,
  );
  const eligible =
    step !== null &&
    !isTerminalRun(run) &&
    run.status === 'running' &&
    review?.state !== 'approved' &&
    reactsToReviews(run, ctx.config) &&
    reopensOf(step) < FEEDBACK_REOPEN_LIMIT &&
    ['completed', 'failed', 'blocked', 'pending', 'needs_qa'].includes(step.status);
  if (!eligible || !step) return { run, step, job: null, action: 'review_recorded' };
  // `completed` has one way out (pending); the others go straight to running.
  if (step.status === 'completed') step = await moveStep(tx, step, 'pending', { summary: 'Review comment' });
  const again = await startFeedbackAttempt(
    ctx,
    tx,
    run,
    step,
    'review_comment',
    { author: metadata.author ?? null, url: metadata.url ?? null },
    trace,
  );
  return { run: again.run, step: again.step, job: again.job, action: 'step_reopened' };
}
