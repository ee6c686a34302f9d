import {
  errorMessage,
  isAppError,
  type JsonObject,
  type Project,
  type ProtocolRun,
  type StepRun,
} from '@tasksgodzilla/core';
import type { HandlerResult, JobContext } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJob, OrchestratorJobHandler } from '../job-types.js';
import type { ExecuteStepInput, ExecuteStepResult } from '@tasksgodzilla/services-execution';
import type { QaResult } from '@tasksgodzilla/services-quality';
import {
  effectiveQaPolicy,
  specFromTemplateConfig,
  type ProtocolSpec,
  type StepSpec,
} from '@tasksgodzilla/services-spec';
import type { OrchestratorContext, Trace } from '../orchestrator.context.js';
import { settlePushesBeforeRunEnd } from '../lifecycle/finalize.js';
import { applyQaResult, qaErrorResult } from '../lifecycle/qa-outcome.js';
import { failStepIfStill, moveStepRecorded } from '../lifecycle/step-events.js';
import { isTerminalRun, moveStep } from '../lifecycle/run-state.js';
import { blockRun, EXEC_JOB_KEY, enqueueQa, followCompletedStep, followFailedStep } from '../lifecycle/step-flow.js';
import { anyLimit } from '../lifecycle/budget.js';
import { gatherFeedback, type AttemptFeedback } from '../lifecycle/feedback.js';
import { recordQuestion } from '../lifecycle/questions.js';
import { ledgerUsage, usageMetadata } from '../lifecycle/usage.js';
import { ensureRunWorkspace, type RunWorkspace } from '../lifecycle/workspace.js';
import { stepCommitMetadata } from '../read-models/step-commit.js';
import { inStepJobScope, jobLogPath, jobTrace, rethrowIfRunnerOwns, skipped } from './job-scope.js';

/** How QA follows a successful execution: none, inline in this job, or a separate QA job. */
export type QaMode = 'skip' | 'inline' | 'full';

export function qaModeOf(ctx: OrchestratorContext, stepSpec: StepSpec | null): QaMode {
  if (!ctx.deps.quality.shouldEvaluate(stepSpec)) return 'skip';
  // `light`, or `skip` with checks declared: a quick QA right after execution, in the same job.
  return effectiveQaPolicy(stepSpec) === 'full' ? 'full' : 'inline';
}

interface Loaded {
  step: StepRun;
  run: ProtocolRun;
  project: Project;
  spec: ProtocolSpec | null;
  stepSpec: StepSpec | null;
}

/** Puts a step back to pending when its run is paused (or blocked) before the job started. */
async function deferStep(ctx: OrchestratorContext, stepId: number, trace: Trace): Promise<void> {
  await ctx.deps.storage.transaction(async (tx) => {
    const step = await tx.stepRuns.get(stepId);
    if (step.status !== 'running') return;
    const run = await tx.protocolRuns.get(step.protocol_run_id);
    const pending = await tx.stepRuns.transition(
      step.id,
      { from: 'running', to: 'pending' },
      { summary: `Deferred: protocol ${run.status}` },
    );
    await ctx.record(
      tx,
      {
        type: 'step_deferred',
        message: `Step ${step.step_name} put back to pending: the protocol is ${run.status}.`,
        run,
        step: pending,
        metadata: { protocol_status: run.status, phase: 'exec' },
      },
      trace,
    );
  });
}

function resultMetadata(result: ExecuteStepResult): JsonObject {
  return {
    ...result.metadata,
    outcome: result.outcome,
    engine_id: result.engine_id,
    model: result.model,
    prompt_versions: { exec: result.prompt_version },
    prompt_path: result.prompt_path,
    outputs: result.outputs_written,
    commit: result.commit ? { sha: result.commit.sha, files: result.commit.files } : null,
    ...stepCommitMetadata(result.commit?.sha ?? null),
    push: {
      pushed: result.push.pushed,
      branch: result.push.branch,
      error: result.push.error,
      reason: result.push.reason ?? null,
    },
    estimated_tokens: { exec: result.estimated_tokens },
    log_path: result.log_path,
    budget_warning: result.budget_warning,
    error: result.error,
    usage: usageMetadata('exec', result.engine_id, result.model, result.usage, result.cost_usd),
  };
}

