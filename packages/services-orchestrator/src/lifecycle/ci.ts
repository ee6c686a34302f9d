import {
  isLegalTransition,
  PROTOCOL_TRANSITIONS,
  providerEventType,
  STEP_TRANSITIONS,
  ValidationError,
  type JsonObject,
  type ProtocolRun,
  type StepRun,
} from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import type { CallOptions, CiStatus, CiStatusInput, CiStatusResult } from '../orchestrator.types.js';
import { routeCiReport } from './ci-routing.js';
import { finalizeRunAfterCommit } from './finalize.js';
import { reopenToFailed, startFeedbackAttempt } from './reopen.js';
import { handleReview } from './reviews.js';
import { isTerminalRun, moveStep } from './run-state.js';
import { blockRun, completeOrAdvance, enqueueQa } from './step-flow.js';

const CI_STATUSES: readonly CiStatus[] = ['running', 'success', 'failure', 'merged', 'review'];

/** A merge closes the run from any active status, through `running` (or `planned`) where the table has no direct edge. */
async function completeMerged(tx: StorageTx, run: ProtocolRun): Promise<ProtocolRun> {
  let current = run;
  if (!isLegalTransition(PROTOCOL_TRANSITIONS, current.status, 'completed')) {
    const via = current.status === 'planning' ? 'planned' : 'running';
    current = await tx.protocolRuns.transition(current.id, { from: current.status, to: via });
  }
  return tx.protocolRuns.transition(current.id, { from: current.status, to: 'completed' });
}

function canMove(step: StepRun, to: StepRun['status']): boolean {
  return step.status === to || isLegalTransition(STEP_TRANSITIONS, step.status, to);
}

/** The CI state kept on the step (`runtime_state.ci`): what the forge last said, never a step status. */
function ciState(input: CiStatusInput, base: JsonObject): JsonObject {
  return {
    provider: input.provider,
    status: input.status,
    conclusion: input.conclusion ?? null,
    url: input.url ?? null,
    sha: input.sha ?? null,
    event_type: base.event_type ?? null,
    check_name: base.check_name ?? null,
  };
}

/**
 * A CI report (the api parses the GitHub/GitLab payload into `status`), routed by repository and
 * branch (`routeCiReport`). On the run's most recently updated step: running → recorded as CI state
 * (`runtime_state.ci`; the step status is not touched: no job runs it); a step waiting for an answer
 * (`needs_input`) is not touched either; success → step needs_qa + QA job (Config.autoQaOnCi) or
 * completed + completion/auto-advance; failure → step failed (a completed step is re-opened), then a new attempt when the run
 * auto-advances and the step has re-openings left (FEEDBACK_REOPEN_LIMIT), else run blocked. merged → run completed
 * from any active status. Terminal runs only get the webhook event.
 */
export async function handleCiStatus(
  ctx: OrchestratorContext,
  input: CiStatusInput,
  options: CallOptions = {},
): Promise<CiStatusResult> {
  if (!input || !CI_STATUSES.includes(input.status)) {
    throw new ValidationError('Invalid CI status', [
      { path: ['status'], message: `must be one of ${CI_STATUSES.join(', ')}` },
    ]);
  }
  if (input.provider !== 'github' && input.provider !== 'gitlab') {
    throw new ValidationError('Invalid CI provider', [{ path: ['provider'], message: 'must be github or gitlab' }]);
  }
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    let run = await routeCiReport(tx, input);
    if (input.status === 'review') return handleReview(ctx, tx, run, input, trace);
    let step = await tx.stepRuns.latest(run.id);
    const eventType = providerEventType(input.event_type || input.provider);
    const base: JsonObject = {
      ...(input.metadata ?? {}),
      provider: input.provider,
      status: input.status,
      conclusion: input.conclusion ?? null,
      branch: input.branch ?? run.branch_name ?? null,
      sha: input.sha ?? null,
      pr_number: input.pr_number ?? null,
      url: input.url ?? null,
      protocol_run_id: run.id,
      step_run_id: step?.id ?? null,
      event_type: eventType,
      repository: input.repository?.full_name ?? input.repository?.urls?.[0] ?? null,
    };
    await ctx.record(
      tx,
      {
        type: eventType,
        message: `${input.provider === 'github' ? 'GitHub' : 'GitLab'} webhook ${eventType} status=${input.status}`,
        run,
        step,
        metadata: base,
      },
      trace,
    );
    let job: QueueJob | null = null;
    let action = 'ignored';

    if (isTerminalRun(run)) return { run, step, job, action };

    if (input.status === 'merged') {
      const completed = await completeMerged(tx, run);
      const type = input.provider === 'github' ? 'pr_merged' : 'mr_merged';
      const message =
        input.provider === 'github' ? 'PR merged; protocol completed' : 'Merge request merged; protocol completed';
      await ctx.record(
        tx,
        {
          type,
          message,
          run: completed,
          metadata: { pr_number: input.pr_number ?? null, branch: base.branch ?? null },
        },
        trace,
      );
      finalizeRunAfterCommit(ctx, tx, await tx.projects.get(run.project_id), completed, { push: false });
      return { run: completed, step, job, action: 'run_completed' };
    }
    if (!step) return { run, step, job, action };

    step = await tx.stepRuns.mergeRuntimeState(step.id, { ci: ciState(input, base) });
    if (input.status === 'running') {
      action = 'ci_running';
    } else if (step.status === 'needs_input') {
      // The step waits on a person's answer: a CI result of earlier commits neither completes nor fails it.
      action = 'recorded';
    } else if (input.status === 'success') {
      if (ctx.config.autoQaOnCi && step.status !== 'completed' && step.status !== 'cancelled') {
        const queued = await enqueueQa(ctx, tx, run, step, {
          source: 'ci_webhook',
          summary: 'CI passed; running QA',
          metadata: { provider: input.provider },
          trace,
        });
        step = queued.step;
        job = queued.job;
        action = 'qa_enqueued';
      } else if (step.status !== 'cancelled') {
        if (step.status !== 'completed') step = await moveStep(tx, step, 'completed', { summary: 'CI passed' });
        const follow = await completeOrAdvance(ctx, tx, run.id, trace);
        run = follow.run;
        job = follow.job;
        action = 'step_completed';
      }
    } else if (step.status === 'running') {
      // An attempt is executing: the failure stays recorded and reaches that attempt's successor as evidence.
      action = 'recorded';
    } else if (step.status !== 'cancelled' && (step.status === 'completed' || canMove(step, 'failed'))) {
      step = await reopenToFailed(tx, step, 'CI failed');
      const evidence: JsonObject = { conclusion: input.conclusion ?? input.status, url: input.url ?? null };
      // A run that advances by itself fixes its own CI failure: a new attempt with the CI evidence.
      const again = run.auto_advance
        ? await startFeedbackAttempt(ctx, tx, run, step, 'ci_failure', evidence, trace)
        : null;
      if (again?.job) {
        ({ run, step, job } = again);
        action = 'step_reopened';
      } else {
        run = await blockRun(tx, run);
        await ctx.record(
          tx,
          { type: eventType, message: 'CI failed; protocol blocked', run, step, metadata: evidence },
          trace,
        );
        action = 'step_failed';
      }
    }
    return { run, step, job, action };
  });
}
