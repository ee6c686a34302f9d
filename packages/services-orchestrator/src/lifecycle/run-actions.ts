import { join } from 'node:path';
import { ConflictError, ValidationError } from '@tasksgodzilla/core';
import type { QueueJob } from '@tasksgodzilla/platform-queue';
import { specFromTemplateConfig } from '@tasksgodzilla/services-spec';
import { enqueueWithEvent, runJobPayload, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import type { AuditSpecsInput, CallOptions, ExecutionPlanResult, RunActionResult } from '../orchestrator.types.js';
import { assertRunNotTerminal, getProject, getRun, getStep } from './run-state.js';
import { recordedWorkspace } from './workspace.js';

/** Enqueues `open_pr_job` (`open_pr_enqueued`); the run needs a branch, i.e. it was planned. */
export async function openPr(
  ctx: OrchestratorContext,
  id: number,
  options: CallOptions = {},
): Promise<RunActionResult & { job: QueueJob }> {
  const trace: Trace = { requestId: options.requestId };
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await getRun(tx, id);
    if (!run.branch_name)
      throw new ConflictError('Protocol has no branch yet; plan it first', {
        code: 'protocol_without_branch',
        details: { status: run.status },
      });
    // Only a cancelled run refuses: a completed or failed one still has its branch to show.
    if (run.status === 'cancelled') assertRunNotTerminal(run);
    const job = await enqueueWithEvent(
      ctx,
      tx,
      { type: 'open_pr_job', payload: runJobPayload(run) },
      { type: 'open_pr_enqueued', message: 'Open PR/MR job enqueued.', run },
      trace,
    );
    return { run, job };
  });
}

/** Enqueues `spec_audit_job` for one run, one project's runs, or every run. */
export async function auditSpecs(
  ctx: OrchestratorContext,
  input: AuditSpecsInput = {},
  options: CallOptions = {},
): Promise<{ job: QueueJob }> {
  const trace: Trace = { requestId: options.requestId };
  if (input.backfill_missing !== undefined && typeof input.backfill_missing !== 'boolean') {
    throw new ValidationError('backfill_missing must be a boolean', [
      { path: ['backfill_missing'], message: 'must be a boolean' },
    ]);
  }
  return ctx.deps.storage.transaction(async (tx) => {
    let projectId = input.project_id ?? null;
    if (input.protocol_id) {
      const run = await getRun(tx, input.protocol_id);
      if (projectId !== null && run.project_id !== projectId)
        throw new ValidationError('protocol_id belongs to another project', [
          { path: ['protocol_id'], message: 'not a run of project_id' },
        ]);
      projectId = run.project_id;
    } else if (projectId !== null) {
      await getProject(tx, projectId);
    }
    const job = await ctx.enqueue(
      tx,
      'spec_audit_job',
      {
        project_id: projectId,
        protocol_id: input.protocol_id ?? null,
        backfill_missing: input.backfill_missing ?? false,
      },
      trace,
    );
    return { job };
  });
}

/** Dry run of a step's execution: engine, model, prompt, outputs and budget verdict, nothing run. */
export async function planExecution(ctx: OrchestratorContext, stepId: number): Promise<ExecutionPlanResult> {
  const { storage } = ctx.deps;
  const step = await getStep(storage, stepId);
  const run = await getRun(storage, step.protocol_run_id);
  const workspace = recordedWorkspace(run);
  if (!workspace)
    throw new ConflictError('Protocol is not planned yet', {
      code: 'protocol_not_planned',
      details: { status: run.status },
    });
  const project = await storage.projects.get(run.project_id);
  const spec = specFromTemplateConfig(run.template_config);
  const [protocolSpent, stepSpent] = await Promise.all([
    storage.jobRuns.usageTotals({ protocol_run_id: run.id }),
    storage.jobRuns.usageTotals({ step_run_id: step.id }),
  ]);
  const plan = await ctx.deps.execution.buildExecutionPlan({
    project,
    run,
    step,
    spec,
    stepSpec: ctx.deps.spec.getStepSpec(spec, step.step_name),
    worktreePath: workspace.worktreePath,
    protocolRoot: workspace.protocolRoot,
    branch: workspace.branch,
    logPath: join(ctx.config.runsDir, 'dry-run', `step-${step.id}.log`),
    spent: {
      protocol: { tokens: protocolSpent.tokens, cost_usd: protocolSpent.cost_cents / 100 },
      step: { tokens: stepSpent.tokens, cost_usd: stepSpent.cost_cents / 100 },
    },
  });
  return { step, plan };
}