async function recordOutcome(
  ctx: OrchestratorContext,
  loaded: Loaded,
  result: ExecuteStepResult,
  mode: QaMode,
  qa: QaResult | null,
  attempt: AttemptFeedback,
  trace: Trace,
): Promise<{ status: string }> {
  return ctx.deps.storage.transaction(async (tx) => {
    const current = await tx.stepRuns.get(loaded.step.id);
    // Cancelled (or moved on by someone else) while it ran: the result is not applied.
    if (current.status !== 'running') return { status: current.status };
    const step = await tx.stepRuns.mergeRuntimeState(current.id, sentState(result, attempt));
    const run = await tx.protocolRuns.get(step.protocol_run_id);
    const metadata = resultMetadata(result);
    if (result.question !== null) {
      // The agent asked a person: nothing was committed; the step waits for an answer.
      const patch = { engine_id: result.engine_id, model: result.model };
      await recordQuestion(
        ctx,
        tx,
        run,
        step,
        { question: result.question, attempt: attempt.attempt, patch },
        metadata,
        trace,
      );
      return { status: 'needs_input' };
    }
    if (result.outcome !== 'succeeded') {
      // The execution service's error is a whole sentence naming the outcome ("Execution timeout: …",
      // "Engine codex could not run: …"): used as it is, never prefixed a second time.
      const failure = result.error ?? `Execution ${result.outcome}: no reason given`;
      const failed = await moveStepRecorded(
        ctx,
        tx,
        run,
        step,
        {
          to: 'failed',
          patch: {
            summary: failure,
            engine_id: result.engine_id,
            model: result.model,
          },
        },
        {
          type: 'step_execution_failed',
          message: `Step ${step.step_name}: ${failure}`,
          metadata,
        },
        trace,
      );
      await followFailedStep(ctx, tx, run.id, failed, 'exec_failed', trace);
      return { status: 'failed' };
    }
    const patch = { engine_id: result.engine_id, model: result.model };
    const message =
      mode === 'skip'
        ? 'Step executed. QA skipped by policy.'
        : mode === 'inline'
          ? 'Step executed. Inline QA ran.'
          : 'Step executed. QA required.';
    await ctx.record(tx, { type: 'step_completed', message, run, step, metadata }, trace);
    if (mode === 'skip') {
      const done = await moveStepRecorded(
        ctx,
        tx,
        run,
        step,
        { to: 'completed', patch: { ...patch, summary: 'Executed; QA skipped by policy' } },
        {
          type: 'qa_skipped_policy',
          message: 'QA skipped by policy.',
          metadata: { policy: effectiveQaPolicy(loaded.stepSpec) },
        },
        trace,
      );
      // One trigger pass for the step: exec_completed first, qa_skipped_policy when nothing fired.
      const follow = await followCompletedStep(ctx, tx, run.id, done, 'exec_completed', trace);
      if (!follow.job)
        await followCompletedStep(ctx, tx, run.id, await tx.stepRuns.get(done.id), 'qa_skipped_policy', trace);
      return { status: 'completed' };
    }
    if (mode === 'inline' && qa) {
      const executed = await tx.stepRuns.update(step.id, patch);
      await applyQaResult(ctx, tx, run, executed, qa, { inline: true, trace, extra: { exec: metadata } });
      return { status: (await tx.stepRuns.get(step.id)).status };
    }
    const waiting = await moveStep(tx, step, 'needs_qa', { ...patch, summary: 'Executed; pending QA' });
    if (run.status === 'running' && (run.auto_advance || ctx.config.autoQaAfterExec)) {
      await enqueueQa(ctx, tx, run, waiting, { source: 'auto_after_exec', trace });
    }
    return { status: 'needs_qa' };
  });
}

/** What this attempt sent (`last_prompt`) and the agent session a later attempt can resume (`session`, kept when none came back). */
function sentState(result: ExecuteStepResult, attempt: AttemptFeedback): JsonObject {
  const sessionId =
    typeof result.metadata.session_id === 'string' && result.metadata.session_id !== ''
      ? result.metadata.session_id
      : null;
  return {
    last_prompt: {
      attempt: attempt.attempt,
      fingerprint: typeof result.metadata.prompt_fingerprint === 'string' ? result.metadata.prompt_fingerprint : null,
      evidence_event_ids: attempt.evidence_event_ids,
      feedback: attempt.feedback !== null,
      resumed_session_id:
        typeof result.metadata.resumed_session_id === 'string' ? result.metadata.resumed_session_id : null,
    },
    ...(sessionId ? { session: { id: sessionId, engine_id: result.engine_id } } : {}),
  };
}

