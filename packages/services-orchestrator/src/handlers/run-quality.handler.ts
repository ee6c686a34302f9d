import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { QaResult } from '@tasksgodzilla/services-quality';
import { effectiveQaPolicy, specFromTemplateConfig } from '@tasksgodzilla/services-spec';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { budgetError, checkPhaseBudget, recordQaOverBudget } from '../lifecycle/budget.js';
import { settlePushesBeforeRunEnd } from '../lifecycle/finalize.js';
import { applyQaResult, qaErrorResult } from '../lifecycle/qa-outcome.js';
import { isTerminalRun } from '../lifecycle/run-state.js';
import { ledgerUsage } from '../lifecycle/usage.js';
import { ensureRunWorkspace } from '../lifecycle/workspace.js';
import { inStepJobScope, jobLogPath, jobTrace, rethrowIfRunnerOwns, skipped } from './job-scope.js';

/**
 * `run_quality_job`: acts only on a `needs_qa` step of a run that is not paused or ended (a paused
 * run keeps the step waiting; resume enqueues its QA again). PASS → completed + triggers +
 * completion/auto-advance; FAIL → failed + loop, else blocked; ERROR → step and run blocked
 * (`qa_error`), never a pass.
 */
export function createRunQualityHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'run_quality_job'> {
  return async (job, jobCtx): Promise<HandlerResult> =>
    inStepJobScope(ctx, job, job.payload.step_run_id, async (step, run): Promise<HandlerResult> => {
      const { storage } = ctx.deps;
      const trace = jobTrace(job);
      if (step.status !== 'needs_qa') return skipped(`step is ${step.status}`);
      if (isTerminalRun(run)) return skipped(`protocol is ${run.status}`);
      if (run.status === 'paused') {
        await ctx.record(
          null,
          {
            type: 'step_deferred',
            message: `QA of ${step.step_name} deferred: the protocol is paused.`,
            run,
            step,
            metadata: { protocol_status: run.status, phase: 'qa' },
          },
          trace,
        );
        return skipped('protocol is paused; QA deferred');
      }
      // QA is an engine call of the step: it counts against the step and protocol budgets.
      const over = budgetError(
        ctx,
        await checkPhaseBudget(ctx, { phase: 'qa', runId: run.id, step, context: step.step_name }),
        { step_run_id: step.id, phase: 'qa' },
      );
      if (over)
        return {
          result: { outcome: 'budget_exceeded', step_status: await recordQaOverBudget(ctx, step.id, over, trace) },
        };
      const logPath = jobLogPath(ctx, job);
      jobCtx.setLogPath(logPath);
      const spec = specFromTemplateConfig(run.template_config);
      const stepSpec = ctx.deps.spec.getStepSpec(spec, step.step_name);
      const project = await storage.projects.get(run.project_id);
      let qa: QaResult;
      let worktreePath: string | null = null;
      try {
        const workspace = await ensureRunWorkspace(ctx, project, run);
        worktreePath = workspace.worktreePath;
        qa = await ctx.deps.quality.runQa({
          project,
          run,
          step,
          spec,
          stepSpec,
          worktreePath: workspace.worktreePath,
          protocolRoot: workspace.protocolRoot,
          logPath,
          jobId: job.run_id,
          signal: jobCtx.signal,
        });
        jobCtx.addUsage(ledgerUsage(qa.usage, qa.cost_usd));
      } catch (error) {
        rethrowIfRunnerOwns(jobCtx, error);
        qa = qaErrorResult(effectiveQaPolicy(stepSpec), error);
      }
      if (jobCtx.signal.aborted) throw jobCtx.signal.reason;
      if (qa.outcome === 'PASS' && worktreePath !== null) await settlePushesBeforeRunEnd(ctx, step, worktreePath);
      const status = await storage.transaction(async (tx) => {
        const current = await tx.stepRuns.get(step.id);
        if (current.status !== 'needs_qa') return current.status;
        await applyQaResult(ctx, tx, await tx.protocolRuns.get(run.id), current, qa, { inline: false, trace });
        return (await tx.stepRuns.get(step.id)).status;
      });
      return { result: { outcome: qa.outcome, step_status: status, report_path: qa.report_path } };
    });
}
