import {
  errorMessage,
  isAppError,
  type JsonObject,
  type ProtocolRun,
  type StepRun,
  type StepStatus,
} from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { QaResult } from '@tasksgodzilla/services-quality';
import type { QaPolicy } from '@tasksgodzilla/services-spec';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { moveStepRecorded, type StepEventDraft } from './step-events.js';
import { blockRun, enqueueQa, followCompletedStep, followFailedStep, type FollowResult } from './step-flow.js';
import { usageMetadata } from './usage.js';

/** A QA result for a QA run that threw: an ERROR outcome, never a pass. */
export function qaErrorResult(policy: QaPolicy, error: unknown): QaResult {
  return {
    outcome: 'ERROR',
    policy,
    report_path: null,
    report: '',
    checks: [],
    agent: null,
    usage: null,
    cost_usd: null,
    prompt_version: null,
    error: `${isAppError(error) ? `${error.code}: ` : ''}${errorMessage(error)}`,
    reason: `QA could not run: ${errorMessage(error)}`,
  };
}

function qaMetadata(qa: QaResult): JsonObject {
  return {
    outcome: qa.outcome,
    policy: qa.policy,
    report_path: qa.report_path,
    verdict: qa.agent?.verdict ?? null,
    engine_id: qa.agent?.engine_id ?? null,
    model: qa.agent?.model ?? null,
    agent_outcome: qa.agent?.outcome ?? null,
    // Output tails and the report's end feed the next attempt's "what went wrong" (lifecycle/feedback.ts).
    checks: qa.checks.map((c) => ({
      command: c.command,
      exit_code: c.exit_code,
      passed: c.passed,
      timed_out: c.timed_out === true,
      output_tail: (c.output_tail ?? '').slice(-2000),
    })),
    report_tail: qa.outcome === 'PASS' ? null : (qa.report ?? '').slice(-1500) || null,
    prompt_versions: { qa: qa.prompt_version },
    error: qa.error,
    reason: qa.reason ?? null,
    attempt: qa.attempt ?? null,
    usage: usageMetadata('qa', qa.agent?.engine_id ?? null, qa.agent?.model ?? null, qa.usage, qa.cost_usd),
  };
}

/**
 * Applies a QA result to a step that is `needs_qa` (full QA) or `running` (inline QA right after
 * execution): PASS → completed + triggers + completion/auto-advance; FAIL → failed + loop, else the
 * run is blocked; SKIPPED → completed; ERROR → never a pass: full QA blocks the step and the run,
 * inline QA leaves the step waiting for a full QA (enqueued when the run advances by itself).
 */
export async function applyQaResult(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  step: StepRun,
  qa: QaResult,
  options: { inline: boolean; trace?: Trace; extra?: JsonObject },
): Promise<FollowResult> {
  const { inline, trace } = options;
  const metadata = { ...(options.extra ?? {}), ...qaMetadata(qa) };
  const suffix = inline ? ' (inline)' : '';
  const move = (to: StepStatus, summary: string, event: StepEventDraft): Promise<StepRun> =>
    moveStepRecorded(ctx, tx, run, step, { to, patch: { summary } }, event, trace);
  switch (qa.outcome) {
    case 'PASS': {
      const done = await move('completed', `QA verdict: PASS${suffix}`, {
        type: inline ? 'qa_passed_inline' : 'qa_passed',
        message: inline ? 'Inline QA passed.' : 'QA passed.',
        metadata,
      });
      return followCompletedStep(ctx, tx, run.id, done, 'qa_passed', trace);
    }
    case 'FAIL': {
      const failed = await move('failed', `QA verdict: FAIL${suffix}`, {
        type: inline ? 'qa_failed_inline' : 'qa_failed',
        message: inline ? 'Inline QA failed.' : 'QA failed.',
        metadata,
      });
      const follow = await followFailedStep(ctx, tx, run.id, failed, 'qa_failed', trace);
      return { run: follow.run, job: follow.job };
    }
    case 'SKIPPED': {
      const done = await move('completed', 'QA skipped (policy)', {
        type: 'qa_skipped_policy',
        message: 'QA skipped by policy.',
        metadata: { policy: qa.policy },
      });
      return followCompletedStep(ctx, tx, run.id, done, 'qa_skipped_policy', trace);
    }
    case 'ERROR':
    default: {
      if (inline) {
        const waiting = await move('needs_qa', 'Inline QA error; run full QA', {
          type: 'qa_inline_error',
          message: `Inline QA could not give a verdict: ${qa.error ?? 'unknown error'}`,
          metadata,
        });
        if (run.status === 'running' && (run.auto_advance || ctx.config.autoQaAfterExec)) {
          const queued = await enqueueQa(ctx, tx, run, waiting, { source: 'inline_qa_error', trace });
          return { run, job: queued.job };
        }
        return { run, job: null };
      }
      await move('blocked', `QA error: ${qa.error ?? 'no verdict'}`, {
        type: 'qa_error',
        message: `QA could not give a verdict: ${qa.error ?? 'unknown error'}`,
        metadata,
      });
      return { run: await blockRun(tx, run), job: null };
    }
  }
}