/** A running step whose execution would pass its budget: failed + run blocked (`budget_exceeded`). */
async function recordBudgetExceeded(
  ctx: OrchestratorContext,
  stepId: number,
  error: unknown,
  trace: Trace,
): Promise<void> {
  const details = ((isAppError(error) && error.details) || {}) as JsonObject;
  await failStepIfStill(
    ctx,
    stepId,
    {
      expected: 'running',
      summary: `Budget exceeded: ${errorMessage(error)}`,
      event: () => ({
        type: 'budget_exceeded',
        message: errorMessage(error),
        metadata: { error: errorMessage(error), details },
      }),
    },
    trace,
    (tx, run) => blockRun(tx, run),
  );
}

/** A running step whose engine could not run: failed, then loop, trigger or blocked run. */
async function recordExecutionError(
  ctx: OrchestratorContext,
  stepId: number,
  error: unknown,
  trace: Trace,
): Promise<void> {
  const metadata = {
    error: errorMessage(error),
    error_type: (error as Error)?.name ?? 'Error',
    error_code: isAppError(error) ? error.code : null,
  };
  await failStepIfStill(
    ctx,
    stepId,
    {
      expected: 'running',
      summary: `Execution error: ${errorMessage(error)}`,
      event: (step) => ({
        type: 'step_execution_failed',
        message: `Step ${step.step_name} could not run: ${errorMessage(error)}`,
        metadata,
      }),
    },
    trace,
    (tx, run, failed) => followFailedStep(ctx, tx, run.id, failed, 'exec_failed', trace),
  );
}

async function spentTotals(ctx: OrchestratorContext, step: StepRun): Promise<ExecuteStepInput['spent']> {
  // Read for the limits only (the execution's budget check, the feedback's tokens and USD left): with
  // none set, both are the same without the ledger, so it is not read (two statements per step).
  if (!anyLimit(ctx.config)) return { protocol: { tokens: 0, cost_usd: 0 }, step: { tokens: 0, cost_usd: 0 } };
  const { jobRuns } = ctx.deps.storage;
  const [protocol, own] = await Promise.all([
    jobRuns.usageTotals({ protocol_run_id: step.protocol_run_id }),
    jobRuns.usageTotals({ step_run_id: step.id }),
  ]);
  return {
    protocol: { tokens: protocol.tokens, cost_usd: protocol.cost_cents / 100 },
    step: { tokens: own.tokens, cost_usd: own.cost_cents / 100 },
  };
}

async function execute(
  ctx: OrchestratorContext,
  job: OrchestratorJob<'execute_step_job'>,
  jobCtx: JobContext,
  loaded: Loaded,
): Promise<{ status: string }> {
  const trace = jobTrace(job);
  const logPath = jobLogPath(ctx, job);
  jobCtx.setLogPath(logPath);
  let workspace: RunWorkspace;
  try {
    workspace = await ensureRunWorkspace(ctx, loaded.project, loaded.run);
  } catch (error) {
    rethrowIfRunnerOwns(jobCtx, error);
    await recordExecutionError(ctx, loaded.step.id, error, trace);
    return { status: 'failed' };
  }
  const spent = await spentTotals(ctx, loaded.step);
  const attempt = await gatherFeedback(ctx, loaded.step, spent);
  const input: ExecuteStepInput = {
    project: loaded.project,
    run: loaded.run,
    step: loaded.step,
    spec: loaded.spec,
    stepSpec: loaded.stepSpec,
    worktreePath: workspace.worktreePath,
    protocolRoot: workspace.protocolRoot,
    branch: workspace.branch,
    logPath,
    jobId: job.run_id,
    requestId: trace.requestId ?? null,
    signal: jobCtx.signal,
    spent,
    feedback: attempt.feedback,
    feedbackMaxChars: ctx.config.feedbackMaxChars,
    resume: attempt.resume,
  };
  await ctx.record(
    null,
    {
      type: 'step_started',
      message: `Executing step ${loaded.step.step_name}.`,
      run: loaded.run,
      step: loaded.step,
      metadata: {
        attempt: jobCtx.attempt,
        step_attempt: attempt.attempt,
        retries: loaded.step.retries,
        log_path: logPath,
        evidence_event_ids: attempt.evidence_event_ids,
      },
    },
    trace,
  );
  let result: ExecuteStepResult;
  try {
    result = await ctx.deps.execution.executeStep(input);
  } catch (error) {
    if (jobCtx.signal.aborted) throw jobCtx.signal.reason ?? error;
    if (isAppError(error) && error.category === 'budget') {
      await recordBudgetExceeded(ctx, loaded.step.id, error, trace);
      return { status: 'failed' };
    }
    rethrowIfRunnerOwns(jobCtx, error);
    await recordExecutionError(ctx, loaded.step.id, error, trace);
    return { status: 'failed' };
  }
  jobCtx.addUsage(ledgerUsage(result.usage, result.cost_usd));
  // Cancelled, timed out or shut down while the engine ran: the runner records what happened. Once
  // the attempt's work is committed a late abort cannot undo it: the outcome is recorded (QA waits for
  // its own job), so neither a retried job nor a re-delivery commits the step a second time.
  if (jobCtx.signal.aborted && !result.commit) throw jobCtx.signal.reason;

  const mode = qaModeOf(ctx, loaded.stepSpec);
  let qa: QaResult | null = null;
  if (result.outcome === 'succeeded' && result.question === null && mode === 'inline' && !jobCtx.signal.aborted) {
    try {
      qa = await ctx.deps.quality.runQa({
        ...input,
        step: { ...loaded.step, engine_id: result.engine_id, model: result.model },
        policyOverride: 'light',
      });
      jobCtx.addUsage(ledgerUsage(qa.usage, qa.cost_usd));
    } catch (error) {
      if (jobCtx.signal.aborted) throw jobCtx.signal.reason ?? error;
      qa = qaErrorResult('light', error);
    }
  }
  // A step that completes here (QA skipped, or inline QA passed) may end the run.
  if (result.outcome === 'succeeded' && result.question === null && (mode === 'skip' || qa?.outcome === 'PASS'))
    await settlePushesBeforeRunEnd(ctx, loaded.step, input.worktreePath);
  return recordOutcome(ctx, loaded, result, mode, qa, attempt, trace);
}

/**
 * `execute_step_job`: acts only on a `running` step. A paused or blocked run puts the step back to
 * pending (`step_deferred`); an ended run is left alone. The outcome is applied in one transaction:
 * success → `step_completed`, then QA per policy (skip → completed, light → inline QA, full →
 * needs_qa and a QA job when the run advances by itself); a question to a person (`NEEDS_INPUT:`) →
 * needs_input (`step_needs_input`, nothing committed); failure → failed, loop, trigger, else
 * blocked; budget exceeded → failed + blocked (`budget_exceeded`).
 */
export function createExecuteStepHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'execute_step_job'> {
  return async (job, jobCtx): Promise<HandlerResult> =>
    inStepJobScope(ctx, job, job.payload.step_run_id, async (step, run): Promise<HandlerResult> => {
      if (step.status !== 'running') return skipped(`step is ${step.status}`);
      // An older job of the step (retried by hand after a new attempt started) never runs it a second time.
      const owner = step.runtime_state?.[EXEC_JOB_KEY];
      if (typeof owner === 'string' && owner !== job.run_id) return skipped(`step is running under job ${owner}`);
      if (isTerminalRun(run)) return skipped(`protocol is ${run.status}`);
      if (run.status !== 'running' && run.status !== 'planned') {
        await deferStep(ctx, step.id, jobTrace(job));
        return skipped(`protocol is ${run.status}; step deferred`);
      }
      const spec = specFromTemplateConfig(run.template_config);
      const loaded: Loaded = {
        step,
        run,
        project: await ctx.deps.storage.projects.get(run.project_id),
        spec,
        stepSpec: ctx.deps.spec.getStepSpec(spec, step.step_name),
      };
      const outcome = await execute(ctx, job, jobCtx, loaded);
      return { result: { step_status: outcome.status } };
    });
}
